#pragma once
// A dataset of numeric tables read from a delimited text file (CSV), in the style of MNIST and TensorDataset:
// the whole file is parsed once into a features tensor (N, F) and a targets tensor (N).
//
// Parsing follows numpy.loadtxt: every cell is a number (1, -0.5, 1e-3, +2; nan and inf are accepted),
// spaces and tabs around a cell are ignored, blank lines are skipped, "\n" and "\r\n" line ends both work,
// and a UTF-8 byte-order mark is ignored. An empty cell, or a value beyond the range of a double (1e999,
// 1e-400), is an error. A cell may be quoted ("x1", "a ""b""") with the delimiter inside the quotes; a quoted
// cell may not span lines.
// Every malformed input is a nabla::Error naming the file and, where it applies, the line and column.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nabla/core/arg.h"
#include "nabla/core/dtype.h"
#include "nabla/data/datasets.h"

namespace nabla::data::datasets {

/// CSVOptions().delimiter(';').target_column("price").dtype(kFloat64)
struct CSVOptions {
  /// A column by name (a header cell, or "0", "1", ... without a header) or by index (negative counts from the end).
  struct Column {
    bool by_name = false;
    int64_t index = -1;  ///< when !by_name
    std::string name;    ///< when by_name
  };

  CSVOptions() = default;
  /// The target column by name.
  CSVOptions& target_column(const std::string& name);
  CSVOptions& target_column(const char* name) { return target_column(std::string(name)); }
  /// The target column by index (0 is the first column, -1 the last).
  CSVOptions& target_column(int64_t index);
  CSVOptions& target_column(int index) { return target_column(int64_t{index}); }
  const Column& target_column() const { return target_column_; }

  /// The first non-blank line holds column names (true) or data (false; columns are named "0", "1", ...).
  NABLA_ARG(bool, header, true);
  /// The one character between cells.
  NABLA_ARG(char, delimiter, ',');

 public:
  /// The feature columns by name, in this order; empty means every column but the target, in file order.
  CSVOptions& feature_columns(const std::vector<std::string>& v);  // in csv.cpp: vector<string>'s copy, compiled once
  const std::vector<std::string>& feature_columns() const { return feature_columns_; }
  /// kFloat32 or kFloat64: the dtype of features().
  NABLA_ARG(ScalarType, dtype, kFloat32);
  /// kFloat32, kFloat64, kInt32 or kInt64 (class labels): the dtype of targets(); unset means dtype().
  NABLA_ARG(std::optional<ScalarType>, target_dtype, std::nullopt);

 private:
  Column target_column_;
  std::vector<std::string> feature_columns_;
};

class CSV;
extern template class Dataset<CSV, Example<>>;  // instantiated in src/data/csv.cpp

/// A numeric table: example i is (features()[i] (F,), targets()[i] ()).
class CSV : public Dataset<CSV> {
 public:
  /// Reads and parses the whole file at `path`.
  explicit CSV(const std::string& path, CSVOptions options = {});
  Example<> get(size_t index) override;
  std::optional<size_t> size() const override;
  /// (N, F) in options.dtype().
  const Tensor& features() const;
  /// (N) in options.target_dtype().
  const Tensor& targets() const;
  /// The F feature column names (header cells, or column indices "0", "1", ... without a header).
  const std::vector<std::string>& feature_names() const;
  const std::string& target_name() const;

 private:
  Tensor features_, targets_;
  std::vector<std::string> feature_names_;
  std::string target_name_;
};

}  // namespace nabla::data::datasets
