// safetensors reading and writing. Layout: [u64 little-endian N][N bytes of JSON header, space-padded to a multiple
// of 8][byte buffer]. Header: {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
// "__metadata__": {"k": "v"}}; offsets are relative to the byte buffer, which the tensors tile without holes.
#include "nabla/io/safetensors.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "nabla/autograd/grad_mode.h"
#include "nabla/io/atomic_file.h"
#include "nabla/ops/factory.h"
#include "nabla/optim/optimizer.h"

static_assert(std::endian::native == std::endian::little, "nabla's safetensors I/O assumes a little-endian host");

namespace nabla {
namespace {

// The reference implementation refuses headers above 100 MB; so do we (a corrupt length must not allocate 2^63).
constexpr uint64_t kMaxHeader = 100'000'000;

const char* dtype_code(ScalarType t) {
  switch (t) {
    case kBool: return "BOOL";
    case kUInt8: return "U8";
    case kInt32: return "I32";
    case kInt64: return "I64";
    case kFloat32: return "F32";
    case kFloat64: return "F64";
  }
  return "?";
}

bool dtype_from_code(const std::string& s, ScalarType& out) {
  static const std::pair<const char*, ScalarType> table[] = {{"BOOL", kBool},   {"U8", kUInt8},    {"I32", kInt32},
                                                             {"I64", kInt64},   {"F32", kFloat32}, {"F64", kFloat64}};
  for (const auto& [code, t] : table)
    if (s == code) {
      out = t;
      return true;
    }
  return false;
}

std::string errno_text() { return std::strerror(errno); }

struct Entry {
  std::string name;
  Tensor data;  // contiguous, CPU
};

// Serialises entries to `path` through a temporary file renamed over it; the old file survives any failure.
void write_file(const std::vector<Entry>& entries, const std::string& path, const SafetensorsMetadata& metadata) {
  NABLA_CHECK(!path.empty(), "save: empty path; pass the file to write, e.g. \"model.safetensors\"");
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) {
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();
    for (const auto& [k, v] : metadata) meta[k] = v;
    header["__metadata__"] = std::move(meta);
  }
  uint64_t offset = 0;
  for (const Entry& e : entries) {
    uint64_t n = static_cast<uint64_t>(e.data.numel()) * e.data.element_size();
    header[e.name] = {{"dtype", dtype_code(e.data.scalar_type())},
                      {"shape", e.data.sizes().vec()},
                      {"data_offsets", {offset, offset + n}}};
    offset += n;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  uint64_t n = text.size();
  char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<char>((n >> (8 * i)) & 0xff);

  std::vector<std::string_view> chunks{std::string_view(len, 8), text};
  for (const Entry& e : entries)
    chunks.emplace_back(static_cast<const char*>(e.data.data_ptr()),
                        static_cast<size_t>(e.data.numel()) * e.data.element_size());
  io::write_file_atomic(path, chunks, "save");
}

Entry entry_of(const std::string& name, const Tensor& t) {
  NABLA_CHECK(name != "__metadata__", "save: '__metadata__' is reserved by the safetensors format; rename the tensor");
  NABLA_CHECK(t.defined(), "save: tensor '", name, "' is undefined; drop it or give it a value");
  return {name, t.detach().cpu().contiguous()};
}

struct Parsed {
  OrderedDict<std::string, Tensor> tensors{"Tensor"};
  SafetensorsMetadata metadata;
};

// Reads and validates the whole file. Every malformed input is a nabla::Error naming the file.
Parsed read_file(const std::string& path, bool want_tensors) {
  const std::string where = "load: '" + path + "': ";
  std::error_code ec;
  NABLA_CHECK(!std::filesystem::is_directory(path, ec), where, "is a directory; pass the .safetensors file in it");
  std::ifstream in(path, std::ios::binary);
  NABLA_CHECK(in.is_open(), where, "cannot open the file: ", errno_text());
  in.seekg(0, std::ios::end);
  std::streamoff end = in.tellg();
  NABLA_CHECK(end >= 0, where, "cannot read the file size (is it a regular file?)");
  in.seekg(0, std::ios::beg);
  const uint64_t file_size = static_cast<uint64_t>(end);
  NABLA_CHECK(file_size >= 8, where, "file is ", file_size,
              " bytes, too short for a safetensors file (8-byte header length missing)");
  unsigned char len[8];
  in.read(reinterpret_cast<char*>(len), 8);
  NABLA_CHECK(in.good(), where, "cannot read the header length");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | len[i];
  NABLA_CHECK(n <= kMaxHeader, where, "header length ", n, " exceeds the ", kMaxHeader,
              "-byte limit; not a safetensors file or corrupted");
  NABLA_CHECK(n <= file_size - 8, where, "header length ", n, " is larger than the rest of the file (",
              file_size - 8, " bytes); the file is truncated or not a safetensors file");
  std::string text(n, '\0');
  in.read(text.data(), static_cast<std::streamsize>(n));
  NABLA_CHECK(in.good(), where, "cannot read the ", n, "-byte header");
  NABLA_CHECK(n > 0 && text[0] == '{', where, "header does not start with '{'; not a safetensors file");
  nlohmann::json header = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  NABLA_CHECK(!header.is_discarded(), where, "header is not valid JSON");
  NABLA_CHECK(header.is_object(), where, "header is not a JSON object");

  const uint64_t buffer_size = file_size - 8 - n;
  struct Spec {
    std::string name;
    ScalarType dtype;
    std::vector<int64_t> shape;
    uint64_t begin, end;
  };
  std::vector<Spec> specs;
  Parsed out;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const nlohmann::json& v = it.value();
    if (name == "__metadata__") {
      NABLA_CHECK(v.is_object(), where, "\"__metadata__\" is not a JSON object of strings");
      for (auto m = v.begin(); m != v.end(); ++m) {
        NABLA_CHECK(m.value().is_string(), where, "\"__metadata__\" value for '", m.key(), "' is not a string");
        out.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    NABLA_CHECK(v.is_object(), where, "entry '", name, "' is not a JSON object");
    auto d = v.find("dtype");
    auto s = v.find("shape");
    auto o = v.find("data_offsets");
    NABLA_CHECK(d != v.end() && s != v.end() && o != v.end(), where, "entry '", name,
                "' needs \"dtype\", \"shape\" and \"data_offsets\"");
    Spec spec{name, kFloat32, {}, 0, 0};
    NABLA_CHECK(d->is_string(), where, "entry '", name, "': \"dtype\" is not a string");
    NABLA_CHECK(dtype_from_code(d->get<std::string>(), spec.dtype), where, "entry '", name, "': dtype ", d->dump(),
                " is not supported (nabla reads F32, F64, I64, I32, U8, BOOL)");
    NABLA_CHECK(s->is_array(), where, "entry '", name, "': \"shape\" is not an array");
    uint64_t numel = 1;
    bool overflow = false;
    for (const auto& dim : *s) {
      NABLA_CHECK(dim.is_number_unsigned() || (dim.is_number_integer() && dim.get<int64_t>() >= 0), where, "entry '",
                  name, "': shape ", s->dump(), " has a dimension that is not a non-negative integer");
      uint64_t x = dim.get<uint64_t>();
      NABLA_CHECK(x <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()), where, "entry '", name,
                  "': dimension ", x, " is too large");
      if (x != 0 && numel > std::numeric_limits<uint64_t>::max() / x) overflow = true;
      numel *= x;
      spec.shape.push_back(static_cast<int64_t>(x));
    }
    NABLA_CHECK(o->is_array() && o->size() == 2 && (*o)[0].is_number_unsigned() && (*o)[1].is_number_unsigned(),
                where, "entry '", name, "': \"data_offsets\" must be [begin, end] with non-negative integers, got ",
                o->dump());
    spec.begin = (*o)[0].get<uint64_t>();
    spec.end = (*o)[1].get<uint64_t>();
    NABLA_CHECK(spec.begin <= spec.end, where, "entry '", name, "': data_offsets [", spec.begin, ", ", spec.end,
                "] end before they begin");
    NABLA_CHECK(spec.end <= buffer_size, where, "entry '", name, "': data_offsets [", spec.begin, ", ", spec.end,
                "] reach past the data (", buffer_size, " bytes); the file is truncated or corrupted");
    const uint64_t es = element_size(spec.dtype);
    NABLA_CHECK(!overflow && numel <= std::numeric_limits<uint64_t>::max() / es && numel * es == spec.end - spec.begin,
                where, "entry '", name, "': shape ", spec.shape, " of ", d->get<std::string>(), " needs ",
                overflow ? std::string("too many") : std::to_string(numel * es), " bytes but data_offsets [",
                spec.begin, ", ", spec.end, "] hold ", spec.end - spec.begin);
    specs.push_back(std::move(spec));
  }
  // The tensors must tile the buffer: no overlap, no hole, nothing after the last one.
  std::stable_sort(specs.begin(), specs.end(), [](const Spec& a, const Spec& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t pos = 0;
  for (const Spec& sp : specs) {
    NABLA_CHECK(sp.begin >= pos, where, "entry '", sp.name, "': data_offsets [", sp.begin, ", ", sp.end,
                "] overlap the previous tensor (which ends at ", pos, ")");
    NABLA_CHECK(sp.begin == pos, where, "entry '", sp.name, "': data_offsets [", sp.begin, ", ", sp.end,
                "] leave a gap after byte ", pos, "; the header is corrupted");
    pos = sp.end;
  }
  NABLA_CHECK(pos == buffer_size, where, "the tensors hold ", pos, " bytes but the file has ", buffer_size,
              " data bytes after the header; the file is corrupted");
  if (!want_tensors) return out;
  for (const Spec& sp : specs) {
    Tensor t = empty(sp.shape, TensorOptions().dtype(sp.dtype));
    const uint64_t bytes = sp.end - sp.begin;
    if (bytes > 0) {
      in.seekg(static_cast<std::streamoff>(8 + n + sp.begin), std::ios::beg);
      in.read(static_cast<char*>(t.data_ptr()), static_cast<std::streamsize>(bytes));
      NABLA_CHECK(in.good(), where, "cannot read the data of '", sp.name, "' (", bytes, " bytes): file truncated");
    }
    if (sp.dtype == kBool) {
      const auto* b = static_cast<const unsigned char*>(t.data_ptr());
      for (uint64_t i = 0; i < bytes; ++i)
        NABLA_CHECK(b[i] <= 1, where, "entry '", sp.name, "': BOOL byte ", i, " is ", int(b[i]), ", not 0 or 1");
    }
    out.tensors.insert(sp.name, std::move(t));
  }
  return out;
}

}  // namespace

void save(const OrderedDict<std::string, Tensor>& tensors, const std::string& path,
          const SafetensorsMetadata& metadata) {
  std::vector<Entry> entries;
  for (const auto& item : tensors) entries.push_back(entry_of(item.key(), item.value()));
  write_file(entries, path, metadata);
}

void save(const std::map<std::string, Tensor>& tensors, const std::string& path, const SafetensorsMetadata& metadata) {
  std::vector<Entry> entries;
  for (const auto& [k, v] : tensors) entries.push_back(entry_of(k, v));
  write_file(entries, path, metadata);
}

void save(const nn::Module& module, const std::string& path, const SafetensorsMetadata& metadata) {
  save(module.state_dict(), path, metadata);
}

void save(const Tensor& tensor, const std::string& path) {
  write_file({entry_of("tensor", tensor)}, path, {});
}

OrderedDict<std::string, Tensor> load(const std::string& path) { return read_file(path, true).tensors; }

SafetensorsMetadata load_metadata(const std::string& path) { return read_file(path, false).metadata; }

void load(nn::Module& module, const std::string& path, bool strict) {
  OrderedDict<std::string, Tensor> dict = load(path);
  try {
    module.load_state_dict(dict, strict);
  } catch (const Error& e) {
    NABLA_FAIL("load: '", path, "': ", e.what());
  }
}

Tensor load_tensor(const std::string& path) {
  OrderedDict<std::string, Tensor> dict = load(path);
  if (const Tensor* t = dict.find("tensor")) return *t;
  NABLA_CHECK(dict.size() == 1, "load_tensor: '", path, "' holds ", dict.size(), " tensors ", dict.keys(),
              " and none named 'tensor'; use nabla::load(path) for a dictionary");
  return dict[size_t{0}].value();
}

// ---- optimizer state ----
// The optimizer's own state_dict(); files from before param_groups were saved (state keys only) still load.

void save(const optim::Optimizer& optimizer, const std::string& path) {
  save(optimizer.state_dict(), path, {{"format", "nabla.optimizer"}});
}

void load(optim::Optimizer& optimizer, const std::string& path) {
  OrderedDict<std::string, Tensor> dict = load(path);
  try {
    optimizer.load_state_dict(dict);
  } catch (const Error& e) {
    NABLA_FAIL("load: '", path, "': ", e.what());
  }
}

}  // namespace nabla
