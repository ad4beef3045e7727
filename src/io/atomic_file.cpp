#include "nabla/io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "nabla/core/error.h"

namespace nabla::io {
namespace {

std::string errno_text() { return std::strerror(errno); }

// Writes all of `data` to fd; false on any error (errno set).
bool write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

void write_file_atomic(const std::string& path, const std::vector<std::string_view>& chunks, const char* op) {
  NABLA_CHECK(!path.empty(), op, ": empty path; pass the file to write");
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  NABLA_CHECK(fd >= 0, op, ": cannot create the temporary file '", tmp, "' for '", path, "': ", errno_text(),
              "; check that the directory exists and is writable");
  bool ok = true;
  for (size_t i = 0; ok && i < chunks.size(); ++i) ok = write_all(fd, chunks[i].data(), chunks[i].size());
  // fsync before the rename so that a crash cannot leave a renamed but empty file.
  if (ok) ok = ::fsync(fd) == 0 || errno == EINVAL || errno == EROFS;
  std::string why = ok ? "" : errno_text();
  if (::close(fd) != 0 && ok) {
    ok = false;
    why = errno_text();
  }
  if (!ok) {
    std::remove(tmp.c_str());
    NABLA_FAIL(op, ": writing '", tmp, "' failed: ", why, "; '", path, "' was left unchanged");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    why = errno_text();
    std::remove(tmp.c_str());
    NABLA_FAIL(op, ": cannot rename '", tmp, "' to '", path, "': ", why, "; '", path, "' was left unchanged");
  }
}

}  // namespace nabla::io
