// MNIST / Fashion-MNIST from IDX files (raw or .gz). Each file is read whole, then its header is checked
// against its length, so a wrong or damaged file is a nabla::Error naming it, never a crash.
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/rows.h"
#include "nabla/data/datasets.h"
#include "nabla/ops/factory.h"

namespace nabla::data::datasets {

template class Dataset<MNIST, Example<>>;
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kImageMagic = 2051;  // 0x00000803: unsigned byte, 3 dims
constexpr uint32_t kLabelMagic = 2049;  // 0x00000801: unsigned byte, 1 dim
constexpr const char* kHint =
    "Download MNIST (or Fashion-MNIST) there; `apt-get install dataset-fashion-mnist` provides Fashion-MNIST "
    "at /usr/share/datasets/fashion-mnist";

std::vector<uint8_t> read_raw(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  NABLA_CHECK(in.good(), "MNIST: cannot open ", path);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  NABLA_CHECK(!in.bad(), "MNIST: error reading ", path);
  return bytes;
}

std::vector<uint8_t> read_gz(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  NABLA_CHECK(f != nullptr, "MNIST: cannot open ", path);
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> chunk(1 << 20);
  std::string error;
  while (true) {
    const int n = gzread(f, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n > 0) bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + n);
    int errnum = Z_OK;
    const char* msg = gzerror(f, &errnum);
    if (n < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
      error = msg ? msg : "unknown zlib error";
      break;
    }
    if (n == 0) break;
  }
  // gzread passes non-gzip bytes through unchanged: a ".gz" that is not gzip is corrupt too.
  const bool direct = error.empty() && gzdirect(f);
  gzclose(f);
  NABLA_CHECK(error.empty(), "MNIST: corrupt .gz file ", path, " (zlib: ", error, "); delete it and download it again");
  NABLA_CHECK(!direct, "MNIST: corrupt .gz file ", path, " (not gzip data); delete it and download it again");
  return bytes;
}

uint32_t be32(const std::vector<uint8_t>& b, size_t at) {
  return (uint32_t(b[at]) << 24) | (uint32_t(b[at + 1]) << 16) | (uint32_t(b[at + 2]) << 8) | uint32_t(b[at + 3]);
}

// The contents of root/name or root/name.gz (raw preferred), and the path read.
std::vector<uint8_t> read_idx(const std::string& root, const std::string& name, std::string& path) {
  const std::string raw = (fs::path(root) / name).string();
  const std::string gz = raw + ".gz";
  std::error_code ec;
  if (fs::is_regular_file(raw, ec)) {
    path = raw;
    return read_raw(raw);
  }
  if (fs::is_regular_file(gz, ec)) {
    path = gz;
    return read_gz(gz);
  }
  NABLA_FAIL("MNIST: ", name, " not found: looked for ", raw, " and ", gz, ". ", kHint);
}

// Checks the magic number and that the file holds exactly the items its header announces.
void check_header(const std::vector<uint8_t>& b, const std::string& path, uint32_t magic, size_t header,
                  const char* what) {
  NABLA_CHECK(b.size() >= 8, "MNIST: ", path, " is truncated: ", b.size(), " bytes, too short for an IDX header");
  const uint32_t m = be32(b, 0);
  NABLA_CHECK(m == magic, "MNIST: ", path, " has magic number ", m, " but an IDX ", what, " file has ", magic,
              " (is it the right file, and decompressed correctly?)");
  NABLA_CHECK(b.size() >= header, "MNIST: ", path, " is truncated: ", b.size(), " bytes, the header needs ", header);
}

}  // namespace

MNIST::MNIST(const std::string& root, Mode mode) : train_(mode == Mode::kTrain) {
  std::error_code ec;
  const std::string prefix = train_ ? "train" : "t10k";
  const std::string image_name = prefix + "-images-idx3-ubyte";
  const std::string label_name = prefix + "-labels-idx1-ubyte";
  if (!fs::is_directory(root, ec)) {
    const std::string base = (fs::path(root) / prefix).string();
    NABLA_FAIL("MNIST: directory ", root, " does not exist; looked for ", base, "-images-idx3-ubyte[.gz] and ", base,
               "-labels-idx1-ubyte[.gz]. ", kHint);
  }

  // images: magic, count, rows, cols (big-endian uint32), then count*rows*cols bytes.
  std::string image_path;
  const std::vector<uint8_t> ib = read_idx(root, image_name, image_path);
  check_header(ib, image_path, kImageMagic, 16, "images");
  const uint64_t count = be32(ib, 4), rows = be32(ib, 8), cols = be32(ib, 12);
  NABLA_CHECK(rows > 0 && cols > 0, "MNIST: ", image_path, " says images are ", rows, "x", cols);
  // count, rows, cols < 2^32 each: check rows*cols and the product against the file length without overflow.
  const uint64_t pixels = rows * cols;
  const uint64_t have = ib.size() - 16;
  const bool fits = count <= have / pixels;
  NABLA_CHECK(fits && count * pixels == have, "MNIST: ", image_path, fits ? " has trailing bytes" : " is truncated",
              ": its header says ", count, " images of ", rows, "x", cols, " (16 + ", count, "*", pixels,
              " bytes) but it has ", ib.size(), " bytes");

  // labels: magic, count (big-endian uint32), then count bytes.
  std::string label_path;
  const std::vector<uint8_t> lb = read_idx(root, label_name, label_path);
  check_header(lb, label_path, kLabelMagic, 8, "labels");
  const uint64_t label_count = be32(lb, 4);
  NABLA_CHECK(lb.size() - 8 == label_count, "MNIST: ", label_path,
              lb.size() - 8 < label_count ? " is truncated" : " has trailing bytes", ": its header says ", label_count,
              " labels but it has ", lb.size() - 8, " label bytes");
  NABLA_CHECK(label_count == count, "MNIST: ", image_path, " has ", count, " images but ", label_path, " has ",
              label_count, " labels (mixed-up files?)");

  const auto n = static_cast<int64_t>(count);
  images_ = empty({n, 1, static_cast<int64_t>(rows), static_cast<int64_t>(cols)}, TensorOptions().dtype(kFloat32));
  float* img = images_.data_ptr<float>();
  for (uint64_t i = 0; i < have; ++i) img[i] = static_cast<float>(ib[16 + i]) / 255.0f;
  targets_ = empty({n}, TensorOptions().dtype(kInt64));
  int64_t* tgt = targets_.data_ptr<int64_t>();
  for (uint64_t i = 0; i < label_count; ++i) tgt[i] = lb[8 + i];
}

Example<> MNIST::get(size_t index) {
  const auto n = static_cast<size_t>(images_.size(0));
  detail::check_index(index, n, "MNIST");
  const auto i = static_cast<int64_t>(index);
  return Example<>(images_[i], targets_[i]);
}

Example<> MNIST::stacked_batch(const std::vector<size_t>& indices) const {
  return detail::stack_rows(images_, targets_, indices, "MNIST");
}

std::optional<size_t> MNIST::size() const { return static_cast<size_t>(images_.size(0)); }
bool MNIST::is_train() const noexcept { return train_; }
const Tensor& MNIST::images() const { return images_; }
const Tensor& MNIST::targets() const { return targets_; }

}  // namespace nabla::data::datasets
