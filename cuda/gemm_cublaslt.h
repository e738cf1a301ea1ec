// Row-major GEMM through cuBLASLt: C[M, N] = A[M, K] x op(B), f32 accumulation, with the
// algorithm chosen once per problem (shape, types, leading dimensions, alignment) by timing
// cuBLASLt's top candidates on the first call, and cached.
#pragma once

#include <cublasLt.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/dtype.h"

namespace loka::cuda {

class DeviceContext;

struct GemmProblem {
  int64_t m, n, k;
  bool transpose_b;  // B stored [N, K] (true) or [K, N]
  DType ab;          // A and B share a dtype (f32, f16 or bf16)
  DType c;           // output dtype (f32, f16 or bf16)
  const void* a;
  int64_t lda;
  const void* b;
  int64_t ldb;
  void* out;
  int64_t ldc;
};

class GemmPlanCache {
 public:
  GemmPlanCache();
  ~GemmPlanCache();
  struct Plan;
  /// The plan for p (made on first use); throws kUnsupported when cuBLASLt has none.
  const Plan& get(DeviceContext& ctx, const GemmProblem& p);

 private:
  static int fastest(DeviceContext& ctx, const GemmProblem& p, const Plan& plan,
                     const cublasLtMatmulHeuristicResult_t* results, int count);
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Plan>> plans_;
};

/// Runs p on ctx's stream.
void gemm(DeviceContext& ctx, const GemmProblem& p);

}  // namespace loka::cuda
