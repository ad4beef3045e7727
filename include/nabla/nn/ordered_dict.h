#pragma once
// nabla::OrderedDict: insertion-ordered string-keyed map, as LibTorch's torch::OrderedDict (named_parameters,
// state_dict).
#include <cstddef>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "nabla/core/error.h"

namespace nabla {

template <typename Key, typename Value>
class OrderedDict {
 public:
  /// One (key, value) entry; items iterate in insertion order.
  class Item {
   public:
    Item(Key key, Value value) : pair_(std::move(key), std::move(value)) {}
    const Key& key() const { return pair_.first; }
    Value& value() { return pair_.second; }
    const Value& value() const { return pair_.second; }
    Value& operator*() { return value(); }
    const Value& operator*() const { return value(); }
    Value* operator->() { return &value(); }
    const Value* operator->() const { return &value(); }
    const std::pair<Key, Value>& pair() const { return pair_; }

   private:
    std::pair<Key, Value> pair_;
  };

  using iterator = typename std::vector<Item>::iterator;
  using const_iterator = typename std::vector<Item>::const_iterator;

  explicit OrderedDict(std::string key_description = "Key") : key_description_(std::move(key_description)) {}
  OrderedDict(std::initializer_list<Item> items) : key_description_("Key") {
    for (const Item& i : items) insert(i.key(), i.value());
  }

  /// Adds a new key; throws nabla::Error when the key is already present.
  Value& insert(Key key, Value value) {
    NABLA_CHECK(index_.count(key) == 0, "OrderedDict: ", key_description_, " '", key, "' already defined");
    index_.emplace(key, items_.size());
    items_.emplace_back(std::move(key), std::move(value));
    return items_.back().value();
  }
  /// Inserts or overwrites.
  Value& insert_or_assign(Key key, Value value) {
    if (auto it = index_.find(key); it != index_.end()) return items_[it->second].value() = std::move(value);
    return insert(std::move(key), std::move(value));
  }
  void update(const OrderedDict& other) {
    for (const Item& i : other) insert_or_assign(i.key(), i.value());
  }
  /// Removes a key (order of the rest is kept); throws when absent.
  void erase(const Key& key) {
    auto it = index_.find(key);
    NABLA_CHECK(it != index_.end(), "OrderedDict::erase: ", key_description_, " '", key, "' is not defined");
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(it->second));
    index_.clear();
    for (size_t i = 0; i < items_.size(); ++i) index_.emplace(items_[i].key(), i);
  }

  Value* find(const Key& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].value();
  }
  const Value* find(const Key& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].value();
  }
  bool contains(const Key& key) const { return index_.count(key) != 0; }

  /// By key; throws nabla::Error naming the key when absent.
  Value& operator[](const Key& key) {
    Value* v = find(key);
    NABLA_CHECK(v, "OrderedDict: ", key_description_, " '", key, "' is not defined");
    return *v;
  }
  const Value& operator[](const Key& key) const {
    const Value* v = find(key);
    NABLA_CHECK(v, "OrderedDict: ", key_description_, " '", key, "' is not defined");
    return *v;
  }
  /// By position.
  Item& operator[](size_t index) {
    NABLA_CHECK(index < items_.size(), "OrderedDict: index ", index, " out of range for size ", items_.size());
    return items_[index];
  }
  const Item& operator[](size_t index) const {
    NABLA_CHECK(index < items_.size(), "OrderedDict: index ", index, " out of range for size ", items_.size());
    return items_[index];
  }

  std::vector<Key> keys() const {
    std::vector<Key> r;
    r.reserve(items_.size());
    for (const Item& i : items_) r.push_back(i.key());
    return r;
  }
  std::vector<Value> values() const {
    std::vector<Value> r;
    r.reserve(items_.size());
    for (const Item& i : items_) r.push_back(i.value());
    return r;
  }
  const std::vector<Item>& items() const { return items_; }
  std::vector<std::pair<Key, Value>> pairs() const {
    std::vector<std::pair<Key, Value>> r;
    for (const Item& i : items_) r.push_back(i.pair());
    return r;
  }

  size_t size() const { return items_.size(); }
  bool is_empty() const { return items_.empty(); }
  bool empty() const { return items_.empty(); }
  void clear() {
    items_.clear();
    index_.clear();
  }
  Item& front() { return operator[](size_t{0}); }
  Item& back() { return operator[](items_.empty() ? 0 : items_.size() - 1); }

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }

  const std::string& key_description() const { return key_description_; }

 private:
  std::string key_description_;
  std::vector<Item> items_;
  // A std::map rather than LibTorch's hash map: <unordered_map> costs every file that includes nabla.h about 0.05 s
  // of compile time, and lookups are few (by name, not per element).
  std::map<Key, size_t> index_;
};

}  // namespace nabla
