// Validation helpers shared by the op front ends; each throws
// Error(kInvalidArgument) with a message naming the op and the argument.
#pragma once

#include <initializer_list>

#include "backend/backend.h"
#include "ops/op.h"

namespace loka::ops {

void expect_defined(const Tensor& t, const char* op, const char* arg);
void expect_dtype(const Tensor& t, std::initializer_list<DType> allowed, const char* op,
                  const char* arg);
void expect_rank(const Tensor& t, int min_rank, int max_rank, const char* op, const char* arg);
void expect_same_shape(const Tensor& a, const Tensor& b, const char* op, const char* a_name,
                       const char* b_name);
/// dst must be defined, of `dtype` and `shape`, contiguous.
void expect_output(const Tensor& dst, DType dtype, const Shape& shape, const char* op);

/// Float dtypes activations may have.
constexpr std::initializer_list<DType> kFloatTypes = {DType::kF32, DType::kF16, DType::kBF16};

/// `out` if defined (checked against dtype and shape), else a new tensor on `be`.
Tensor output_or_alloc(Backend& be, const Tensor* out, DType dtype, const Shape& shape,
                       const char* op);
/// `out` if defined (any of kFloatTypes, checked against shape), else a new tensor of `dtype`
/// on `be`: for ops computing in f32 whatever dtype they write.
Tensor float_output_or_alloc(Backend& be, const Tensor* out, DType dtype, const Shape& shape,
                             const char* op);

/// Runs the node on `be`; throws kUnsupported naming the backend and node
/// when the backend cannot.
void run_op(Backend& be, const OpNode& node);

}  // namespace loka::ops
