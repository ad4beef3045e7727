// <nabla/torch.h>, the LibTorch drop-in header: LibTorch's namespaces, c10's vocabulary and macros, and the standard
// headers it brings in, used as LibTorch programs use them. (Whole LibTorch programs: the porting suite.)
#include <nabla/torch.h>

#include <gtest/gtest.h>

namespace {

// A module declared the LibTorch way.
struct NetImpl : torch::nn::Module {
  NetImpl(int64_t in, int64_t out) : fc(register_module("fc", torch::nn::Linear(in, out))) {}
  torch::Tensor forward(torch::Tensor x) { return torch::relu(fc->forward(x)); }
  torch::nn::Linear fc;
};
TORCH_MODULE(Net);

TEST(TorchDropIn, NamespacesNameNabla) {
  at::Tensor a = torch::ones({2, 3});
  c10::IntArrayRef sizes = a.sizes();
  EXPECT_EQ(sizes.size(), 2u);
  c10::ScalarType t = torch::kFloat32;
  EXPECT_EQ(a.dtype(), t);
  torch::Device d(torch::kCPU);
  EXPECT_TRUE(d.is_cpu());
  c10::optional<int64_t> none = c10::nullopt;
  EXPECT_FALSE(none.has_value());
  Net net(3, 2);
  EXPECT_EQ(net->forward(a).sizes().vec(), std::vector<int64_t>({2, 2}));
  EXPECT_TRUE(std::isnan(std::nan("")));  // <cmath> came with the header
}

TEST(TorchDropIn, StrAndIrange) {
  EXPECT_EQ(torch::str("x=", 3, " y=", 1.5), "x=3 y=1.5");
  EXPECT_EQ(c10::str(), "");
  int64_t sum = 0;
  for (const auto i : c10::irange(5)) sum += i;
  EXPECT_EQ(sum, 10);
  for (const auto i : c10::irange(2, 2)) sum += i;  // empty
  for (const auto i : c10::irange(3, 1)) sum += i;  // empty, not backwards
  EXPECT_EQ(sum, 10);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const c10::Error& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(TorchDropIn, ChecksThrowC10Errors) {
  const int n = 3;
  EXPECT_EQ(error_of([&] { TORCH_CHECK(n == 4, "n must be 4, got ", n); }), "n must be 4, got 3");
  EXPECT_EQ(error_of([&] { TORCH_CHECK(n == 4); }), "Expected n == 4 to be true, but got false.");
  EXPECT_EQ(error_of([&] { TORCH_CHECK(n == 3, "fine"); }), "<no error>");
  EXPECT_EQ(error_of([&] { TORCH_CHECK_EQ(n, 4); }), "Check failed: n == 4 (3 vs. 4)");
  EXPECT_EQ(error_of([&] { TORCH_CHECK_LT(n, 2); }), "Check failed: n < 2 (3 vs. 2)");
  EXPECT_EQ(error_of([&] { TORCH_CHECK_GE(n, 3); }), "<no error>");
  EXPECT_EQ(error_of([&] { AT_ASSERT(n > 5); }), "Expected n > 5 to be true, but got false.");
  EXPECT_EQ(error_of([&] { TORCH_INTERNAL_ASSERT(n < 0, "internal"); }), "internal");
  EXPECT_EQ(error_of([&] { AT_ERROR("bad ", n); }), "bad 3");
  EXPECT_EQ(error_of([&] { TORCH_CHECK_INDEX(false, "index"); }), "index");
}

TEST(TorchDropIn, WarningsGoToStderr) {
  ::testing::internal::CaptureStderr();
  TORCH_WARN("careful: ", 2);
  for (int i = 0; i < 3; ++i) TORCH_WARN_ONCE("only once");
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "Warning: careful: 2\nWarning: only once\n");
}

}  // namespace
