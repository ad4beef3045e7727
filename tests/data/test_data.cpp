// nabla::data: TensorDataset, MNIST from small IDX files written here, transforms, samplers, DataLoader.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/thread_pool.h"
#include "nabla/data.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using namespace nabla;
using namespace nabla::data;
using nabla::testing::error_of;
using nabla::testing::values;
using Bytes = std::vector<uint8_t>;

// A fresh directory under the system temp dir, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() / ("nabla_data_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string str() const { return path.string(); }
};

void put32(Bytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(v >> s));
}

// IDX images: pixel (i, r, c) = (i * 7 + r * 3 + c) % 256.
Bytes idx_images(uint32_t n, uint32_t rows = 28, uint32_t cols = 28, uint32_t magic = 2051) {
  Bytes b;
  put32(b, magic);
  put32(b, n);
  put32(b, rows);
  put32(b, cols);
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t r = 0; r < rows; ++r)
      for (uint32_t c = 0; c < cols; ++c) b.push_back(uint8_t((i * 7 + r * 3 + c) % 256));
  return b;
}
// IDX labels: label i = (i * 3) % 10.
Bytes idx_labels(uint32_t n, uint32_t magic = 2049) {
  Bytes b;
  put32(b, magic);
  put32(b, n);
  for (uint32_t i = 0; i < n; ++i) b.push_back(uint8_t((i * 3) % 10));
  return b;
}

uint32_t crc32_of(const Bytes& b) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint8_t x : b) {
    c ^= x;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}
// A valid gzip member holding `b` in stored (uncompressed) deflate blocks.
Bytes gzip(const Bytes& b) {
  Bytes g = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  size_t at = 0;
  do {
    const size_t n = std::min<size_t>(65535, b.size() - at);
    const bool last = at + n == b.size();
    g.push_back(last ? 1 : 0);
    g.push_back(uint8_t(n));
    g.push_back(uint8_t(n >> 8));
    g.push_back(uint8_t(~n));
    g.push_back(uint8_t((~n) >> 8));
    g.insert(g.end(), b.begin() + at, b.begin() + at + n);
    at += n;
  } while (at < b.size());
  const uint32_t crc = crc32_of(b), size = uint32_t(b.size());
  for (int s = 0; s < 32; s += 8) g.push_back(uint8_t(crc >> s));
  for (int s = 0; s < 32; s += 8) g.push_back(uint8_t(size >> s));
  return g;
}

void write(const fs::path& p, const Bytes& b) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

// train-* files with n images and m labels (raw).
void write_train(const TempDir& d, uint32_t n, uint32_t m) {
  write(d.path / "train-images-idx3-ubyte", idx_images(n));
  write(d.path / "train-labels-idx1-ubyte", idx_labels(m));
}

std::string mnist_error(const TempDir& d, datasets::MNIST::Mode mode = datasets::MNIST::Mode::kTrain) {
  return error_of([&] { datasets::MNIST(d.str(), mode); });
}

std::vector<int64_t> ints(const Tensor& t) {
  std::vector<int64_t> r;
  for (double v : values(t)) r.push_back(int64_t(v));
  return r;
}

// ---------------- TensorDataset ----------------

TEST(DataTensorDataset, RowsAndTargets) {
  Tensor x = arange(12, TensorOptions().dtype(kFloat32)).reshape({4, 3});
  Tensor y = arange(4, TensorOptions().dtype(kInt64));
  datasets::TensorDataset both(x, y);
  EXPECT_EQ(both.size(), std::optional<size_t>(4));
  Example<> e = both.get(2);
  nabla::testing::expect_close(e.data, {6, 7, 8});
  EXPECT_EQ(e.target.item<int64_t>(), 2);

  datasets::TensorDataset one(x);
  EXPECT_FALSE(one.get(1).target.defined());
  nabla::testing::expect_close(one.get(1).data, {3, 4, 5});

  datasets::TensorDataset stacked(std::vector<Tensor>{x[0], x[1]});
  EXPECT_EQ(stacked.size(), std::optional<size_t>(2));
}

TEST(DataTensorDataset, Errors) {
  Tensor x = zeros({4, 3});
  EXPECT_NE(error_of([&] { datasets::TensorDataset(x, zeros({5})); }).find("TensorDataset: data has 4 rows"),
            std::string::npos);
  datasets::TensorDataset d(x);
  EXPECT_NE(error_of([&] { d.get(4); }).find("index 4 is out of range for a dataset of size 4"), std::string::npos);
  EXPECT_NE(error_of([&] { datasets::TensorDataset(tensor(1.0)); }).find("TensorDataset"), std::string::npos);
  EXPECT_NE(error_of([&] { datasets::TensorDataset(std::vector<Tensor>{}); }).find("empty"), std::string::npos);
}

// ---------------- DataLoader ----------------

datasets::TensorDataset ten_rows() {
  return datasets::TensorDataset(arange(20, TensorOptions().dtype(kFloat32)).reshape({10, 2}),
                                 arange(10, TensorOptions().dtype(kInt64)));
}

TEST(DataLoader, SequentialStackedBatches) {
  for (size_t workers : {0, 1, 3}) {
    auto loader = make_data_loader<samplers::SequentialSampler>(ten_rows().map(transforms::Stack<>()),
                                                                DataLoaderOptions().batch_size(4).workers(workers));
    std::vector<std::vector<int64_t>> targets;
    for (auto& batch : *loader) {
      static_assert(std::is_same_v<std::remove_reference_t<decltype(batch)>, Example<>>);
      EXPECT_EQ(batch.data.size(0), batch.target.size(0));
      EXPECT_EQ(batch.data.size(1), 2);
      targets.push_back(ints(batch.target));
    }
    EXPECT_EQ(targets, (std::vector<std::vector<int64_t>>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}})) << workers;
  }
}

TEST(DataLoader, VectorBatchesAndDropLast) {
  for (size_t workers : {0, 1}) {
    auto loader = make_data_loader<samplers::SequentialSampler>(
        ten_rows(), DataLoaderOptions().batch_size(4).workers(workers).drop_last(true));
    size_t batches = 0;
    for (auto& batch : *loader) {
      static_assert(std::is_same_v<std::remove_reference_t<decltype(batch)>, std::vector<Example<>>>);
      ASSERT_EQ(batch.size(), 4u);
      EXPECT_EQ(batch[0].target.item<int64_t>(), int64_t(batches * 4));
      ++batches;
    }
    EXPECT_EQ(batches, 2u);
  }
}

TEST(DataLoader, DefaultSamplerIsRandomAsInLibTorch) {
  auto loader = make_data_loader(ten_rows(), DataLoaderOptions().batch_size(3));
  static_assert(std::is_same_v<decltype(loader),
                               std::unique_ptr<StatelessDataLoader<datasets::TensorDataset, samplers::RandomSampler>>>);
  auto by_size = make_data_loader(ten_rows(), 5);
  EXPECT_EQ(by_size->options().batch_size(), 5u);
}

std::vector<int64_t> epoch_order(StatelessDataLoader<datasets::MapDataset<datasets::TensorDataset, transforms::Stack<>>,
                                                     samplers::RandomSampler>& loader) {
  std::vector<int64_t> order;
  for (auto& batch : loader)
    for (int64_t v : ints(batch.target)) order.push_back(v);
  return order;
}

TEST(DataLoader, RandomSamplerFollowsManualSeed) {
  for (size_t workers : {0, 1}) {
    auto make = [&] {
      return make_data_loader<samplers::RandomSampler>(ten_rows().map(transforms::Stack<>()),
                                                       DataLoaderOptions().batch_size(3).workers(workers));
    };
    manual_seed(7);
    auto a = make();
    std::vector<int64_t> first = epoch_order(*a), second = epoch_order(*a);
    manual_seed(7);
    auto b = make();
    EXPECT_EQ(epoch_order(*b), first);
    EXPECT_EQ(epoch_order(*b), second);
    std::vector<int64_t> sorted = first;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));  // a permutation, each row once
    EXPECT_NE(first, sorted);  // shuffled (a fixed seed, so this cannot flake)
  }
}

TEST(DataLoader, BreakAndRestartEpoch) {
  auto loader = make_data_loader<samplers::SequentialSampler>(ten_rows().map(transforms::Stack<>()),
                                                              DataLoaderOptions().batch_size(2).workers(1));
  for (auto& batch : *loader) {
    EXPECT_EQ(ints(batch.target), (std::vector<int64_t>{0, 1}));
    break;  // the worker is still holding the next batch
  }
  size_t n = 0;
  for (auto& batch : *loader) {
    EXPECT_EQ(ints(batch.target)[0], int64_t(2 * n));
    ++n;
  }
  EXPECT_EQ(n, 5u);
  auto it = loader->end();
  EXPECT_NE(error_of([&] { *it; }).find("DataLoader: dereferencing the end iterator"), std::string::npos);
}

// Throws a nabla::Error for one index: the error must reach the consumer, from the worker thread too.
class Faulty : public datasets::Dataset<Faulty> {
 public:
  Example<> get(size_t index) override {
    NABLA_CHECK(index != 5, "Faulty: bad example ", index);
    return {tensor(double(index)), tensor(int64_t(index))};
  }
  std::optional<size_t> size() const override { return 8; }
};

TEST(DataLoader, ErrorsReachTheConsumer) {
  for (size_t workers : {0, 1}) {
    auto loader =
        make_data_loader<samplers::SequentialSampler>(Faulty(), DataLoaderOptions().batch_size(2).workers(workers));
    size_t seen = 0;
    std::string msg = error_of([&] {
      for (auto& batch : *loader) seen += batch.size();
    });
    EXPECT_NE(msg.find("Faulty: bad example 5"), std::string::npos) << msg;
    EXPECT_EQ(seen, 4u);
  }
  EXPECT_NE(error_of([&] { make_data_loader(Faulty(), DataLoaderOptions().batch_size(0)); }).find("batch_size"),
            std::string::npos);
}

// A worker that is slower than DataLoaderOptions::timeout: the consumer gets an error instead of waiting forever,
// and the loader can start a new epoch afterwards.
class Slow : public datasets::Dataset<Slow> {
 public:
  Example<> get(size_t index) override {
    if (index == 0) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return {tensor(double(index)), tensor(int64_t(index))};
  }
  std::optional<size_t> size() const override { return 4; }
};

TEST(DataLoader, TimeoutAndANewEpochAfterAnError) {
  auto loader = make_data_loader<samplers::SequentialSampler>(
      Slow(), DataLoaderOptions().batch_size(2).workers(1).timeout(std::chrono::milliseconds(20)));
  EXPECT_NE(error_of([&] { loader->begin(); }).find("DataLoader: timed out after 20 ms waiting for a batch"),
            std::string::npos);
  EXPECT_EQ(loader->options().timeout()->count(), 20);
  // After an error from the worker thread, begin() starts a fresh epoch that fails the same way.
  auto faulty = make_data_loader<samplers::SequentialSampler>(Faulty(), DataLoaderOptions().batch_size(2).workers(1));
  for (int epoch = 0; epoch < 2; ++epoch) {
    size_t seen = 0;
    EXPECT_NE(error_of([&] {
                for (auto& batch : *faulty) seen += batch.size();
              }).find("Faulty: bad example 5"),
              std::string::npos);
    EXPECT_EQ(seen, 4u);
  }
}

// ---------------- transforms ----------------

TEST(DataTransforms, NormalizeAndLambdas) {
  Tensor img = full({2, 2, 2}, 1.0);  // (C, H, W)
  transforms::Normalize<> one(0.5, 0.25);
  nabla::testing::expect_close(one(img), std::vector<double>(8, 2.0));
  transforms::Normalize<> per_channel({0.0, 1.0}, {1.0, 2.0});
  nabla::testing::expect_close(per_channel(img), {1, 1, 1, 1, 0, 0, 0, 0});
  EXPECT_NE(error_of([&] {
              per_channel(zeros({3, 2, 2}));
            }).find("Normalize: mean/std have 2 channels"),
            std::string::npos);
  EXPECT_NE(error_of([&] { transforms::Normalize<>(0.5, 0.0); }).find("std must not be zero"), std::string::npos);
  EXPECT_NE(error_of([&] { transforms::Normalize<>({0.5, 0.5}, {1.0}); }).find("same non-zero"), std::string::npos);

  auto ds = ten_rows()
                .map(transforms::TensorLambda<>([](Tensor t) { return t * 10.0; }))
                .map(transforms::Lambda<Example<>>([](Example<> e) {
                  e.target = e.target + 100;
                  return e;
                }))
                .map(transforms::Stack<>());
  EXPECT_EQ(ds.size(), std::optional<size_t>(10));
  Example<> b = ds.get_batch({1, 3});
  nabla::testing::expect_close(b.data, {20, 30, 60, 70});
  EXPECT_EQ(ints(b.target), (std::vector<int64_t>{101, 103}));
  EXPECT_FALSE(datasets::TensorDataset(zeros({3, 2})).map(transforms::Stack<>()).get_batch({0, 1}).target.defined());
}

// Stack<> over a TensorDataset or MNIST gathers the rows at once (MapDataset::get_batch): it must give what stacking
// each example gives, so the generic path (Stack's apply_batch over get_batch) is the oracle.
void expect_same_batch(const Example<>& fast, const Example<>& oracle) {
  ASSERT_EQ(fast.data.sizes().vec(), oracle.data.sizes().vec());
  EXPECT_EQ(fast.data.dtype(), oracle.data.dtype());
  EXPECT_TRUE(fast.data.is_contiguous());
  EXPECT_TRUE(nabla::equal(fast.data, oracle.data));
  ASSERT_EQ(fast.target.defined(), oracle.target.defined());
  if (!oracle.target.defined()) return;
  ASSERT_EQ(fast.target.sizes().vec(), oracle.target.sizes().vec());
  EXPECT_EQ(fast.target.dtype(), oracle.target.dtype());
  EXPECT_TRUE(nabla::equal(fast.target, oracle.target));
}

TEST(DataTensorDataset, StackedBatchIsTheStackOfItsExamples) {
  const std::vector<size_t> idx{7, 0, 7, 3, 9};  // unordered, repeated
  std::vector<datasets::TensorDataset> cases{
      ten_rows(),
      datasets::TensorDataset(arange(60, TensorOptions().dtype(kFloat64)).reshape({10, 2, 3})),  // no targets
      datasets::TensorDataset(arange(10, TensorOptions().dtype(kInt32))),                        // 0-dim rows
      datasets::TensorDataset(arange(30).reshape({10, 3}), arange(20, TensorOptions().dtype(kInt64)).reshape({10, 2}))};
  for (auto& ds : cases) {
    auto mapped = ds.map(transforms::Stack<>());
    expect_same_batch(mapped.get_batch(idx), transforms::Stack<>().apply_batch(ds.get_batch(idx)));
  }
  EXPECT_NE(error_of([] {
              ten_rows().map(transforms::Stack<>()).get_batch({2, 10});
            }).find("TensorDataset: index 10 is out of range for a dataset of size 10"),
            std::string::npos);
}

// A class derived from TensorDataset may override get(): its batches must go through it, not around it. (As in
// LibTorch, Doubled().map(...) would slice it to a TensorDataset: map's CRTP type is the base.)
struct Doubled : datasets::TensorDataset {
  Doubled() : datasets::TensorDataset(ten_rows()) {}
  Example<> get(size_t index) override {
    Example<> e = TensorDataset::get(index);
    return Example<>(e.data * 2.0, e.target);
  }
};

TEST(DataTensorDataset, DerivedDatasetsKeepTheirGet) {
  auto b = datasets::map(Doubled(), transforms::Stack<>()).get_batch({1, 2});
  nabla::testing::expect_close(b.data, {4, 6, 8, 10});
}

// The DataLoader's worker makes batches on its own thread without the pool (as PyTorch's workers run with one
// thread): a parallel loop there would wait for the training step's loop and take its cores.
TEST(DataLoader, WorkerThreadRunsOpsSerially) {
  EXPECT_FALSE(nabla::detail::in_parallel_region());
  {
    SerialOpsGuard serial;
    EXPECT_TRUE(nabla::detail::in_parallel_region());
    {
      SerialOpsGuard nested;
      EXPECT_TRUE(nabla::detail::in_parallel_region());
    }
    EXPECT_TRUE(nabla::detail::in_parallel_region());
  }
  EXPECT_FALSE(nabla::detail::in_parallel_region());
  std::atomic<int> serial{0}, parallel{0};
  auto ds = ten_rows()
                .map(transforms::Lambda<Example<>>([&](Example<> e) {
                  (nabla::detail::in_parallel_region() ? serial : parallel)++;
                  return e;
                }))
                .map(transforms::Stack<>());
  auto loader = make_data_loader<samplers::SequentialSampler>(std::move(ds), DataLoaderOptions(4).workers(1));
  int64_t rows = 0;
  for (auto& batch : *loader) rows += batch.data.size(0);
  EXPECT_EQ(rows, 10);
  EXPECT_EQ(serial.load(), 10);
  EXPECT_EQ(parallel.load(), 0);
}

// ---------------- MNIST ----------------

TEST(DataMNIST, ReadsRawFiles) {
  TempDir d;
  write_train(d, 3, 3);
  datasets::MNIST mnist(d.str());
  EXPECT_TRUE(mnist.is_train());
  EXPECT_EQ(mnist.size(), std::optional<size_t>(3));
  EXPECT_EQ(mnist.images().sizes().vec(), (std::vector<int64_t>{3, 1, 28, 28}));
  EXPECT_EQ(mnist.images().dtype(), kFloat32);
  EXPECT_EQ(mnist.targets().dtype(), kInt64);
  EXPECT_EQ(ints(mnist.targets()), (std::vector<int64_t>{0, 3, 6}));
  auto px = values(mnist.images());
  for (int i = 0; i < 3; ++i)
    for (int r : {0, 5, 27})
      for (int c : {0, 13, 27})
        EXPECT_NEAR(px[size_t(i * 784 + r * 28 + c)], ((i * 7 + r * 3 + c) % 256) / 255.0, 1e-7);
  Example<> e = mnist.get(2);
  EXPECT_EQ(e.data.sizes().vec(), (std::vector<int64_t>{1, 28, 28}));
  EXPECT_EQ(e.target.item<int64_t>(), 6);
  EXPECT_NE(error_of([&] { mnist.get(3); }).find("out of range"), std::string::npos);

  // The LibTorch pipeline: Normalize then Stack, batches of (B, 1, 28, 28) images and (B) labels.
  auto loader = make_data_loader<samplers::SequentialSampler>(
      mnist.map(transforms::Normalize<>(0.1307, 0.3081)).map(transforms::Stack<>()),
      DataLoaderOptions().batch_size(2).workers(1));
  std::vector<int64_t> sizes;
  for (auto& batch : *loader) {
    sizes.push_back(batch.data.size(0));
    EXPECT_EQ(batch.data.dim(), 4);
    const int64_t first = sizes.size() == 1 ? 0 : 2;  // first image of this batch
    EXPECT_NEAR(values(batch.data)[0], (values(mnist.images()[first])[0] - 0.1307) / 0.3081, 1e-5);
    EXPECT_EQ(ints(batch.target)[0], first * 3);
  }
  EXPECT_EQ(sizes, (std::vector<int64_t>{2, 1}));
}

TEST(DataMNIST, ReadsGzipAndTestMode) {
  TempDir d;
  write(d.path / "t10k-images-idx3-ubyte.gz", gzip(idx_images(100, 28, 28)));  // > 64 KiB: several gzip blocks
  write(d.path / "t10k-labels-idx1-ubyte.gz", gzip(idx_labels(100)));
  datasets::MNIST mnist(d.str(), datasets::MNIST::Mode::kTest);
  EXPECT_FALSE(mnist.is_train());
  EXPECT_EQ(mnist.size(), std::optional<size_t>(100));
  EXPECT_EQ(mnist.targets()[99].item<int64_t>(), 7);
  EXPECT_NEAR(values(mnist.images()[99])[28 * 2 + 3], ((99 * 7 + 2 * 3 + 3) % 256) / 255.0, 1e-7);
  // Files of another image size keep their header's rows and cols.
  TempDir small;
  write(small.path / "train-images-idx3-ubyte", idx_images(4, 2, 3));
  write(small.path / "train-labels-idx1-ubyte.gz", gzip(idx_labels(4)));
  EXPECT_EQ(datasets::MNIST(small.str()).images().sizes().vec(), (std::vector<int64_t>{4, 1, 2, 3}));
}

TEST(DataMNIST, MissingDirectoryOrFile) {
  TempDir d;
  const std::string gone = (d.path / "nowhere").string();
  std::string msg = error_of([&] { datasets::MNIST(gone, datasets::MNIST::Mode::kTest); });
  EXPECT_NE(msg.find("directory " + gone + " does not exist"), std::string::npos) << msg;
  EXPECT_NE(msg.find("t10k-images-idx3-ubyte"), std::string::npos) << msg;
  EXPECT_NE(msg.find("t10k-labels-idx1-ubyte"), std::string::npos) << msg;
  EXPECT_NE(msg.find("apt-get install dataset-fashion-mnist"), std::string::npos) << msg;
  EXPECT_NE(msg.find("/usr/share/datasets/fashion-mnist"), std::string::npos) << msg;

  write(d.path / "train-images-idx3-ubyte", idx_images(2));
  msg = mnist_error(d);
  const std::string labels = (d.path / "train-labels-idx1-ubyte").string();
  EXPECT_NE(msg.find("looked for " + labels + " and " + labels + ".gz"), std::string::npos) << msg;
  EXPECT_NE(msg.find("apt-get install dataset-fashion-mnist"), std::string::npos) << msg;
}

TEST(DataMNIST, WrongMagicNumber) {
  TempDir d;
  write(d.path / "train-images-idx3-ubyte", idx_images(2, 28, 28, 2049));  // a labels magic on images
  write(d.path / "train-labels-idx1-ubyte", idx_labels(2));
  std::string msg = mnist_error(d);
  EXPECT_NE(msg.find((d.path / "train-images-idx3-ubyte").string() + " has magic number 2049"), std::string::npos)
      << msg;
  write(d.path / "train-images-idx3-ubyte", idx_images(2));
  write(d.path / "train-labels-idx1-ubyte", idx_labels(2, 1234));
  msg = mnist_error(d);
  EXPECT_NE(msg.find((d.path / "train-labels-idx1-ubyte").string() + " has magic number 1234"), std::string::npos)
      << msg;
}

TEST(DataMNIST, TruncatedFiles) {
  TempDir d;
  const fs::path images = d.path / "train-images-idx3-ubyte", labels = d.path / "train-labels-idx1-ubyte";
  write_train(d, 3, 3);
  Bytes b = idx_images(3);
  b.resize(b.size() - 1);
  write(images, b);
  std::string msg = mnist_error(d);
  EXPECT_NE(msg.find(images.string() + " is truncated"), std::string::npos) << msg;
  EXPECT_NE(msg.find("3 images of 28x28"), std::string::npos) << msg;
  write(images, Bytes{0, 0, 8});
  EXPECT_NE(mnist_error(d).find(images.string() + " is truncated"), std::string::npos);
  b = idx_images(3);
  b.resize(12);
  write(images, b);
  EXPECT_NE(mnist_error(d).find(images.string() + " is truncated"), std::string::npos);
  b = idx_images(3);
  b.push_back(0);
  write(images, b);
  EXPECT_NE(mnist_error(d).find(images.string() + " has trailing bytes"), std::string::npos);
  // A header that claims 2^32-1 images of 65535x65535 must not overflow or allocate.
  b = idx_images(0);
  b[4] = b[5] = b[6] = b[7] = 0xff;
  b[10] = b[11] = b[14] = b[15] = 0xff;
  write(images, b);
  EXPECT_NE(mnist_error(d).find(images.string() + " is truncated"), std::string::npos);

  write(images, idx_images(3));
  b = idx_labels(3);
  b.pop_back();
  write(labels, b);
  msg = mnist_error(d);
  EXPECT_NE(msg.find(labels.string() + " is truncated"), std::string::npos) << msg;
}

TEST(DataMNIST, CountMismatch) {
  TempDir d;
  write_train(d, 3, 4);
  std::string msg = mnist_error(d);
  EXPECT_NE(msg.find("has 3 images but " + (d.path / "train-labels-idx1-ubyte").string() + " has 4 labels"),
            std::string::npos)
      << msg;
}

TEST(DataMNIST, CorruptGzip) {
  TempDir d;
  const fs::path images = d.path / "train-images-idx3-ubyte.gz";
  write(d.path / "train-labels-idx1-ubyte", idx_labels(3));
  Bytes good = gzip(idx_images(3));

  Bytes truncated(good.begin(), good.begin() + long(good.size() / 2));
  write(images, truncated);
  std::string msg = mnist_error(d);
  EXPECT_NE(msg.find("corrupt .gz file " + images.string()), std::string::npos) << msg;

  Bytes bad_crc = good;
  bad_crc[bad_crc.size() - 6] ^= 0xff;
  write(images, bad_crc);
  msg = mnist_error(d);
  EXPECT_NE(msg.find("corrupt .gz file " + images.string()), std::string::npos) << msg;

  write(images, idx_images(3));  // raw bytes under a .gz name
  msg = mnist_error(d);
  EXPECT_NE(msg.find("corrupt .gz file " + images.string()), std::string::npos) << msg;

  Bytes bad_header = good;
  bad_header[2] = 99;  // unknown compression method
  write(images, bad_header);
  msg = mnist_error(d);
  EXPECT_NE(msg.find(images.string()), std::string::npos) << msg;

  write(images, good);
  EXPECT_EQ(datasets::MNIST(d.str()).size(), std::optional<size_t>(3));
}

TEST(DataMNIST, FashionMnistFromDebianPackage) {
  const std::string root = "/usr/share/datasets/fashion-mnist";
  if (!fs::is_directory(root)) GTEST_SKIP() << root << " is absent (apt-get install dataset-fashion-mnist)";
  datasets::MNIST train(root), test(root, datasets::MNIST::Mode::kTest);
  EXPECT_EQ(train.size(), std::optional<size_t>(60000));
  EXPECT_EQ(test.size(), std::optional<size_t>(10000));
  EXPECT_EQ(train.images().sizes().vec(), (std::vector<int64_t>{60000, 1, 28, 28}));
  EXPECT_GE(train.images().min().item<float>(), 0.0f);
  EXPECT_LE(train.images().max().item<float>(), 1.0f);
  EXPECT_EQ(test.targets().max().item<int64_t>(), 9);
}

TEST(DataMNIST, StackedBatchIsTheStackOfItsExamples) {
  TempDir d;
  write_train(d, 5, 5);
  datasets::MNIST mnist(d.str());
  const std::vector<size_t> idx{4, 1, 1};
  expect_same_batch(datasets::MNIST(d.str()).map(transforms::Stack<>()).get_batch(idx),
                    transforms::Stack<>().apply_batch(mnist.get_batch(idx)));
  EXPECT_NE(error_of([&] {
              datasets::MNIST(d.str()).map(transforms::Stack<>()).get_batch({5});
            }).find("MNIST: index 5 is out of range for a dataset of size 5"),
            std::string::npos);
}

}  // namespace
