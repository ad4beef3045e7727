#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "nabla/core/error.h"
#include "nabla/io/atomic_file.h"

namespace nabla::cli {
namespace {

constexpr const char* kHeader = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr,seconds";

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

void write_metrics_csv(const std::string& path, const std::vector<EpochMetrics>& rows) {
  std::string text = std::string(kHeader) + "\n";
  for (const EpochMetrics& m : rows) {
    char line[256];
    // %.17g keeps every bit, so a resumed run reads back exactly what it wrote.
    std::snprintf(line, sizeof line, "%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.3f\n", static_cast<long long>(m.epoch),
                  m.train_loss, m.train_accuracy, m.test_loss, m.test_accuracy, m.lr, m.seconds);
    text += line;
  }
  io::write_file_atomic(path, {text}, "metrics");
}

std::vector<EpochMetrics> read_metrics_csv(const std::string& path) {
  std::ifstream in(path);
  NABLA_CHECK(in, "metrics: cannot open '", path, "'");
  std::string line;
  NABLA_CHECK(std::getline(in, line) && line == kHeader, "metrics: '", path, "' does not start with the header '",
              kHeader, "'");
  std::vector<EpochMetrics> rows;
  for (int lineno = 2; std::getline(in, line); ++lineno) {
    if (line.empty()) continue;
    EpochMetrics m;
    long long epoch = 0;
    char tail = 0;
    const int n = std::sscanf(line.c_str(), "%lld,%lf,%lf,%lf,%lf,%lf,%lf%c", &epoch, &m.train_loss,
                              &m.train_accuracy, &m.test_loss, &m.test_accuracy, &m.lr, &m.seconds, &tail);
    NABLA_CHECK(n == 7, "metrics: '", path, "' line ", lineno, " is not 7 numbers: '", line, "'");
    m.epoch = epoch;
    rows.push_back(m);
  }
  return rows;
}

void write_plot_svg(const std::string& path, const std::vector<EpochMetrics>& rows, const std::string& title) {
  constexpr double W = 640, H = 400, left = 70, right = 70, top = 40, bottom = 50;
  const double pw = W - left - right, ph = H - top - bottom;
  const int64_t last = rows.empty() ? 1 : std::max<int64_t>(rows.back().epoch, 1);
  double max_loss = 0;
  for (const EpochMetrics& m : rows) max_loss = std::max(max_loss, m.train_loss);
  max_loss = max_loss > 0 ? max_loss * 1.1 : 1;
  double min_acc = 1;
  for (const EpochMetrics& m : rows) min_acc = std::min(min_acc, m.test_accuracy);
  min_acc = std::floor(std::max(0.0, min_acc - 0.02) * 20) / 20;  // a multiple of 0.05 below the lowest point
  const double acc_span = std::max(1.0 - min_acc, 0.05);
  auto x_of = [&](double epoch) { return left + (last > 1 ? (epoch - 1) / (last - 1) : 0.5) * pw; };
  auto y_loss = [&](double v) { return top + ph - v / max_loss * ph; };
  auto y_acc = [&](double v) { return top + ph - (v - min_acc) / acc_span * ph; };

  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << W / 2 << "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">" << title << "</text>\n"
    << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
    << "\" fill=\"none\" stroke=\"#888\"/>\n";
  for (int i = 0; i <= 4; ++i) {  // 5 ticks on each y axis
    const double f = i / 4.0, y = top + ph - f * ph;
    s << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << y << "\" y2=\"" << y
      << "\" stroke=\"#eee\"/>\n"
      << "<text x=\"" << left - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\" fill=\"#c0392b\">"
      << fmt("%.3g", f * max_loss) << "</text>\n"
      << "<text x=\"" << left + pw + 6 << "\" y=\"" << y + 4 << "\" fill=\"#2471a3\">"
      << fmt("%.3f", min_acc + f * acc_span) << "</text>\n";
  }
  const int64_t step = std::max<int64_t>(1, (last + 9) / 10);
  for (int64_t e = 1; e <= last; e += step)
    s << "<text x=\"" << x_of(e) << "\" y=\"" << top + ph + 18 << "\" text-anchor=\"middle\">" << e << "</text>\n";
  s << "<text x=\"" << left + pw / 2 << "\" y=\"" << H - 12 << "\" text-anchor=\"middle\">epoch</text>\n"
    << "<text x=\"16\" y=\"" << top + ph / 2 << "\" fill=\"#c0392b\" transform=\"rotate(-90 16 " << top + ph / 2
    << ")\" text-anchor=\"middle\">train loss</text>\n"
    << "<text x=\"" << W - 12 << "\" y=\"" << top + ph / 2 << "\" fill=\"#2471a3\" transform=\"rotate(90 " << W - 12
    << " " << top + ph / 2 << ")\" text-anchor=\"middle\">test accuracy</text>\n";
  auto series = [&](auto y_of, auto value, const char* color) {
    s << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"2\" points=\"";
    for (const EpochMetrics& m : rows) s << x_of(m.epoch) << "," << y_of(value(m)) << " ";
    s << "\"/>\n";
    for (const EpochMetrics& m : rows)
      s << "<circle cx=\"" << x_of(m.epoch) << "\" cy=\"" << y_of(value(m)) << "\" r=\"3\" fill=\"" << color
        << "\"/>\n";
  };
  series(y_loss, [](const EpochMetrics& m) { return m.train_loss; }, "#c0392b");
  series(y_acc, [](const EpochMetrics& m) { return m.test_accuracy; }, "#2471a3");
  s << "</svg>\n";
  const std::string text = s.str();
  io::write_file_atomic(path, {text}, "plot");
}

}  // namespace nabla::cli
