// nabla::save / nabla::load in the safetensors format: round trips for every dtype, the PyTorch-made fixture,
// atomic writes that leave the old file intact, and errors (never crashes) for every kind of corrupt file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "nabla/io.h"
#include "test_util.h"

namespace fs = std::filesystem;
using nabla::testing::error_of;
using nabla::testing::values;

namespace {

struct TempDir {
  fs::path dir;
  TempDir() {
    dir = fs::temp_directory_path() / ("nabla_io_test_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(dir, fs::perms::owner_all, ec);
    fs::remove_all(dir, ec);
  }
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}
// A file from a header text and a data buffer, with the 8-byte length prefix.
std::string file_of(const std::string& header, const std::string& data) {
  std::string s(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return s + header + data;
}

void expect_bit_equal(const nabla::Tensor& a, const nabla::Tensor& b) {
  ASSERT_EQ(a.scalar_type(), b.scalar_type());
  ASSERT_EQ(a.sizes().vec(), b.sizes().vec());
  if (a.numel() == 0) return;
  nabla::Tensor ca = a.contiguous(), cb = b.contiguous();
  ASSERT_EQ(std::memcmp(ca.data_ptr(), cb.data_ptr(), static_cast<size_t>(ca.numel()) * ca.element_size()), 0);
}

nabla::nn::Sequential mlp() {
  return nabla::nn::Sequential(nabla::nn::Linear(3, 4), nabla::nn::ReLU(), nabla::nn::Linear(4, 2));
}

}  // namespace

TEST(Safetensors, RoundTripEveryDtypeBitExact) {
  TempDir tmp;
  nabla::manual_seed(3);
  nabla::OrderedDict<std::string, nabla::Tensor> d;
  d.insert("f32", nabla::randn({2, 3}));
  d.insert("f64", nabla::randn({4}, nabla::TensorOptions().dtype(nabla::kFloat64)));
  d.insert("i64", nabla::arange(6, nabla::kInt64).reshape({3, 2}) - 2);
  d.insert("i32", nabla::arange(5, nabla::kInt32));
  d.insert("u8", nabla::arange(7, nabla::kUInt8));
  d.insert("bool", nabla::arange(4, nabla::kInt64).gt(1));
  d.insert("scalar", nabla::scalar_tensor(2.5));
  d.insert("empty", nabla::empty({0, 3}));
  d.insert("strided", nabla::randn({3, 4}).transpose(0, 1));
  std::string path = tmp / "all.safetensors";
  nabla::save(d, path, {{"format", "pt"}, {"note", "hello"}});
  auto back = nabla::load(path);
  ASSERT_EQ(back.keys(), d.keys());  // file order is the save order
  for (const auto& item : d) expect_bit_equal(back[item.key()], item.value());
  auto meta = nabla::load_metadata(path);
  EXPECT_EQ(meta.at("format"), "pt");
  EXPECT_EQ(meta.at("note"), "hello");
  // Header length is a multiple of 8 (padded with spaces as the reference writer does).
  std::string bytes = read_bytes(path);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  EXPECT_EQ(n % 8, 0u);
  EXPECT_FALSE(fs::exists(path + ".tmp." + std::to_string(::getpid())));
}

TEST(Safetensors, StdMapAndSingleTensor) {
  TempDir tmp;
  std::map<std::string, nabla::Tensor> m{{"b", nabla::ones({2})}, {"a", nabla::zeros({3})}};
  nabla::save(m, tmp / "m.safetensors");
  auto back = nabla::load(tmp / "m.safetensors");
  EXPECT_EQ(back.keys(), (std::vector<std::string>{"a", "b"}));
  nabla::Tensor t = nabla::randn({2, 2});
  nabla::save(t, tmp / "t.safetensors");
  expect_bit_equal(nabla::load_tensor(tmp / "t.safetensors"), t);
  EXPECT_EQ(nabla::load(tmp / "t.safetensors").keys(), std::vector<std::string>{"tensor"});
  auto msg = error_of([&] { nabla::load_tensor(tmp / "m.safetensors"); });
  EXPECT_NE(msg.find("none named 'tensor'"), std::string::npos) << msg;
}

TEST(Safetensors, TorchFixtureLoadsIntoEquivalentModel) {
  std::string dir = NABLA_FIXTURE_DIR;
  std::ifstream jf(dir + "/torch_mlp.json");
  ASSERT_TRUE(jf.is_open());
  nlohmann::json j = nlohmann::json::parse(jf);
  auto model = mlp();
  std::vector<std::string> keys = model->state_dict().keys();
  EXPECT_EQ(keys, (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  EXPECT_EQ(keys, j["keys"].get<std::vector<std::string>>());
  nabla::load(model, dir + "/torch_mlp.safetensors");
  std::vector<float> xin;
  for (const auto& row : j["input"])
    for (const auto& v : row) xin.push_back(v.get<float>());
  nabla::Tensor x = nabla::from_blob(xin.data(), j["input_shape"].get<std::vector<int64_t>>()).clone();
  nabla::NoGradGuard g;
  nabla::Tensor y = model(x);
  EXPECT_EQ(y.sizes().vec(), j["output_shape"].get<std::vector<int64_t>>());
  nabla::testing::expect_close(y, j["output"].get<std::vector<double>>(), 1e-6);
}

TEST(Safetensors, ModuleRoundTripBitExactWithPyTorchKeys) {
  TempDir tmp;
  nabla::manual_seed(11);
  auto a = mlp();
  std::string path = tmp / "mlp.safetensors";
  nabla::save(a, path);
  auto dict = nabla::load(path);
  EXPECT_EQ(dict.keys(), (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  auto b = mlp();
  nabla::load(b, path);
  auto sa = a->state_dict(), sb = b->state_dict();
  for (const auto& item : sa) expect_bit_equal(sb[item.key()], item.value());
  // Bytes written twice are identical (deterministic header).
  nabla::save(*b, tmp / "again.safetensors");
  EXPECT_EQ(read_bytes(path), read_bytes(tmp / "again.safetensors"));
  // strict: a model with other keys is refused with the file named; strict=false loads the matching ones.
  nabla::nn::Sequential other(nabla::nn::Linear(3, 4));
  auto msg = error_of([&] { nabla::load(other, path); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("Unexpected key"), std::string::npos) << msg;
  nabla::load(other, path, /*strict=*/false);
  expect_bit_equal(other->state_dict()["0.weight"], sa["0.weight"]);
}

TEST(Safetensors, FailedSaveLeavesOldFileIntact) {
  TempDir tmp;
  std::string path = tmp / "keep.safetensors";
  nabla::Tensor old = nabla::arange(4, nabla::kFloat32);
  nabla::save(old, path);
  const std::string before = read_bytes(path);
  const std::string tmpname = path + ".tmp." + std::to_string(::getpid());
  // 1. The temporary file cannot be created (a directory is in the way).
  fs::create_directory(tmpname);
  auto msg = error_of([&] { nabla::save(nabla::ones({100}), path); });
  EXPECT_NE(msg.find("save:"), std::string::npos) << msg;
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_EQ(read_bytes(path), before);
  fs::remove(tmpname);
  // 2. Writing fails half way (the temporary name points to a full device).
  if (fs::exists("/dev/full")) {
    fs::create_symlink("/dev/full", tmpname);
    msg = error_of([&] { nabla::save(nabla::ones({1000}), path); });
    EXPECT_NE(msg.find("left unchanged"), std::string::npos) << msg;
    EXPECT_EQ(read_bytes(path), before);
    EXPECT_FALSE(fs::exists(fs::symlink_status(tmpname))) << "temporary file not cleaned up";
  }
  // 3. The rename fails (the target is a non-empty directory): the temporary file is removed.
  std::string dirpath = tmp / "adir";
  fs::create_directories(dirpath + "/inside");
  msg = error_of([&] { nabla::save(nabla::ones({3}), dirpath); });
  EXPECT_NE(msg.find("cannot rename"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(dirpath + ".tmp." + std::to_string(::getpid())));
  // 4. A read-only directory (only meaningful when not running as root).
  if (::geteuid() != 0) {
    fs::permissions(tmp.dir, fs::perms::owner_read | fs::perms::owner_exec);
    msg = error_of([&] { nabla::save(nabla::ones({3}), path); });
    EXPECT_NE(msg.find("cannot create the temporary file"), std::string::npos) << msg;
    fs::permissions(tmp.dir, fs::perms::owner_all);
    EXPECT_EQ(read_bytes(path), before);
  }
  // 5. Invalid input is refused before anything is written.
  msg = error_of([&] { nabla::save(std::map<std::string, nabla::Tensor>{{"__metadata__", old}}, path); });
  EXPECT_NE(msg.find("reserved"), std::string::npos) << msg;
  msg = error_of([&] { nabla::save(std::map<std::string, nabla::Tensor>{{"x", nabla::Tensor()}}, path); });
  EXPECT_NE(msg.find("undefined"), std::string::npos) << msg;
  expect_bit_equal(nabla::load_tensor(path), old);
}

TEST(Safetensors, CorruptFilesAreErrorsNamingTheFile) {
  TempDir tmp;
  std::string p = tmp / "bad.safetensors";
  auto expect_error = [&](const std::string& bytes, const std::string& needle) {
    write_bytes(p, bytes);
    std::string msg = error_of([&] { nabla::load(p); });
    EXPECT_NE(msg.find(p), std::string::npos) << msg;
    EXPECT_NE(msg.find(needle), std::string::npos) << "wanted '" << needle << "' in: " << msg;
  };
  std::string missing = tmp / "nope.safetensors";
  auto msg = error_of([&] { nabla::load(missing); });
  EXPECT_NE(msg.find(missing), std::string::npos) << msg;
  EXPECT_NE(msg.find("cannot open"), std::string::npos) << msg;
  msg = error_of([&] { nabla::load(tmp.dir.string()); });
  EXPECT_NE(msg.find("is a directory"), std::string::npos) << msg;

  const std::string four(16, '\0');  // 4 float32 zeros
  const std::string ok = R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
  write_bytes(p, file_of(ok, four));
  EXPECT_EQ(nabla::load(p)["a"].sizes().vec(), (std::vector<int64_t>{2, 2}));

  expect_error("", "too short");
  expect_error("abc", "too short");
  expect_error(file_of(ok, four).substr(0, 8) + "{}", "larger than the rest of the file");
  std::string huge(8, '\xff');
  expect_error(huge + "{}", "exceeds");
  expect_error(file_of("{\"a\": [1, 2", ""), "not valid JSON");
  expect_error(file_of("[1, 2]", ""), "does not start with '{'");
  expect_error(file_of(R"({"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", std::string(4, '\0')),
               "not supported");
  expect_error(file_of(R"({"a":{"dtype":"F32","shape":[2,2]}})", four), "needs");
  expect_error(file_of(R"({"a":{"dtype":"F32","shape":[2,-2],"data_offsets":[0,16]}})", four), "non-negative");
  expect_error(file_of(R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,32]}})", four), "reach past");
  expect_error(file_of(R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[8,0]}})", four), "end before");
  expect_error(file_of(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", four), "needs 12 bytes");
  expect_error(file_of(R"({"a":{"dtype":"F32","shape":[4611686018427387904,8],"data_offsets":[0,16]}})", four),
               "too many");
  expect_error(file_of(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                       R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                       four),
               "overlap");
  expect_error(file_of(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", four), "gap");
  expect_error(file_of(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", four), "corrupted");
  expect_error(file_of(ok, four.substr(0, 10)), "reach past");  // truncated data
  expect_error(file_of(R"({"a":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}})", std::string("\x01\x07", 2)),
               "not 0 or 1");
  expect_error(file_of(R"({"__metadata__":{"k":1}})", ""), "not a string");
}

TEST(Safetensors, FuzzedFilesNeverCrash) {
  TempDir tmp;
  nabla::manual_seed(5);
  nabla::OrderedDict<std::string, nabla::Tensor> d;
  d.insert("w", nabla::randn({3, 4}));
  d.insert("i", nabla::arange(5, nabla::kInt64));
  d.insert("b", nabla::ones({3}).to(nabla::kBool));
  std::string good_path = tmp / "good.safetensors";
  nabla::save(d, good_path, {{"k", "v"}});
  const std::string good = read_bytes(good_path);
  std::mt19937 rng(1234);
  std::string p = tmp / "fuzz.safetensors";
  int errors = 0, loaded = 0;
  for (int iter = 0; iter < 400; ++iter) {
    std::string bytes = good;
    int kind = iter % 3;
    if (kind == 0 || kind == 2) {  // flip 1-4 random bytes (often in the header)
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        size_t pos = (kind == 2 ? rng() % std::min<size_t>(bytes.size(), 200) : rng() % bytes.size());
        bytes[pos] = static_cast<char>(rng() & 0xff);
      }
    }
    if (kind == 1) bytes.resize(rng() % bytes.size());  // truncate
    write_bytes(p, bytes);
    try {
      auto r = nabla::load(p);
      for (const auto& item : r) (void)values(item.value());
      ++loaded;
    } catch (const nabla::Error& e) {
      ++errors;
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    }
  }
  EXPECT_GT(errors, 100);  // every truncation and most header flips must be refused
  EXPECT_EQ(errors + loaded, 400);
}

TEST(Safetensors, OptimizerStateRoundTrip) {
  TempDir tmp;
  nabla::manual_seed(2);
  auto model = mlp();
  nabla::optim::Adam opt(model->parameters(), nabla::optim::AdamOptions(0.01));
  auto train_step = [&](nabla::optim::Optimizer& o, nabla::nn::Sequential& m) {
    o.zero_grad();
    nabla::Tensor loss = m(nabla::ones({2, 3})).pow(2).sum();
    loss.backward();
    o.step();
  };
  train_step(opt, model);
  train_step(opt, model);
  std::string mpath = tmp / "m.safetensors", opath = tmp / "o.safetensors";
  nabla::save(model, mpath);
  nabla::save(opt, opath);
  auto keys = nabla::load(opath).keys();
  EXPECT_NE(std::find(keys.begin(), keys.end(), "state.0.exp_avg"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "state.3.step"), keys.end());

  // Resume: a fresh model and optimizer loaded from disk take the same next step as the original.
  auto model2 = mlp();
  nabla::load(model2, mpath);
  nabla::optim::Adam opt2(model2->parameters(), nabla::optim::AdamOptions(0.01));
  nabla::load(opt2, opath);
  train_step(opt, model);
  train_step(opt2, model2);
  auto s1 = model->state_dict(), s2 = model2->state_dict();
  for (const auto& item : s1) expect_bit_equal(s2[item.key()], item.value());

  // A state for another model is refused and leaves the optimizer as it was.
  nabla::nn::Sequential small(nabla::nn::Linear(3, 4));
  nabla::optim::Adam opt3(small->parameters(), nabla::optim::AdamOptions(0.01));
  auto msg = error_of([&] { nabla::load(opt3, opath); });
  EXPECT_NE(msg.find(opath), std::string::npos) << msg;
  EXPECT_TRUE(opt3.state().empty());
  // SGD momentum buffers too.
  nabla::optim::SGD sgd(model->parameters(), nabla::optim::SGDOptions(0.1).momentum(0.9));
  train_step(sgd, model);
  nabla::save(sgd, opath);
  nabla::optim::SGD sgd2(model->parameters(), nabla::optim::SGDOptions(0.1).momentum(0.9));
  nabla::load(sgd2, opath);
  EXPECT_EQ(sgd2.state().size(), 4u);
}

TEST(Safetensors, OptimizerFileKeepsOptionsAndOldFilesStillLoad) {
  TempDir tmp;
  nabla::manual_seed(3);
  auto model = mlp();
  nabla::optim::SGD sgd(model->parameters(), nabla::optim::SGDOptions(0.1).momentum(0.9));
  sgd.zero_grad();
  model(nabla::ones({2, 3})).pow(2).sum().backward();
  sgd.step();
  const auto sd = sgd.state_dict();

  // The file is the optimizer's state_dict(), options included.
  std::string path = tmp / "o.safetensors", old_path = tmp / "old.safetensors";
  nabla::save(sgd, path);
  EXPECT_EQ(nabla::load_metadata(path).at("format"), "nabla.optimizer");
  EXPECT_EQ(nabla::load(path).keys(), sd.keys());
  nabla::optim::SGD sgd2(model->parameters(), nabla::optim::SGDOptions(0.5));
  nabla::load(sgd2, path);
  const auto& o = static_cast<const nabla::optim::SGDOptions&>(sgd2.param_groups()[0].options());
  EXPECT_EQ(o.lr(), 0.1);
  EXPECT_EQ(o.momentum(), 0.9);
  auto back = sgd2.state_dict();
  for (const auto& item : sd) expect_bit_equal(back[item.key()], item.value());

  // A file written before param groups were saved (state keys only): the state loads, the options stay.
  nabla::OrderedDict<std::string, nabla::Tensor> old;
  for (const auto& item : sd)
    if (item.key().rfind("state.", 0) == 0) old.insert(item.key(), item.value());
  ASSERT_EQ(old.size(), 4u);
  nabla::save(old, old_path, {{"format", "nabla.optimizer"}});
  nabla::optim::SGD sgd3(model->parameters(), nabla::optim::SGDOptions(0.5).momentum(0.8));
  nabla::load(sgd3, old_path);
  EXPECT_EQ(sgd3.param_groups()[0].options().get_lr(), 0.5);
  auto back3 = sgd3.state_dict();
  for (const auto& item : old) expect_bit_equal(back3[item.key()], item.value());
}
