// operator<<(ostream, Tensor): LibTorch's text format (aten/src/ATen/core/Formatting.cpp), values first,
// then a "[ CPUFloatType{2,3} ]" line. Tensors above kSummarizeThreshold elements print only their first
// and last kEdgeItems entries along each long dimension, so printing never floods or hangs.
#include <cmath>
#include <iomanip>
#include <ostream>
#include <tuple>

#include "backend/kernels.h"
#include "core/make.h"
#include "nabla/autograd/grad_mode.h"
#include "nabla/ops/factory.h"
#include "nabla/ops/shape.h"

namespace nabla {
namespace {

constexpr int64_t kSummarizeThreshold = 1000;
constexpr int64_t kEdgeItems = 3;
constexpr int64_t kLineSize = 80;

// Saves and restores the stream's flags, precision and fill around the printing.
class FormatGuard {
 public:
  explicit FormatGuard(std::ostream& os) : os_(os), flags_(os.flags()), precision_(os.precision()), fill_(os.fill()) {}
  ~FormatGuard() {
    os_.flags(flags_);
    os_.precision(precision_);
    os_.fill(fill_);
  }
  FormatGuard(const FormatGuard&) = delete;
  FormatGuard& operator=(const FormatGuard&) = delete;

 private:
  std::ostream& os_;
  std::ios_base::fmtflags flags_;
  std::streamsize precision_;
  char fill_;
};

std::ostream& defaultfloat(std::ostream& os) {
  os.unsetf(std::ios_base::floatfield);
  return os;
}

// Picks the number format for the values p[0..n): sets the stream mode, returns (scale, field width).
std::tuple<double, int64_t> print_format(std::ostream& os, const double* p, int64_t n) {
  if (n == 0) return {1.0, 0};
  bool int_mode = true;
  for (int64_t i = 0; i < n; ++i) {
    if (std::isfinite(p[i]) && p[i] != std::ceil(p[i])) {
      int_mode = false;
      break;
    }
  }
  int64_t offset = 0;
  while (offset < n && !std::isfinite(p[offset])) ++offset;
  double exp_min = 1, exp_max = 1;
  if (offset != n) {
    exp_min = std::fabs(p[offset]);
    exp_max = std::fabs(p[offset]);
    for (int64_t i = offset; i < n; ++i) {
      double z = std::fabs(p[i]);
      if (std::isfinite(z)) {
        if (z < exp_min) exp_min = z;
        if (p[i] > exp_max) exp_max = z;  // signed comparison, as LibTorch
      }
    }
    exp_min = exp_min != 0 ? std::floor(std::log10(exp_min)) + 1 : 1;
    exp_max = exp_max != 0 ? std::floor(std::log10(exp_max)) + 1 : 1;
  }
  double scale = 1;
  int64_t sz = 11;
  if (int_mode) {
    if (exp_max > 9) {
      os << std::scientific << std::setprecision(4);
    } else {
      sz = int64_t(exp_max) + 1;
      os << defaultfloat;
    }
  } else if (exp_max - exp_min > 4) {
    if (std::fabs(exp_max) > 99 || std::fabs(exp_min) > 99) sz += 1;
    os << std::scientific << std::setprecision(4);
  } else {
    if (exp_max > 5 || exp_max < 0) {
      sz = 7;
      scale = std::pow(10, exp_max - 1);
    } else {
      sz = exp_max == 0 ? 7 : int64_t(exp_max) + 6;
    }
    os << std::fixed << std::setprecision(4);
  }
  return {scale, sz};
}

void print_scale(std::ostream& os, double scale) {
  FormatGuard guard(os);
  os << defaultfloat << scale << " *" << '\n';
}

void print_indent(std::ostream& os, int64_t indent) {
  for (int64_t i = 0; i < indent; ++i) os << ' ';
}

// p: a contiguous (rows, cols) matrix of doubles.
void print_matrix(std::ostream& os, const double* p, int64_t rows, int64_t cols, int64_t indent) {
  auto [scale, sz] = print_format(os, p, rows * cols);
  print_indent(os, indent);
  int64_t per_line = std::max<int64_t>((kLineSize - indent) / (sz + 1), 1);
  int64_t first = 0, last = -1;
  while (first < cols) {
    last = first + per_line <= cols ? first + per_line - 1 : cols - 1;
    if (per_line < cols) {
      if (first != 0) os << '\n';
      os << "Columns " << first + 1 << " to " << last + 1;
      print_indent(os, indent);
    }
    if (scale != 1) {
      print_scale(os, scale);
      print_indent(os, indent);
    }
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = first; c <= last; ++c) {
        os << std::setw(int(sz)) << p[r * cols + c] / scale;
        if (c == last) {
          os << '\n';
          if (r != rows - 1) {
            print_indent(os, indent);
            if (scale != 1) os << ' ';
          }
        } else {
          os << ' ';
        }
      }
    }
    first = last + 1;
  }
}

// p: contiguous doubles of `sizes` (>= 3 dims): one "(i,j,.,.) = " block per trailing matrix. As in LibTorch,
// the first leading index runs fastest.
void print_nd(std::ostream& os, const double* p, const std::vector<int64_t>& sizes) {
  const size_t lead = sizes.size() - 2;
  const int64_t rows = sizes[lead], cols = sizes[lead + 1];
  int64_t blocks = 1;
  for (size_t i = 0; i < lead; ++i) blocks *= sizes[i];
  std::vector<int64_t> counter(lead, 0);
  for (int64_t b = 0; b < blocks; ++b) {
    if (b > 0) os << '\n';
    os << '(';
    int64_t block = 0;
    for (size_t i = 0; i < lead; ++i) {
      os << counter[i] + 1 << ',';
      block = block * sizes[i] + counter[i];
    }
    os << ".,.) = " << '\n';
    print_matrix(os, p + block * rows * cols, rows, cols, 1);
    for (size_t i = 0; i < lead; ++i) {  // odometer, first leading dim fastest
      if (++counter[i] < sizes[i]) break;
      counter[i] = 0;
    }
  }
}

// The first and last kEdgeItems entries of every dimension longer than 2 * kEdgeItems.
Tensor summarize(const Tensor& t) {
  Tensor r = t;
  for (int64_t d = 0; d < r.dim(); ++d) {
    int64_t n = r.size(d);
    if (n <= 2 * kEdgeItems) continue;
    std::vector<int64_t> idx;
    for (int64_t i = 0; i < kEdgeItems; ++i) idx.push_back(i);
    for (int64_t i = n - kEdgeItems; i < n; ++i) idx.push_back(i);
    r = index_select(r, d, tensor(idx));
  }
  return r;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  if (!t.defined()) return os << "[ Tensor (undefined) ]";
  FormatGuard guard(os);
  NoGradGuard no_grad;
  // Values as contiguous doubles (no graph).
  Tensor src = detail::make_alias(t);
  bool summarized = src.numel() > kSummarizeThreshold;
  if (summarized) src = summarize(src);
  Tensor d = detail::make_empty(src.sizes(), kFloat64);
  backend::copy_cast(d, src);
  const double* p = static_cast<const double*>(d.data_ptr());
  const std::vector<int64_t> sizes = src.sizes().vec();
  if (summarized) {
    os << "[ summarized: " << t.numel() << " elements; showing the first and last " << kEdgeItems
       << " entries of each dimension longer than " << 2 * kEdgeItems << " ]" << '\n';
  }
  if (t.dim() == 0) {
    os << defaultfloat << p[0] << '\n';
  } else if (t.dim() == 1) {
    if (src.numel() > 0) {
      auto [scale, sz] = print_format(os, p, src.numel());
      if (scale != 1) print_scale(os, scale);
      for (int64_t i = 0; i < sizes[0]; ++i) os << std::setw(int(sz)) << p[i] / scale << '\n';
    }
  } else if (t.dim() == 2) {
    if (src.numel() > 0) print_matrix(os, p, sizes[0], sizes[1], 0);
  } else if (src.numel() > 0) {
    print_nd(os, p, sizes);
  }
  os << "[ " << t.toString() << '{';
  for (int64_t i = 0; i < t.dim(); ++i) os << (i ? "," : "") << t.size(i);
  os << "} ]";
  return os;
}

}  // namespace nabla
