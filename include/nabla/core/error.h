#pragma once
// nabla::Error and the one check macro every user-facing failure goes through.
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace nabla {

/// Thrown for every user mistake (bad shape, bad dtype, misuse of autograd); never an abort.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
/// The stream concat() writes into: a std::ostringstream that lives in the library, so that <sstream> stays out of
/// every file that includes nabla.h.
class MessageStream {
 public:
  MessageStream();
  ~MessageStream();
  MessageStream(const MessageStream&) = delete;
  MessageStream& operator=(const MessageStream&) = delete;
  std::ostream& os() { return *os_; }
  std::string str() const;

 private:
  std::ostream* os_;
};

template <typename T>
void stream_one(std::ostream& os, const T& v) {
  os << v;
}
template <typename T>
void stream_one(std::ostream& os, const std::vector<T>& v) {
  os << '[';
  for (size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
  os << ']';
}
template <typename... Args>
std::string concat(const Args&... args) {
  MessageStream m;
  (stream_one(m.os(), args), ...);
  return m.str();
}
}  // namespace detail
}  // namespace nabla

/// NABLA_CHECK(cond, "op: message ", value, ...) throws nabla::Error with the concatenated message.
#define NABLA_CHECK(cond, ...)                                    \
  do {                                                            \
    if (!(cond)) [[unlikely]] {                                   \
      throw ::nabla::Error(::nabla::detail::concat(__VA_ARGS__)); \
    }                                                             \
  } while (0)

/// Unconditional failure with the same message formatting.
#define NABLA_FAIL(...) throw ::nabla::Error(::nabla::detail::concat(__VA_ARGS__))
