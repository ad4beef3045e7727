// CSV: the file is read whole, split into lines and cells, the target and feature columns are resolved
// against the header, then every cell is parsed; any bad cell is a nabla::Error naming file, line and column.
#include "nabla/data/csv.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string_view>

#include "data/rows.h"
#include "nabla/ops/factory.h"

namespace nabla::data::datasets {

template class Dataset<CSV, Example<>>;
namespace {

namespace fs = std::filesystem;

struct Row {
  size_t line;  // 1-based line number in the file
  std::vector<std::string> cells;
};

std::string read_file(const std::string& path) {
  std::error_code ec;
  NABLA_CHECK(fs::exists(path, ec), "CSV: file ", path, " does not exist");
  NABLA_CHECK(!fs::is_directory(path, ec), "CSV: ", path, " is a directory, not a CSV file");
  std::ifstream in(path, std::ios::binary);
  NABLA_CHECK(in.good(), "CSV: cannot open ", path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  NABLA_CHECK(!in.bad(), "CSV: error reading ", path);
  return text;
}

bool blank(char c, char delimiter) { return (c == ' ' || c == '\t') && c != delimiter; }

// The cells of one line (line end removed): blanks around cells dropped, quotes removed ("" is one quote).
std::vector<std::string> split(std::string_view line, char delimiter, const std::string& where) {
  std::vector<std::string> cells;
  const size_t n = line.size();
  size_t i = 0;
  while (true) {
    while (i < n && blank(line[i], delimiter)) ++i;
    std::string cell;
    if (i < n && line[i] == '"') {
      bool closed = false;
      for (++i; i < n; ++i) {
        if (line[i] != '"') {
          cell += line[i];
        } else if (i + 1 < n && line[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          closed = true;
          ++i;
          break;
        }
      }
      NABLA_CHECK(closed, "CSV: ", where, ": unterminated quote in cell ", cells.size() + 1,
                  " (a quoted cell cannot span lines)");
      while (i < n && blank(line[i], delimiter)) ++i;
      NABLA_CHECK(i == n || line[i] == delimiter, "CSV: ", where, ": unexpected text after the closing quote of cell ",
                  cells.size() + 1);
    } else {
      const size_t start = i;
      while (i < n && line[i] != delimiter) ++i;
      size_t end = i;
      while (end > start && blank(line[end - 1], delimiter)) --end;
      cell.assign(line.substr(start, end - start));
    }
    cells.push_back(std::move(cell));
    if (i == n) return cells;
    ++i;  // the delimiter
  }
}

// Non-blank lines split into cells; a leading UTF-8 byte-order mark is ignored.
std::vector<Row> split_lines(std::string_view text, char delimiter, const std::string& path) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<Row> rows;
  size_t line = 0;
  while (!text.empty()) {
    ++line;
    const size_t nl = text.find('\n');
    std::string_view l = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.find_first_not_of(" \t") == std::string_view::npos) continue;
    rows.push_back({line, split(l, delimiter, path + ":" + std::to_string(line))});
  }
  return rows;
}

// "+1.5" -> 1.5; nan and inf parse as in numpy.loadtxt. errc::invalid_argument when s is not a number.
template <typename T>
std::errc parse(std::string_view s, T& value) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec == std::errc() && end != s.data() + s.size()) return std::errc::invalid_argument;
  return ec;
}

// The index of `column` among `names` (negative indices count from the end).
size_t resolve(const CSVOptions::Column& column, const std::vector<std::string>& names, const std::string& path,
               const char* what) {
  const auto count = static_cast<int64_t>(names.size());
  if (!column.by_name) {
    const int64_t index = column.index;
    NABLA_CHECK(index >= -count && index < count, "CSV: ", what, " index ", index, " is out of range for ", path,
                ", which has ", count, " columns (valid: ", -count, " to ", count - 1, ")");
    return static_cast<size_t>(index < 0 ? index + count : index);
  }
  const std::string& name = column.name;
  std::vector<size_t> found;
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) found.push_back(i);
  NABLA_CHECK(!found.empty(), "CSV: ", what, " \"", name, "\" is not a column of ", path, "; its columns are ", names);
  NABLA_CHECK(found.size() == 1, "CSV: ", what, " \"", name, "\" names several columns of ", path, " (indices ", found,
              "); select the target by index");
  return found[0];
}

}  // namespace

CSVOptions& CSVOptions::target_column(const std::string& name) {
  target_column_ = Column{true, 0, name};
  return *this;
}

CSVOptions& CSVOptions::feature_columns(const std::vector<std::string>& v) {
  feature_columns_ = v;
  return *this;
}

CSVOptions& CSVOptions::target_column(int64_t index) {
  target_column_ = Column{false, index, {}};
  return *this;
}

CSV::CSV(const std::string& path, CSVOptions options) {
  const ScalarType dtype = options.dtype();
  const ScalarType target_dtype = options.target_dtype().value_or(dtype);
  NABLA_CHECK(dtype == kFloat32 || dtype == kFloat64, "CSV: dtype must be kFloat32 or kFloat64, got ", dtype);
  NABLA_CHECK(is_floating_point(target_dtype) || target_dtype == kInt32 || target_dtype == kInt64,
              "CSV: target_dtype must be kFloat32, kFloat64, kInt32 or kInt64, got ", target_dtype);
  const char delimiter = options.delimiter();
  NABLA_CHECK(delimiter != '"' && delimiter != '\n' && delimiter != '\r', "CSV: the delimiter cannot be a quote or ",
              "a line end");

  const std::vector<Row> rows = split_lines(read_file(path), delimiter, path);
  NABLA_CHECK(!rows.empty(), "CSV: ", path, " is empty (no non-blank lines)");
  std::vector<std::string> names = rows[0].cells;
  if (!options.header())
    for (size_t c = 0; c < names.size(); ++c) names[c] = std::to_string(c);
  const size_t first = options.header() ? 1 : 0;
  NABLA_CHECK(rows.size() > first, "CSV: ", path, " has a header (line ", rows[0].line, ") but no data rows");

  // Columns: the target, then the features (given, or all others in file order).
  const size_t target = resolve(options.target_column(), names, path, "target column");
  target_name_ = names[target];
  std::vector<size_t> feature_cols;
  if (options.feature_columns().empty()) {
    for (size_t c = 0; c < names.size(); ++c)
      if (c != target) feature_cols.push_back(c);
  } else {
    for (const std::string& name : options.feature_columns()) {
      const size_t c = resolve(CSVOptions::Column{true, 0, name}, names, path, "feature column");
      NABLA_CHECK(c != target, "CSV: feature_columns lists \"", name, "\", which is the target column of ", path);
      for (size_t seen : feature_cols)
        NABLA_CHECK(seen != c, "CSV: feature_columns lists \"", name, "\" twice (", path, ")");
      feature_cols.push_back(c);
    }
  }
  NABLA_CHECK(!feature_cols.empty(), "CSV: ", path, " has no feature columns, only the target column \"", target_name_,
              "\"");
  for (size_t c : feature_cols) feature_names_.push_back(names[c]);

  // Values, row by row.
  const size_t n = rows.size() - first, f = feature_cols.size();
  std::vector<double> x(n * f), y_float(is_floating_point(target_dtype) ? n : 0);
  std::vector<int64_t> y_int(is_floating_point(target_dtype) ? 0 : n);
  for (size_t r = 0; r < n; ++r) {
    const Row& row = rows[first + r];
    NABLA_CHECK(row.cells.size() == names.size(), "CSV: ", path, ":", row.line, ": the row has ", row.cells.size(),
                " cells but ", options.header() ? "the header" : "the first row", " (line ", rows[0].line, ") has ",
                names.size());
    auto cell = [&](size_t c) -> const std::string& {
      const std::string& s = row.cells[c];
      NABLA_CHECK(!s.empty(), "CSV: ", path, ":", row.line, ": column \"", names[c], "\" (index ", c,
                  ") is an empty cell");
      return s;
    };
    auto bad = [&](size_t c, std::errc ec, const char* wanted) {
      NABLA_FAIL("CSV: ", path, ":", row.line, ": column \"", names[c], "\" (index ", c, "): \"", row.cells[c], "\" ",
                 ec == std::errc::result_out_of_range ? "is out of range for " : "is not ", wanted);
    };
    for (size_t j = 0; j < f; ++j) {
      const std::errc ec = parse(cell(feature_cols[j]), x[r * f + j]);
      if (ec != std::errc()) bad(feature_cols[j], ec, "a number");
    }
    const std::string& t = cell(target);
    if (is_floating_point(target_dtype)) {
      const std::errc ec = parse(t, y_float[r]);
      if (ec != std::errc()) bad(target, ec, "a number");
      continue;
    }
    // Integer targets: "3" exactly, or a number with an integral value such as "3.0" or "1e2".
    const bool i32 = target_dtype == kInt32;
    const char* type = i32 ? "an integer (target_dtype Int32)" : "an integer (target_dtype Int64)";
    const int64_t lo = i32 ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int64_t>::min();
    const int64_t hi = i32 ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int64_t>::max();
    int64_t& v = y_int[r];
    const std::errc ec = parse(t, v);
    if (ec == std::errc::invalid_argument) {
      double d = 0;
      const std::errc dec = parse(t, d);
      if (dec != std::errc()) bad(target, dec, "a number");
      if (!std::isfinite(d) || d != std::floor(d)) bad(target, std::errc::invalid_argument, type);
      // [lo, hi] as doubles: -2^63 is exact, hi + 1 = 2^63 (or 2^31) too.
      if (d < double(lo) || d >= -double(lo)) bad(target, std::errc::result_out_of_range, type);
      v = static_cast<int64_t>(d);
    } else if (ec != std::errc()) {
      bad(target, ec, type);
    }
    if (v < lo || v > hi) bad(target, std::errc::result_out_of_range, type);
  }

  const auto rows_n = static_cast<int64_t>(n);
  features_ = empty({rows_n, static_cast<int64_t>(f)}, TensorOptions().dtype(dtype));
  if (dtype == kFloat64) {
    std::copy(x.begin(), x.end(), features_.data_ptr<double>());
  } else {
    std::copy(x.begin(), x.end(), features_.data_ptr<float>());
  }
  targets_ = empty({rows_n}, TensorOptions().dtype(target_dtype));
  if (target_dtype == kFloat64) std::copy(y_float.begin(), y_float.end(), targets_.data_ptr<double>());
  if (target_dtype == kFloat32) std::copy(y_float.begin(), y_float.end(), targets_.data_ptr<float>());
  if (target_dtype == kInt64) std::copy(y_int.begin(), y_int.end(), targets_.data_ptr<int64_t>());
  if (target_dtype == kInt32) std::copy(y_int.begin(), y_int.end(), targets_.data_ptr<int32_t>());
}

Example<> CSV::get(size_t index) {
  const auto n = static_cast<size_t>(features_.size(0));
  detail::check_index(index, n, "CSV");
  const auto i = static_cast<int64_t>(index);
  return Example<>(features_[i], targets_[i]);
}

std::optional<size_t> CSV::size() const { return static_cast<size_t>(features_.size(0)); }
const Tensor& CSV::features() const { return features_; }
const Tensor& CSV::targets() const { return targets_; }
const std::vector<std::string>& CSV::feature_names() const { return feature_names_; }
const std::string& CSV::target_name() const { return target_name_; }

}  // namespace nabla::data::datasets
