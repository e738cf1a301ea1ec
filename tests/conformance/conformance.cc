// Conformance harness implementation.
#include "conformance/conformance.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <tuple>

#include "backend/registry.h"
#include "core/half.h"
#include "ops/convert.h"

namespace loka::test {
namespace {

struct Row {
  double max_err = 0;
  double tol = 0;
  int cases = 0;
  bool ok = true;
};

std::mutex g_mu;
std::map<std::tuple<std::string, std::string, std::string>, Row>& table() {
  static std::map<std::tuple<std::string, std::string, std::string>, Row> t;
  return t;
}

void store(DType dtype, void* dst, double v) {
  switch (dtype) {
    case DType::kF32: *static_cast<float*>(dst) = static_cast<float>(v); return;
    case DType::kF64: *static_cast<double*>(dst) = v; return;
    case DType::kF16: *static_cast<uint16_t*>(dst) = f32_to_f16(static_cast<float>(v)); return;
    case DType::kBF16: *static_cast<uint16_t*>(dst) = f32_to_bf16(static_cast<float>(v)); return;
    case DType::kI32: *static_cast<int32_t*>(dst) = static_cast<int32_t>(v); return;
    case DType::kI8: *static_cast<int8_t*>(dst) = static_cast<int8_t>(v); return;
    default: FAIL("tensor_from: unsupported dtype " << dtype_name(dtype));
  }
}

double load(DType dtype, const void* src) {
  switch (dtype) {
    case DType::kF32: return *static_cast<const float*>(src);
    case DType::kF64: return *static_cast<const double*>(src);
    case DType::kF16: return f16_to_f32(*static_cast<const uint16_t*>(src));
    case DType::kBF16: return bf16_to_f32(*static_cast<const uint16_t*>(src));
    case DType::kI32: return *static_cast<const int32_t*>(src);
    case DType::kI8: return *static_cast<const int8_t*>(src);
    default: FAIL("to_f64: unsupported dtype " << dtype_name(dtype));
  }
  return 0;
}

}  // namespace

std::vector<std::shared_ptr<Backend>> conformance_backends() {
  std::vector<std::shared_ptr<Backend>> out;
  for (const DeviceDescription& d : list_devices()) out.push_back(create_backend(d.device));
  return out;
}

Tensor tensor_from(DType dtype, const Shape& shape, const std::vector<double>& values) {
  Tensor t = Tensor::empty(dtype, shape);
  REQUIRE(static_cast<size_t>(t.numel()) == values.size());
  const size_t esize = dtype_info(dtype).block_bytes;
  for (size_t i = 0; i < values.size(); ++i) {
    store(dtype, static_cast<char*>(t.data()) + i * esize, values[i]);
  }
  return t;
}

Tensor random_tensor(DType dtype, const Shape& shape, uint64_t seed, double lo, double hi) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<double> v(static_cast<size_t>(shape_numel(shape)));
  for (double& x : v) x = dist(rng);
  return tensor_from(dtype, shape, v);
}

Tensor int_tensor(const Shape& shape, const std::vector<int32_t>& values) {
  Tensor t = Tensor::empty(DType::kI32, shape);
  REQUIRE(static_cast<size_t>(t.numel()) == values.size());
  std::copy(values.begin(), values.end(), t.data_as<int32_t>());
  return t;
}

Tensor to_backend(Backend& be, const Tensor& t) {
  if (be.device().is_host()) return t;
  Tensor d = be.alloc(t.dtype(), t.shape());
  be.copy(t, d);
  return d;
}

std::vector<double> to_f64(Backend& be, const Tensor& t) {
  Tensor host = t;
  if (!t.device().is_host()) {
    host = Tensor::empty(t.dtype(), t.shape());
    be.copy(t, host);
  } else if (!t.is_contiguous()) {
    host = t.contiguous();
  }
  const size_t esize = dtype_info(host.dtype()).block_bytes;
  std::vector<double> out(static_cast<size_t>(host.numel()));
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = load(host.dtype(), static_cast<const char*>(host.data()) + i * esize);
  }
  return out;
}

Tolerance tolerance_for(DType dtype, double k_factor) {
  switch (dtype) {
    case DType::kF32: return {1e-5 * k_factor};
    case DType::kF16: return {2e-3};
    case DType::kBF16: return {1.6e-2};
    default: return {0.0};
  }
}

double max_rel_error(const std::vector<double>& got, const std::vector<double>& want) {
  if (got.size() != want.size()) return std::numeric_limits<double>::infinity();
  double sq = 0;
  for (double w : want) sq += w * w;
  const double rms = want.empty() ? 0.0 : std::sqrt(sq / want.size());
  const double floor = rms > 0 ? rms : 1e-30;
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(got[i]) != std::isnan(want[i])) return std::numeric_limits<double>::infinity();
    if (std::isnan(want[i])) continue;
    if (std::isinf(want[i]) || std::isinf(got[i])) {
      if (got[i] != want[i]) return std::numeric_limits<double>::infinity();
      continue;
    }
    const double e = std::fabs(got[i] - want[i]) / std::max(std::fabs(want[i]), floor);
    worst = std::max(worst, e);
  }
  return worst;
}

void expect_close(const std::string& op, const std::string& case_name, DType dtype,
                  const Backend& be, const std::vector<double>& got,
                  const std::vector<double>& want, Tolerance tol) {
  const double err = max_rel_error(got, want);
  const bool ok = err <= tol.rel;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    Row& r = table()[{op, std::string(dtype_name(dtype)), be.name()}];
    r.max_err = std::max(r.max_err, err);
    r.tol = std::max(r.tol, tol.rel);
    r.cases++;
    r.ok = r.ok && ok;
  }
  INFO(op << " [" << case_name << "] " << dtype_name(dtype) << " on " << be.name()
          << ": max rel err " << err << " > tolerance " << tol.rel);
  CHECK(ok);
}

std::vector<double> rounded_to(Backend& be, const Tensor& wide, DType dtype) {
  return to_f64(be, ops::convert(be, wide, dtype));
}

void expect_identical(const std::string& op, const std::string& case_name, const Backend& be,
                      const std::vector<double>& got, const std::vector<double>& want) {
  const auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
  const auto first = std::mismatch(got.begin(), got.end(), want.begin(), want.end(), same).first;
  INFO(op << " [" << case_name << "] on " << be.name() << ": " << got.size() << " and "
          << want.size() << " values, the first difference at " << (first - got.begin()));
  CHECK((got.size() == want.size() && first == got.end()));
}

void print_conformance_table() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (table().empty()) return;
  std::printf("\nconformance vs float64 reference\n");
  std::printf("%-12s %-6s %-8s %6s %12s %10s %s\n", "op", "dtype", "backend", "cases",
              "max rel err", "tolerance", "result");
  for (const auto& [key, row] : table()) {
    const auto& [op, dtype, backend] = key;
    std::printf("%-12s %-6s %-8s %6d %12.3e %10.1e %s\n", op.c_str(), dtype.c_str(),
                backend.c_str(), row.cases, row.max_err, row.tol, row.ok ? "ok" : "FAIL");
  }
}

}  // namespace loka::test
