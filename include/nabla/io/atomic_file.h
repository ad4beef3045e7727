#pragma once
// Writing a file so that readers see either the old contents or the new ones, never a partial file: the bytes go to
// `path.tmp.<pid>`, are flushed to disk (fsync), and the temporary file is renamed over `path`.
#include <string>
#include <string_view>
#include <vector>

namespace nabla::io {

/// Writes the chunks, in order, as the new contents of `path`. On any failure the temporary file is removed, `path`
/// keeps its old contents, and nabla::Error says why; `op` names the caller in that message ("save", "metrics").
void write_file_atomic(const std::string& path, const std::vector<std::string_view>& chunks, const char* op = "save");

}  // namespace nabla::io
