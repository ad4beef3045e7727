// operator<< prints exactly what LibTorch 1.13 prints for the same tensors (texts captured from LibTorch),
// summarizes large tensors, and leaves the stream's formatting state as it found it.
#include <gtest/gtest.h>

#include <limits>
#include <sstream>

#include "nabla/nabla.h"

using namespace nabla;

namespace {
std::string str(const Tensor& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}
}  // namespace

TEST(Print, IntegralFloatMatrix) {
  EXPECT_EQ(str(tensor({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}})), " 1  2  3\n 4  5  6\n[ CPUFloatType{2,3} ]");
}

TEST(Print, FractionalMatrixUsesFixedFourDecimals) {
  EXPECT_EQ(str(tensor({{1.5f, -2.25f, 3.f}, {4.f, 5.f, 6.125f}})),
            " 1.5000 -2.2500  3.0000\n 4.0000  5.0000  6.1250\n[ CPUFloatType{2,3} ]");
  EXPECT_EQ(str(tensor({{0.5, 1.5, 2.5}, {50.5, 51.5, 52.5}}, kFloat64)),
            "  0.5000   1.5000   2.5000\n 50.5000  51.5000  52.5000\n[ CPUDoubleType{2,3} ]");
}

TEST(Print, ZeroDimAndUndefined) {
  EXPECT_EQ(str(tensor(3.5)), "3.5\n[ CPUFloatType{} ]");
  EXPECT_EQ(str(tensor(7)), "7\n[ CPULongType{} ]");
  EXPECT_EQ(str(Tensor()), "[ Tensor (undefined) ]");
}

TEST(Print, VectorsIntsAndBools) {
  EXPECT_EQ(str(tensor({1, 2, 30})), "  1\n  2\n 30\n[ CPULongType{3} ]");
  EXPECT_EQ(str(tensor({true, false})), " 1\n 0\n[ CPUBoolType{2} ]");
  EXPECT_EQ(str(tensor({-5.5f, 0.25f})), "-5.5000\n 0.2500\n[ CPUFloatType{2} ]");
  EXPECT_EQ(str(tensor({-100.f, 2.f})), "-100\n   2\n[ CPUFloatType{2} ]");
  EXPECT_EQ(str(tensor({0.f, 0.f})), " 0\n 0\n[ CPUFloatType{2} ]");
}

TEST(Print, ScientificScaledAndNonFinite) {
  EXPECT_EQ(str(tensor({0.001f, 123456.f})), " 1.0000e-03\n 1.2346e+05\n[ CPUFloatType{2} ]");
  EXPECT_EQ(str(tensor({1e10, 2.0})), " 1.0000e+10\n 2.0000e+00\n[ CPUFloatType{2} ]");
  EXPECT_EQ(str(tensor({123456.5, 234567.25})), "1e+05 *\n 1.2346\n 2.3457\n[ CPUFloatType{2} ]");
  EXPECT_EQ(str(tensor({0.0001f, 0.0002f})), "0.0001 *\n 1.0000\n 2.0000\n[ CPUFloatType{2} ]");
  EXPECT_EQ(str(tensor({{1000000.5, 2.25}, {3.0, 4.0}})),
            " 1.0000e+06  2.2500e+00\n 3.0000e+00  4.0000e+00\n[ CPUFloatType{2,2} ]");
  Tensor nf = tensor({0.f, 0.f, 1.5f});
  nf.data_ptr<float>()[0] = std::numeric_limits<float>::quiet_NaN();
  nf.data_ptr<float>()[1] = std::numeric_limits<float>::infinity();
  EXPECT_EQ(str(nf), "    nan\n    inf\n 1.5000\n[ CPUFloatType{3} ]");
}

TEST(Print, HigherRankBlocksAsLibTorch) {
  EXPECT_EQ(str(arange(24).reshape({2, 3, 4})),
            "(1,.,.) = \n   0   1   2   3\n   4   5   6   7\n   8   9  10  11\n\n"
            "(2,.,.) = \n  12  13  14  15\n  16  17  18  19\n  20  21  22  23\n[ CPULongType{2,3,4} ]");
  // LibTorch runs the first leading index fastest.
  EXPECT_EQ(str(arange(12).reshape({2, 2, 3, 1})),
            "(1,1,.,.) = \n  0\n  1\n  2\n\n(2,1,.,.) = \n  6\n  7\n  8\n\n(1,2,.,.) = \n  3\n  4\n  5\n\n"
            "(2,2,.,.) = \n   9\n  10\n  11\n[ CPULongType{2,2,3,1} ]");
}

TEST(Print, WideMatrixSplitsColumnsAsLibTorch) {
  std::string s = str(arange(30.).reshape({1, 30}) * 1.5);
  EXPECT_EQ(s,
            "Columns 1 to 8  0.0000   1.5000   3.0000   4.5000   6.0000   7.5000   9.0000  10.5000\n\n"
            "Columns 9 to 16 12.0000  13.5000  15.0000  16.5000  18.0000  19.5000  21.0000  22.5000\n\n"
            "Columns 17 to 24 24.0000  25.5000  27.0000  28.5000  30.0000  31.5000  33.0000  34.5000\n\n"
            "Columns 25 to 30 36.0000  37.5000  39.0000  40.5000  42.0000  43.5000\n[ CPUFloatType{1,30} ]");
}

TEST(Print, EmptyNonContiguousAndGradTensors) {
  EXPECT_EQ(str(zeros({0, 3})), "[ CPUFloatType{0,3} ]");
  EXPECT_EQ(str(tensor({{1, 2}, {3, 4}}).t()), " 1  3\n 2  4\n[ CPULongType{2,2} ]");
  Tensor g = tensor({1.5, 2.5}, TensorOptions().dtype(kFloat64).requires_grad(true));
  EXPECT_EQ(str(g * 2.0), " 3\n 5\n[ CPUDoubleType{2} ]");
}

TEST(Print, LargeTensorsAreSummarized) {
  Tensor big = arange(1000000).reshape({1000, 1000});
  std::string s = str(big);
  EXPECT_LT(s.size(), 2000u);
  EXPECT_NE(s.find("summarized"), std::string::npos);
  EXPECT_NE(s.find("999999"), std::string::npos);  // the last element is shown
  EXPECT_NE(s.find("[ CPULongType{1000,1000} ]"), std::string::npos);  // the real shape
  EXPECT_EQ(s.find("500500"), std::string::npos);                      // the middle is not
  std::string v = str(arange(5000));
  EXPECT_LT(v.size(), 400u);
  EXPECT_NE(v.find("4999"), std::string::npos);
}

TEST(Print, RestoresStreamState) {
  std::ostringstream os;
  os << tensor({0.5f, 1.25f});
  os << ' ' << 0.123456789;
  EXPECT_EQ(os.str(), " 0.5000\n 1.2500\n[ CPUFloatType{2} ] 0.123457");
}
