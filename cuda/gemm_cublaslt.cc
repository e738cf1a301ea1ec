// cuBLASLt GEMM: row-major problems mapped to column-major cuBLASLt, plans cached per problem.
#include "gemm_cublaslt.h"

#include "cuda_check.h"
#include "device_context.h"

namespace loka::cuda {
namespace {

cudaDataType_t cuda_type(DType t) {
  switch (t) {
    case DType::kF32: return CUDA_R_32F;
    case DType::kF16: return CUDA_R_16F;
    case DType::kBF16: return CUDA_R_16BF;
    default:
      throw Error(ErrorCode::kUnsupported,
                  "cuBLASLt GEMM: no " + std::string(dtype_name(t)) + " operands");
  }
}

uint32_t alignment(const void* p) {
  const auto v = reinterpret_cast<uintptr_t>(p);
  uint32_t a = 256;
  while (a > 1 && v % a != 0) a >>= 1;
  return a;
}

constexpr int kCandidates = 8;
constexpr double kTuneFlops = double(1 << 24);  // smaller problems take the first heuristic pick

}  // namespace

struct GemmPlanCache::Plan {
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
  cublasLtMatmulAlgo_t algo{};
  size_t workspace = 0;
  ~Plan() {
    if (a) cublasLtMatrixLayoutDestroy(a);
    if (b) cublasLtMatrixLayoutDestroy(b);
    if (c) cublasLtMatrixLayoutDestroy(c);
    if (op) cublasLtMatmulDescDestroy(op);
  }
};

GemmPlanCache::GemmPlanCache() = default;
GemmPlanCache::~GemmPlanCache() = default;

// Row-major C[M, N] = A[M, K] B' is column-major C^T[N, M] = B'^T A^T: cuBLASLt's first
// operand is the weight (transposed when stored [N, K]), its second the activations.
const GemmPlanCache::Plan& GemmPlanCache::get(DeviceContext& ctx, const GemmProblem& p) {
  const uint32_t al_a = alignment(p.a), al_b = alignment(p.b), al_c = alignment(p.out);
  const std::string key = std::to_string(p.m) + "," + std::to_string(p.n) + "," +
                          std::to_string(p.k) + "," + (p.transpose_b ? "t" : "n") + "," +
                          std::string(dtype_name(p.ab)) + "," + std::string(dtype_name(p.c)) +
                          "," + std::to_string(p.lda) + "," + std::to_string(p.ldb) + "," +
                          std::to_string(p.ldc) + "," + std::to_string(al_a) + "," +
                          std::to_string(al_b) + "," + std::to_string(al_c);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = plans_.find(key); it != plans_.end()) return *it->second;

  auto plan = std::make_unique<Plan>();
  const cudaDataType_t ab = cuda_type(p.ab), c = cuda_type(p.c);
  LOKA_CUBLAS(cublasLtMatmulDescCreate(&plan->op, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const cublasOperation_t ta = p.transpose_b ? CUBLAS_OP_T : CUBLAS_OP_N, tb = CUBLAS_OP_N;
  LOKA_CUBLAS(cublasLtMatmulDescSetAttribute(plan->op, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta));
  LOKA_CUBLAS(cublasLtMatmulDescSetAttribute(plan->op, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof tb));
  // Weight: stored [N, K] row-major = column-major K x N (ld K); or [K, N] = N x K (ld N).
  if (p.transpose_b) {
    LOKA_CUBLAS(cublasLtMatrixLayoutCreate(&plan->a, ab, p.k, p.n, p.ldb));
  } else {
    LOKA_CUBLAS(cublasLtMatrixLayoutCreate(&plan->a, ab, p.n, p.k, p.ldb));
  }
  LOKA_CUBLAS(cublasLtMatrixLayoutCreate(&plan->b, ab, p.k, p.m, p.lda));
  LOKA_CUBLAS(cublasLtMatrixLayoutCreate(&plan->c, c, p.n, p.m, p.ldc));

  cublasLtMatmulPreference_t pref = nullptr;
  LOKA_CUBLAS(cublasLtMatmulPreferenceCreate(&pref));
  struct PrefGuard {
    cublasLtMatmulPreference_t p;
    ~PrefGuard() { cublasLtMatmulPreferenceDestroy(p); }
  } guard{pref};
  const size_t ws = ctx.workspace_bytes();
  LOKA_CUBLAS(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                   &ws, sizeof ws));
  // Operand A of cuBLASLt is our B (the weight), B is our A.
  LOKA_CUBLAS(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES,
                                                   &al_b, sizeof al_b));
  LOKA_CUBLAS(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
                                                   &al_a, sizeof al_a));
  LOKA_CUBLAS(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES,
                                                   &al_c, sizeof al_c));
  LOKA_CUBLAS(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES,
                                                   &al_c, sizeof al_c));
  cublasLtMatmulHeuristicResult_t results[kCandidates] = {};
  int found = 0;
  LOKA_CUBLAS(cublasLtMatmulAlgoGetHeuristic(ctx.lt(), plan->op, plan->a, plan->b, plan->c,
                                             plan->c, pref, kCandidates, results, &found));
  LOKA_CHECK(found > 0, ErrorCode::kUnsupported,
             "cuBLASLt has no algorithm for the GEMM " + key);
  const int best = found > 1 && double(p.m) * p.n * p.k >= kTuneFlops ? fastest(ctx, p, *plan, results, found) : 0;
  plan->algo = results[best].algo;
  plan->workspace = results[best].workspaceSize;
  return *plans_.emplace(key, std::move(plan)).first->second;
}

// Times each candidate on the problem's own operands (it writes p.out, which the real call
// then overwrites) and returns the index of the fastest.
int GemmPlanCache::fastest(DeviceContext& ctx, const GemmProblem& p, const Plan& plan,
                           const cublasLtMatmulHeuristicResult_t* results, int count) {
  cudaEvent_t start = nullptr, stop = nullptr;
  LOKA_CUDA(cudaEventCreate(&start));
  LOKA_CUDA(cudaEventCreate(&stop));
  const float alpha = 1.0f, beta = 0.0f;
  int best = 0;
  float best_ms = 1e30f;
  for (int i = 0; i < count; ++i) {
    float total = 0;
    bool ok = true;
    for (int rep = 0; rep < 3 && ok; ++rep) {
      cudaEventRecord(start, ctx.stream());
      ok = cublasLtMatmul(ctx.lt(), plan.op, &alpha, p.b, plan.a, p.a, plan.b, &beta, p.out,
                          plan.c, p.out, plan.c, &results[i].algo, ctx.workspace(),
                          results[i].workspaceSize, ctx.stream()) == CUBLAS_STATUS_SUCCESS;
      cudaEventRecord(stop, ctx.stream());
      float ms = 0;
      ok = ok && cudaEventSynchronize(stop) == cudaSuccess &&
           cudaEventElapsedTime(&ms, start, stop) == cudaSuccess;
      if (rep > 0) total += ms;  // the first run warms up
    }
    if (ok && total < best_ms) {
      best_ms = total;
      best = i;
    }
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return best;
}

void gemm(DeviceContext& ctx, const GemmProblem& p) {
  if (p.m == 0 || p.n == 0) return;
  const GemmPlanCache::Plan& plan = ctx.gemm_plans().get(ctx, p);
  const float alpha = 1.0f, beta = 0.0f;
  LOKA_CUBLAS(cublasLtMatmul(ctx.lt(), plan.op, &alpha, p.b, plan.a, p.a, plan.b, &beta, p.out,
                             plan.c, p.out, plan.c, &plan.algo, ctx.workspace(), plan.workspace,
                             ctx.stream()));
}

}  // namespace loka::cuda
