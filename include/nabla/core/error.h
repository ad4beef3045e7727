#pragma once
// nabla::Error and the one check macro every user-facing failure goes through.
#include <sstream>
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
template <typename T>
void stream_one(std::ostringstream& os, const T& v) {
  os << v;
}
template <typename T>
void stream_one(std::ostringstream& os, const std::vector<T>& v) {
  os << '[';
  for (size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
  os << ']';
}
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream os;
  (stream_one(os, args), ...);
  return os.str();
}
}  // namespace detail
}  // namespace nabla

/// NABLA_CHECK(cond, "op: message ", value, ...) throws nabla::Error with the concatenated message.
#define NABLA_CHECK(cond, ...)                                  \
  do {                                                          \
    if (!(cond)) [[unlikely]] {                                 \
      throw ::nabla::Error(::nabla::detail::concat(__VA_ARGS__)); \
    }                                                           \
  } while (0)

/// Unconditional failure with the same message formatting.
#define NABLA_FAIL(...) throw ::nabla::Error(::nabla::detail::concat(__VA_ARGS__))
