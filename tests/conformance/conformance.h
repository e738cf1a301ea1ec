// Backend conformance harness: every op x dtype x shape on every backend
// present, compared with a float64 reference; collects a table of results.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"

namespace loka::test {

/// CPU always; CUDA devices when the plugin loads and reports a device.
std::vector<std::shared_ptr<Backend>> conformance_backends();

/// Host tensor with uniform values in [lo, hi), deterministic in `seed`.
Tensor random_tensor(DType dtype, const Shape& shape, uint64_t seed, double lo = -1.0,
                     double hi = 1.0);
/// Host tensor from float64 values (rounded to dtype).
Tensor tensor_from(DType dtype, const Shape& shape, const std::vector<double>& values);
/// i32 host tensor.
Tensor int_tensor(const Shape& shape, const std::vector<int32_t>& values);

/// Copy of `t` on `be` (device backends) or `t` itself on the CPU.
Tensor to_backend(Backend& be, const Tensor& t);
/// Values of a float or integer tensor as float64, in row-major order,
/// copied back from the device if needed.
std::vector<double> to_f64(Backend& be, const Tensor& t);

struct Tolerance {
  double rel;  // per-element error allowed relative to max(|ref|, rms(ref))
};
/// Output tolerance of a dtype: f32 1e-5 x `k_factor`, f16 2e-3, bf16 1.6e-2.
Tolerance tolerance_for(DType dtype, double k_factor = 1.0);

/// Largest |got - want| / max(|want|, rms(want)), or +inf on a size mismatch or NaN.
double max_rel_error(const std::vector<double>& got, const std::vector<double>& want);

/// Records one row of the table and REQUIREs the error within tolerance.
void expect_close(const std::string& op, const std::string& case_name, DType dtype,
                  const Backend& be, const std::vector<double>& got,
                  const std::vector<double>& want, Tolerance tol);

/// `wide` (an op's f32 output on `be`) rounded to `dtype` there by ops::convert, as float64:
/// what the op writing `dtype` directly must hold (one rounding either way).
std::vector<double> rounded_to(Backend& be, const Tensor& wide, DType dtype);

/// CHECKs that got and want hold the same values, element for element.
void expect_identical(const std::string& op, const std::string& case_name, const Backend& be,
                      const std::vector<double>& got, const std::vector<double>& want);

/// Prints the collected table (op, case, dtype, backend, max rel err, ok).
void print_conformance_table();

}  // namespace loka::test
