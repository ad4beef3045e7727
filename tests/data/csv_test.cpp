// datasets::CSV: small files written to a temp dir; exact values for the happy paths, and one test per kind of
// bad input checking that the error names the file, the line and the column.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "nabla/data.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using namespace nabla;
using namespace nabla::data;
using datasets::CSV;
using datasets::CSVOptions;
using nabla::testing::expect_error;
using nabla::testing::expect_near;
using nabla::testing::values;
using Names = std::vector<std::string>;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A fresh directory under the system temp dir, removed at the end of the test.
struct CsvDir {
  fs::path path;
  CsvDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() / ("nabla_csv_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~CsvDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  // Writes `text` byte for byte to `name` and returns its path.
  std::string file(const std::string& name, const std::string& text) const {
    const fs::path p = path / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

std::vector<int64_t> shape(const Tensor& t) { return t.sizes().vec(); }

TEST(DataCSV, HeaderAndLastColumnTargetByDefault) {
  CsvDir d;
  CSV csv(d.file("t.csv", "a,b,y\n1,2,3\n-0.5,1e-3,+4\n"));
  EXPECT_EQ(csv.size().value(), 2u);
  EXPECT_EQ(csv.feature_names(), (Names{"a", "b"}));
  EXPECT_EQ(csv.target_name(), "y");
  EXPECT_EQ(csv.features().dtype(), kFloat32);
  EXPECT_EQ(csv.targets().dtype(), kFloat32);
  EXPECT_EQ(shape(csv.features()), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(values(csv.features()), (std::vector<double>{1, 2, -0.5, double(1e-3f)}));
  EXPECT_EQ(values(csv.targets()), (std::vector<double>{3, 4}));
  Example<> e = csv.get(1);
  EXPECT_EQ(shape(e.data), (std::vector<int64_t>{2}));
  EXPECT_EQ(e.target.dim(), 0);
  EXPECT_EQ(values(e.data), (std::vector<double>{-0.5, double(1e-3f)}));
  EXPECT_EQ(e.target.item<double>(), 4.0);
  expect_error([&] { csv.get(2); }, {"CSV: index 2 is out of range for a dataset of size 2"});
}

TEST(DataCSV, CrlfBlankLinesSpacesQuotesBomNanInf) {
  CsvDir d;
  // BOM, quoted names (one with the delimiter and an escaped quote), CRLF, blank lines, no final newline.
  CSV csv(d.file("t.csv", "\xEF\xBB\xBF \"x 1\" , \"y,\"\"q\"\"\" \r\n\r\n 1 ,\t2\r\n   \r\n3,nan\r\n-inf,\"4\""),
          CSVOptions().dtype(kFloat64));
  EXPECT_EQ(csv.feature_names(), (Names{"x 1"}));
  EXPECT_EQ(csv.target_name(), "y,\"q\"");
  expect_near(values(csv.features()), {1, 3, -kInf});
  expect_near(values(csv.targets()), {2, kNaN, 4});
  // A trailing newline (and several) adds no row.
  EXPECT_EQ(CSV(d.file("n.csv", "a,b\n1,2\n\n\n")).size().value(), 1u);
}

TEST(DataCSV, NoHeaderAndSemicolon) {
  CsvDir d;
  CSV csv(d.file("t.csv", "1;2;3\n4;5;6\n"), CSVOptions().header(false).delimiter(';'));
  EXPECT_EQ(csv.feature_names(), (Names{"0", "1"}));
  EXPECT_EQ(csv.target_name(), "2");
  EXPECT_EQ(values(csv.features()), (std::vector<double>{1, 2, 4, 5}));
  EXPECT_EQ(values(csv.targets()), (std::vector<double>{3, 6}));
  // Without a header the columns are named by index: "0" selects the first column.
  CSV first(d.file("t.csv", "1;2;3\n4;5;6\n"), CSVOptions().header(false).delimiter(';').target_column("0"));
  EXPECT_EQ(values(first.targets()), (std::vector<double>{1, 4}));
  EXPECT_EQ(first.feature_names(), (Names{"1", "2"}));
}

TEST(DataCSV, MiddleTargetByNameAndIndexInFloat64) {
  CsvDir d;
  const std::string p = d.file("t.csv", "x1,y,x2\n0.1,0.2,0.3\n1.25,-7,1e300\n");
  for (const CSVOptions& o : {CSVOptions().target_column("y"), CSVOptions().target_column(1),
                              CSVOptions().target_column(int64_t{-2})}) {
    CSV csv(p, CSVOptions(o).dtype(kFloat64));
    EXPECT_EQ(csv.target_name(), "y");
    EXPECT_EQ(csv.feature_names(), (Names{"x1", "x2"}));
    EXPECT_EQ(csv.features().dtype(), kFloat64);
    EXPECT_EQ(csv.targets().dtype(), kFloat64);
    EXPECT_EQ(values(csv.features()), (std::vector<double>{0.1, 0.3, 1.25, 1e300}));
    EXPECT_EQ(values(csv.targets()), (std::vector<double>{0.2, -7}));
  }
  CSV first(p, CSVOptions().target_column(0));
  EXPECT_EQ(first.target_name(), "x1");
}

TEST(DataCSV, IntegerTargetsForClassLabels) {
  CsvDir d;
  CSV csv(d.file("t.csv", "x,label\n0.5,3\n1.5,0\n2.5,7.0\n3.5,-2\n4.5,1e1\n"), CSVOptions().target_dtype(kInt64));
  EXPECT_EQ(csv.features().dtype(), kFloat32);
  EXPECT_EQ(csv.targets().dtype(), kInt64);
  const Tensor& t = csv.targets();
  EXPECT_EQ(std::vector<int64_t>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + 5),
            (std::vector<int64_t>{3, 0, 7, -2, 10}));
  // int64 values beyond 2^53 are read exactly, not through a double.
  CSV big(d.file("b.csv", "x,y\n1,9007199254740993\n"), CSVOptions().target_dtype(kInt64));
  EXPECT_EQ(big.targets().data_ptr<int64_t>()[0], int64_t{9007199254740993});
  CSV i32(d.file("c.csv", "x,y\n1,-5\n"), CSVOptions().target_dtype(kInt32));
  EXPECT_EQ(i32.targets().dtype(), kInt32);
  EXPECT_EQ(i32.targets().data_ptr<int32_t>()[0], -5);
}

TEST(DataCSV, FeatureColumnsSubsetInGivenOrder) {
  CsvDir d;
  CSV csv(d.file("t.csv", "a,b,c,y\n1,2,3,4\n5,6,7,8\n"), CSVOptions().feature_columns({"c", "a"}));
  EXPECT_EQ(csv.feature_names(), (Names{"c", "a"}));
  EXPECT_EQ(values(csv.features()), (std::vector<double>{3, 1, 7, 5}));
  EXPECT_EQ(values(csv.targets()), (std::vector<double>{4, 8}));
}

TEST(DataCSV, MissingEmptyOrRowlessFiles) {
  CsvDir d;
  const std::string missing = (d.path / "nope.csv").string();
  expect_error([&] { CSV c(missing); }, {"CSV: file ", missing.c_str(), "does not exist"});
  expect_error([&] { CSV c(d.path.string()); }, {d.path.string().c_str(), "is a directory"});
  const std::string empty = d.file("e.csv", "");
  expect_error([&] { CSV c(empty); }, {"CSV: ", empty.c_str(), " is empty"});
  const std::string blank = d.file("b.csv", "\n  \r\n\n");
  expect_error([&] { CSV c(blank); }, {blank.c_str(), " is empty"});
  const std::string header_only = d.file("h.csv", "\na,b,y\n");
  expect_error([&] { CSV c(header_only); }, {header_only.c_str(), " has a header (line 2) but no data rows"});
}

TEST(DataCSV, RowWithWrongNumberOfCells) {
  CsvDir d;
  const std::string p = d.file("t.csv", "a,b,y\n1,2,3\n\n4,5\n");
  expect_error([&] { CSV c(p); }, {"CSV: ", (p + ":4: the row has 2 cells but the header (line 1) has 3").c_str()});
  const std::string q = d.file("q.csv", "1,2\n3,4,5\n");
  expect_error([&] { CSV c(q, CSVOptions().header(false)); },
               {(q + ":2: the row has 3 cells but the first row (line 1) has 2").c_str()});
  // A trailing delimiter is one more (empty) cell.
  const std::string r = d.file("r.csv", "a,y\n1,2,\n");
  expect_error([&] { CSV c(r); }, {(r + ":2: the row has 3 cells but the header").c_str()});
}

TEST(DataCSV, NonNumericAndEmptyCells) {
  CsvDir d;
  const std::string p = d.file("t.csv", "a,b,y\n1,2,3\n4,abc,6\n");
  expect_error([&] { CSV c(p); }, {(p + ":3: column \"b\" (index 1): \"abc\" is not a number").c_str()});
  const std::string q = d.file("q.csv", "a,b,y\n1,2,3x\n");
  expect_error([&] { CSV c(q); }, {(q + ":2: column \"y\" (index 2): \"3x\" is not a number").c_str()});
  const std::string e = d.file("e.csv", "a,b,y\n1, ,3\n");
  expect_error([&] { CSV c(e); }, {(e + ":2: column \"b\" (index 1) is an empty cell").c_str()});
  const std::string o = d.file("o.csv", "a,y\n1e999,1\n");
  expect_error([&] { CSV c(o); }, {(o + ":2: column \"a\" (index 0): \"1e999\" is out of range").c_str()});
  const std::string u = d.file("u.csv", "a,y\n\"1,2\n");
  expect_error([&] { CSV c(u); }, {(u + ":2: unterminated quote in cell 1").c_str()});
}

TEST(DataCSV, UnknownOrOutOfRangeColumns) {
  CsvDir d;
  const std::string p = d.file("t.csv", "a,b,y\n1,2,3\n");
  expect_error([&] { CSV c(p, CSVOptions().target_column("price")); },
               {"CSV: target column \"price\" is not a column of ", p.c_str(), "; its columns are [a, b, y]"});
  expect_error([&] { CSV c(p, CSVOptions().target_column(3)); },
               {"CSV: target column index 3 is out of range for ", p.c_str(), "has 3 columns (valid: -3 to 2)"});
  expect_error([&] { CSV c(p, CSVOptions().target_column(-4)); }, {"target column index -4 is out of range"});
  expect_error([&] { CSV c(p, CSVOptions().feature_columns({"a", "z"})); },
               {"feature column \"z\" is not a column of ", "[a, b, y]"});
  expect_error([&] { CSV c(p, CSVOptions().feature_columns({"a", "y"})); },
               {"feature_columns lists \"y\", which is the target column of ", p.c_str()});
  expect_error([&] { CSV c(p, CSVOptions().feature_columns({"a", "a"})); }, {"feature_columns lists \"a\" twice"});
  const std::string dup = d.file("d.csv", "a,a,y\n1,2,3\n");
  expect_error([&] { CSV c(dup, CSVOptions().target_column("a")); },
               {"target column \"a\" names several columns of ", "(indices [0, 1]); select the target by index"});
  const std::string one = d.file("o.csv", "y\n1\n");
  expect_error([&] { CSV c(one); }, {one.c_str(), " has no feature columns, only the target column \"y\""});
}

TEST(DataCSV, IntegerTargetErrors) {
  CsvDir d;
  const std::string p = d.file("t.csv", "x,label\n1,2\n2,2.5\n");
  expect_error([&] { CSV c(p, CSVOptions().target_dtype(kInt64)); },
               {(p + ":3: column \"label\" (index 1): \"2.5\" is not an integer (target_dtype Int64)").c_str()});
  const std::string n = d.file("n.csv", "x,label\n1,nan\n");
  expect_error([&] { CSV c(n, CSVOptions().target_dtype(kInt64)); }, {"\"nan\" is not an integer"});
  const std::string a = d.file("a.csv", "x,label\n1,cat\n");
  expect_error([&] { CSV c(a, CSVOptions().target_dtype(kInt64)); }, {(a + ":2: column \"label\"").c_str(),
                                                                       "\"cat\" is not a number"});
  const std::string big = d.file("b.csv", "x,label\n1,3000000000\n");
  expect_error([&] { CSV c(big, CSVOptions().target_dtype(kInt32)); },
               {"\"3000000000\" is out of range for an integer (target_dtype Int32)"});
  const std::string huge = d.file("h.csv", "x,label\n1,99999999999999999999\n");
  expect_error([&] { CSV c(huge, CSVOptions().target_dtype(kInt64)); }, {"is out of range for an integer"});
}

TEST(DataCSV, BadOptions) {
  CsvDir d;
  const std::string p = d.file("t.csv", "a,y\n1,2\n");
  expect_error([&] { CSV c(p, CSVOptions().dtype(kInt64)); }, {"CSV: dtype must be kFloat32 or kFloat64"});
  expect_error([&] { CSV c(p, CSVOptions().target_dtype(kBool)); }, {"CSV: target_dtype must be"});
  expect_error([&] { CSV c(p, CSVOptions().delimiter('"')); }, {"CSV: the delimiter cannot be a quote"});
}

TEST(DataCSV, StackedBatchesThroughTheDataLoader) {
  CsvDir d;
  std::string text = "a,b,c,y\n";
  for (int i = 0; i < 10; ++i) text += std::to_string(i) + ",1,2," + std::to_string(10 * i) + "\n";
  CSV csv(d.file("t.csv", text));
  auto loader = make_data_loader<samplers::SequentialSampler>(std::move(csv).map(transforms::Stack<>()),
                                                              DataLoaderOptions().batch_size(4));
  std::vector<std::vector<int64_t>> shapes;
  std::vector<double> firsts, targets;
  for (auto& batch : *loader) {
    shapes.push_back(shape(batch.data));
    shapes.push_back(shape(batch.target));
    firsts.push_back(batch.data[0][0].item<double>());
    for (double v : values(batch.target)) targets.push_back(v);
  }
  EXPECT_EQ(shapes, (std::vector<std::vector<int64_t>>{{4, 3}, {4}, {4, 3}, {4}, {2, 3}, {2}}));
  EXPECT_EQ(firsts, (std::vector<double>{0, 4, 8}));
  EXPECT_EQ(targets, (std::vector<double>{0, 10, 20, 30, 40, 50, 60, 70, 80, 90}));
}

}  // namespace
