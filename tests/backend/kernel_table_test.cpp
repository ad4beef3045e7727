// Every registered kernel table (each CPU instruction set built and runnable here) has every kernel, and all of them
// agree with the baseline table on every unary and binary op, as ggml's backend test checks each backend against
// the CPU. The fixture tests (tests/ops, tests/optim) run once per instruction set too (tests/CMakeLists.txt).
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "backend/cpu/capability.h"
#include "backend/kernels.h"
#include "test_util.h"

namespace nabla {
namespace {
using backend::BinaryOp;
using backend::KernelTable;
using backend::UnaryOp;

TEST(KernelTables, EveryRegisteredTableHasEveryKernel) {
  const auto tables = backend::registered_kernel_tables();
  ASSERT_FALSE(tables.empty());
  for (const KernelTable* t : tables) {
    SCOPED_TRACE(t->name);
    EXPECT_NE(t->copy_cast, nullptr);
    EXPECT_NE(t->fill, nullptr);
    EXPECT_NE(t->unary, nullptr);
    EXPECT_NE(t->binary, nullptr);
    EXPECT_NE(t->adam_step, nullptr);
    EXPECT_NE(t->sgd_step, nullptr);
    EXPECT_NE(t->rmsprop_step, nullptr);
    EXPECT_NE(t->adagrad_step, nullptr);
    // The struct holds exactly these entries after its name: a new kind added to KernelTable must be added here.
    EXPECT_EQ(sizeof(KernelTable), sizeof(const char*) + 8 * sizeof(void (*)()));
  }
}

// Inputs that cover the special cases of the element math: signs, zero, large, tiny, NaN, inf. 103 elements so the
// vector loops have a remainder.
Tensor probe(ScalarType dt, bool positive) {
  std::vector<double> v;
  for (int i = 0; i < 96; ++i) v.push_back((i - 48) * 0.37 + 0.01);
  for (double s : {0.0, 1e-30, 88.5, -104.0, double(NAN), double(INFINITY), -double(INFINITY)}) v.push_back(s);
  Tensor t = tensor(v, TensorOptions().dtype(kFloat64)).to(dt);
  return positive ? t.abs() + 1e-3 : t;
}

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.numel() == b.numel() && std::memcmp(a.data_ptr(), b.data_ptr(), size_t(a.numel()) * a.element_size()) == 0;
}

TEST(KernelTables, EveryUnaryOpMatchesTheBaselineBitForBit) {
  const KernelTable& base = cpu::kernel_table(cpu::Capability::Default);
  for (const KernelTable* t : backend::registered_kernel_tables()) {
    for (int k = 0; k < int(UnaryOp::kCount); ++k) {
      const auto op = UnaryOp(k);
      for (ScalarType dt : {kFloat32, kFloat64}) {
        SCOPED_TRACE(std::string(t->name) + " " + backend::op_name(op) + " " + std::string(dtype_name(dt)));
        const bool positive = op == UnaryOp::Log || op == UnaryOp::Sqrt || op == UnaryOp::Rsqrt;
        Tensor x = probe(dt, positive);
        Tensor want = empty_like(x), got = empty_like(x);
        base.unary(op, want, x);
        t->unary(op, got, x);
        EXPECT_TRUE(same_bits(got, want));
      }
    }
  }
}

TEST(KernelTables, EveryBinaryOpMatchesTheBaselineBitForBit) {
  const KernelTable& base = cpu::kernel_table(cpu::Capability::Default);
  for (const KernelTable* t : backend::registered_kernel_tables()) {
    for (int k = 0; k < int(BinaryOp::kCount); ++k) {
      const auto op = BinaryOp(k);
      for (ScalarType dt : {kFloat32, kFloat64}) {
        SCOPED_TRACE(std::string(t->name) + " " + backend::op_name(op) + " " + std::string(dtype_name(dt)));
        Tensor a = probe(dt, false), b = probe(dt, false) * -1.3 + 0.2;
        Tensor s = full({1}, 0.75, TensorOptions().dtype(dt)).expand(a.sizes());  // broadcast-scalar path
        for (const Tensor& rhs : {b, s}) {
          Tensor want = empty_like(a), got = empty_like(a);
          base.binary(op, want, a, rhs, 0.5);
          t->binary(op, got, a, rhs, 0.5);
          EXPECT_TRUE(same_bits(got, want));
        }
      }
    }
  }
}

// The capability the CPU backend runs is the one NABLA_CPU_CAPABILITY asks for (ctest runs the fixture tests under
// each one this machine has), capped at what the CPU can do.
TEST(KernelTables, CapabilityFollowsTheEnvironment) {
  const char* env = std::getenv("NABLA_CPU_CAPABILITY");
  const cpu::Capability c = cpu::capability();
  EXPECT_TRUE(cpu::capability_available(c));
  EXPECT_EQ(std::string(backend::kernels(kCPU).name), std::string("cpu-") + cpu::capability_name(c));
  if (env && cpu::capability_available(cpu::Capability(0))) {
    const std::string want = env;
    bool have = false;
    for (auto a : cpu::available_capabilities()) have = have || want == cpu::capability_name(a);
    if (have) {
      EXPECT_EQ(want, cpu::capability_name(c));
    }
  }
}

}  // namespace
}  // namespace nabla
