// Maps each fixture op name to nabla calls with the recorded arguments. The Python side of every entry is
// in tests/reference/make_fixtures.py (same op name, same args keys).
#include "ops/fixture_ops.h"

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

namespace nabla::testing {
namespace {

using json = nlohmann::json;

bool has(const json& a, const char* key) { return a.contains(key) && !a.at(key).is_null(); }

/// A JSON number as a Scalar, keeping integral vs floating (it matters for type promotion);
/// "inf" / "-inf" strings stand for infinities (JSON has none).
Scalar scalar(const json& v) {
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    NABLA_FAIL("fixture: bad scalar string '", s, "'");
  }
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<int64_t>();
  return v.get<double>();
}
Scalar scalar_or(const json& a, const char* key, Scalar dflt) { return has(a, key) ? scalar(a.at(key)) : dflt; }
std::optional<Scalar> opt_scalar(const json& a, const char* key) {
  if (!has(a, key)) return std::nullopt;
  return scalar(a.at(key));
}
std::optional<int64_t> opt_int(const json& a, const char* key) {
  if (!has(a, key)) return std::nullopt;
  return a.at(key).get<int64_t>();
}
int64_t int_or(const json& a, const char* key, int64_t dflt) { return has(a, key) ? a.at(key).get<int64_t>() : dflt; }
bool bool_or(const json& a, const char* key, bool dflt) { return has(a, key) ? a.at(key).get<bool>() : dflt; }
std::vector<int64_t> ints(const json& a, const char* key) { return a.at(key).get<std::vector<int64_t>>(); }

using Unary = Tensor (*)(const Tensor&);
FixtureOp unary(Unary f) {
  return [f](const TensorList& x, const json&) { return TensorList{f(x[0])}; };
}

template <typename TT, typename TS>
FixtureOp binary_or_scalar(TT tensor_fn, TS scalar_fn) {
  return [tensor_fn, scalar_fn](const TensorList& x, const json& a) {
    if (x.size() == 2) return TensorList{tensor_fn(x[0], x[1])};
    return TensorList{scalar_fn(x[0], scalar(a.at("other")))};
  };
}

#define NABLA_FIXTURE_COMPARE(NAME)                                                      \
  {                                                                                      \
#NAME, binary_or_scalar([](const Tensor& p, const Tensor& q) { return NAME(p, q); }, \
                            [](const Tensor& p, const Scalar& q) { return NAME(p, q); }) \
  }

FixtureOp max_like(bool is_max) {
  return [is_max](const TensorList& x, const json& a) {
    if (!has(a, "dim")) return TensorList{is_max ? nabla::max(x[0]) : nabla::min(x[0])};
    auto [values, indices] = is_max ? nabla::max(x[0], a.at("dim").get<int64_t>(), bool_or(a, "keepdim", false))
                                    : nabla::min(x[0], a.at("dim").get<int64_t>(), bool_or(a, "keepdim", false));
    return TensorList{values, indices};
  };
}

FixtureOp var_like(bool is_var) {
  return [is_var](const TensorList& x, const json& a) {
    const bool unbiased = a.at("unbiased").get<bool>();
    if (!has(a, "dims")) return TensorList{is_var ? nabla::var(x[0], unbiased) : nabla::std(x[0], unbiased)};
    const auto dims = ints(a, "dims");
    const bool keepdim = bool_or(a, "keepdim", false);
    return TensorList{is_var ? nabla::var(x[0], dims, unbiased, keepdim) : nabla::std(x[0], dims, unbiased, keepdim)};
  };
}

FixtureOp all_like(bool is_all) {
  return [is_all](const TensorList& x, const json& a) {
    if (!has(a, "dim")) return TensorList{is_all ? nabla::all(x[0]) : nabla::any(x[0])};
    const int64_t dim = a.at("dim").get<int64_t>();
    const bool keepdim = bool_or(a, "keepdim", false);
    return TensorList{is_all ? nabla::all(x[0], dim, keepdim) : nabla::any(x[0], dim, keepdim)};
  };
}

Reduction reduction(const std::string& r) {
  if (r == "mean") return kMean;
  if (r == "sum") return kSum;
  if (r == "none") return kNone;
  NABLA_FAIL("fixture: unknown reduction '", r, "'");
}

std::map<std::string, FixtureOp> make_ops() {
  std::map<std::string, FixtureOp> ops;

  // ---- elementwise ----
  ops["add"] = [](const TensorList& x, const json& a) {
    const Scalar alpha = scalar_or(a, "alpha", 1);
    if (x.size() == 2) return TensorList{nabla::add(x[0], x[1], alpha)};
    return TensorList{nabla::add(x[0], scalar(a.at("other")), alpha)};
  };
  ops["sub"] = [](const TensorList& x, const json& a) {
    const Scalar alpha = scalar_or(a, "alpha", 1);
    if (x.size() == 2) return TensorList{nabla::sub(x[0], x[1], alpha)};
    return TensorList{nabla::sub(x[0], scalar(a.at("other")), alpha)};
  };
  ops["mul"] = [](const TensorList& x, const json& a) {
    if (bool_or(a, "self", false)) return TensorList{nabla::mul(x[0], x[0])};
    if (x.size() == 2) return TensorList{nabla::mul(x[0], x[1])};
    return TensorList{nabla::mul(x[0], scalar(a.at("other")))};
  };
  ops["div"] = [](const TensorList& x, const json& a) {
    if (has(a, "scalar_first")) return TensorList{nabla::div(scalar(a.at("scalar_first")), x[0])};
    if (x.size() == 2) return TensorList{nabla::div(x[0], x[1])};
    return TensorList{nabla::div(x[0], scalar(a.at("other")))};
  };
  ops["pow"] = [](const TensorList& x, const json& a) {
    if (has(a, "base")) return TensorList{nabla::pow(scalar(a.at("base")), x[0])};
    if (x.size() == 2) return TensorList{nabla::pow(x[0], x[1])};
    return TensorList{nabla::pow(x[0], scalar(a.at("exponent")))};
  };
  ops["maximum"] = [](const TensorList& x, const json&) { return TensorList{nabla::maximum(x[0], x[1])}; };
  ops["minimum"] = [](const TensorList& x, const json&) { return TensorList{nabla::minimum(x[0], x[1])}; };
  ops["where"] = [](const TensorList& x, const json& a) {
    if (has(a, "other")) return TensorList{nabla::where(x[0], x[1], scalar(a.at("other")))};
    if (has(a, "self")) return TensorList{nabla::where(x[0], scalar(a.at("self")), x[1])};
    return TensorList{nabla::where(x[0], x[1], x[2])};
  };
  ops["neg"] = unary(&nabla::neg);
  ops["exp"] = unary(&nabla::exp);
  ops["log"] = unary(&nabla::log);
  ops["log1p"] = unary(&nabla::log1p);
  ops["sqrt"] = unary(&nabla::sqrt);
  ops["rsqrt"] = unary(&nabla::rsqrt);
  ops["abs"] = unary(&nabla::abs);
  ops["sign"] = unary(&nabla::sign);
  ops["sin"] = unary(&nabla::sin);
  ops["cos"] = unary(&nabla::cos);
  ops["tanh"] = unary(&nabla::tanh);
  ops["square"] = unary(&nabla::square);
  ops["clamp"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::clamp(x[0], opt_scalar(a, "min"), opt_scalar(a, "max"))};
  };

  // ---- activations ----
  ops["sigmoid"] = unary(&nabla::sigmoid);
  ops["relu"] = unary(&nabla::relu);
  ops["silu"] = unary(&nabla::silu);
  ops["leaky_relu"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::leaky_relu(x[0], scalar(a.at("negative_slope")))};
  };
  ops["elu"] = [](const TensorList& x, const json& a) { return TensorList{nabla::elu(x[0], scalar(a.at("alpha")))}; };
  ops["gelu"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::gelu(x[0], a.at("approximate").get<std::string>())};
  };
  ops["softplus"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::softplus(x[0], scalar(a.at("beta")), scalar(a.at("threshold")))};
  };

  // ---- comparisons ----
  for (auto& [name, fn] : std::map<std::string, FixtureOp>{NABLA_FIXTURE_COMPARE(eq), NABLA_FIXTURE_COMPARE(ne),
                                                           NABLA_FIXTURE_COMPARE(lt), NABLA_FIXTURE_COMPARE(le),
                                                           NABLA_FIXTURE_COMPARE(gt), NABLA_FIXTURE_COMPARE(ge)})
    ops[name] = fn;

  // ---- reductions ----
  ops["sum"] = [](const TensorList& x, const json& a) {
    if (!has(a, "dims")) return TensorList{nabla::sum(x[0])};
    return TensorList{nabla::sum(x[0], ints(a, "dims"), bool_or(a, "keepdim", false))};
  };
  ops["mean"] = [](const TensorList& x, const json& a) {
    if (!has(a, "dims")) return TensorList{nabla::mean(x[0])};
    return TensorList{nabla::mean(x[0], ints(a, "dims"), bool_or(a, "keepdim", false))};
  };
  ops["prod"] = [](const TensorList& x, const json& a) {
    if (!has(a, "dim")) return TensorList{nabla::prod(x[0])};
    return TensorList{nabla::prod(x[0], a.at("dim").get<int64_t>(), bool_or(a, "keepdim", false))};
  };
  ops["max"] = max_like(true);
  ops["min"] = max_like(false);
  ops["argmax"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::argmax(x[0], opt_int(a, "dim"), bool_or(a, "keepdim", false))};
  };
  ops["argmin"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::argmin(x[0], opt_int(a, "dim"), bool_or(a, "keepdim", false))};
  };
  ops["var"] = var_like(true);
  ops["std"] = var_like(false);
  ops["norm"] = [](const TensorList& x, const json& a) {
    const Scalar p = scalar(a.at("p"));
    if (!has(a, "dims")) return TensorList{nabla::norm(x[0], p)};
    return TensorList{nabla::norm(x[0], p, ints(a, "dims"), bool_or(a, "keepdim", false))};
  };
  ops["logsumexp"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::logsumexp(x[0], ints(a, "dims"), bool_or(a, "keepdim", false))};
  };
  ops["softmax"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::softmax(x[0], a.at("dim").get<int64_t>())};
  };
  ops["log_softmax"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::log_softmax(x[0], a.at("dim").get<int64_t>())};
  };
  ops["all"] = all_like(true);
  ops["any"] = all_like(false);

  // ---- linear algebra ----
  ops["matmul"] = [](const TensorList& x, const json&) { return TensorList{nabla::matmul(x[0], x[1])}; };
  ops["mm"] = [](const TensorList& x, const json&) { return TensorList{nabla::mm(x[0], x[1])}; };
  ops["bmm"] = [](const TensorList& x, const json&) { return TensorList{nabla::bmm(x[0], x[1])}; };
  ops["addmm"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::addmm(x[0], x[1], x[2], scalar_or(a, "beta", 1), scalar_or(a, "alpha", 1))};
  };

  // ---- shape ----
  ops["view"] = [](const TensorList& x, const json& a) { return TensorList{nabla::view(x[0], ints(a, "size"))}; };
  ops["reshape"] = [](const TensorList& x, const json& a) { return TensorList{nabla::reshape(x[0], ints(a, "size"))}; };
  ops["flatten"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::flatten(x[0], int_or(a, "start", 0), int_or(a, "end", -1))};
  };
  ops["squeeze"] = [](const TensorList& x, const json& a) {
    if (!has(a, "dim")) return TensorList{nabla::squeeze(x[0])};
    return TensorList{nabla::squeeze(x[0], a.at("dim").get<int64_t>())};
  };
  ops["unsqueeze"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::unsqueeze(x[0], a.at("dim").get<int64_t>())};
  };
  ops["transpose"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::transpose(x[0], a.at("dim0").get<int64_t>(), a.at("dim1").get<int64_t>())};
  };
  ops["t"] = [](const TensorList& x, const json&) { return TensorList{nabla::t(x[0])}; };
  ops["permute"] = [](const TensorList& x, const json& a) { return TensorList{nabla::permute(x[0], ints(a, "dims"))}; };
  ops["expand"] = [](const TensorList& x, const json& a) { return TensorList{nabla::expand(x[0], ints(a, "size"))}; };
  ops["narrow"] = [](const TensorList& x, const json& a) {
    return TensorList{
        nabla::narrow(x[0], a.at("dim").get<int64_t>(), a.at("start").get<int64_t>(), a.at("length").get<int64_t>())};
  };
  ops["slice"] = [](const TensorList& x, const json& a) {
    return TensorList{
        nabla::slice(x[0], a.at("dim").get<int64_t>(), opt_int(a, "start"), opt_int(a, "end"), int_or(a, "step", 1))};
  };
  ops["select"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::select(x[0], a.at("dim").get<int64_t>(), a.at("index").get<int64_t>())};
  };
  ops["index_select"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::index_select(x[0], a.at("dim").get<int64_t>(), x[1])};
  };
  ops["gather"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::gather(x[0], a.at("dim").get<int64_t>(), x[1])};
  };
  ops["cat"] = [](const TensorList& x, const json& a) { return TensorList{nabla::cat(x, a.at("dim").get<int64_t>())}; };
  ops["stack"] = [](const TensorList& x, const json& a) {
    return TensorList{nabla::stack(x, a.at("dim").get<int64_t>())};
  };
  ops["split"] = [](const TensorList& x, const json& a) {
    const int64_t dim = a.at("dim").get<int64_t>();
    if (a.at("split").is_array()) return nabla::split(x[0], IntArrayRef(ints(a, "split")), dim);
    return nabla::split(x[0], a.at("split").get<int64_t>(), dim);
  };
  ops["chunk"] = [](const TensorList& x, const json& a) {
    return nabla::chunk(x[0], a.at("chunks").get<int64_t>(), a.at("dim").get<int64_t>());
  };
  ops["unbind"] = [](const TensorList& x, const json& a) { return nabla::unbind(x[0], a.at("dim").get<int64_t>()); };

  // ---- losses ----
  ops["mse_loss"] = [](const TensorList& x, const json& a) {
    return TensorList{nn::functional::mse_loss(
        x[0], x[1], nn::functional::MSELossFuncOptions(reduction(a.at("reduction").get<std::string>())))};
  };
  return ops;
}

}  // namespace

const std::map<std::string, FixtureOp>& fixture_ops() {
  static const std::map<std::string, FixtureOp> ops = make_ops();
  return ops;
}

}  // namespace nabla::testing
