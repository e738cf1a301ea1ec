// CPU matmul kernel: walks the batch, sends few-row products with [N, K] weights to our
// bandwidth-bound GEMV and everything else to oneDNN (ctx.matmul).
#include <optional>
#include <vector>

#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/gemv_cpu.h"
#include "cpu/kernel_registry.h"
#include "cpu/matmul_engine.h"

namespace loka::cpu {
namespace {

bool is_gemm_dtype(DType t) { return t == DType::kF32 || t == DType::kF16 || t == DType::kBF16; }

// The shapes the front end promises (re-checked: nothing here may read out of bounds).
bool shapes_agree(const Tensor& a, const Tensor& b, const Tensor& c, bool tb) {
  if (a.ndim() < 2 || b.ndim() < 2 || b.ndim() > a.ndim()) return false;
  if (a.dim(-1) != (tb ? b.dim(-1) : b.dim(-2))) return false;
  Shape want = a.shape();
  want[want.size() - 1] = tb ? b.dim(-2) : b.dim(-1);
  if (c.shape() != want) return false;
  const int skip = a.ndim() - b.ndim();
  for (int d = 0; d + 2 < b.ndim(); ++d) {
    if (b.shape()[d] != 1 && b.shape()[d] != a.shape()[skip + d]) return false;
  }
  return true;
}

bool supports_matmul(const OpNode& n) {
  return n.src.size() == 2 && n.dst.size() == 1 && std::holds_alternative<MatMulParams>(n.params) &&
         is_gemm_dtype(n.src[0].dtype()) && is_gemm_dtype(n.src[1].dtype()) &&
         is_gemm_dtype(n.dst[0].dtype()) && n.dst[0].is_contiguous() &&
         shapes_agree(n.src[0], n.src[1], n.dst[0], std::get<MatMulParams>(n.params).transpose_b);
}

// Stride of dimension d (negative: from the back), 1 for a unit dimension whose stride is free.
int64_t stride_of(const Tensor& t, int d) { return t.dim(d) == 1 ? 1 : t.strides()[t.ndim() + d]; }

// The row stride when a's batch dimensions and M form one run of rows with a uniform stride
// (so the whole batch is a single product), else nullopt.
std::optional<int64_t> folded_row_stride(const Tensor& a) {
  int64_t stride = 0, rows = 1;
  for (int d = a.ndim() - 2; d >= 0; --d) {
    if (a.shape()[d] == 1) continue;
    if (rows == 1) {
      stride = a.strides()[d];
    } else if (a.strides()[d] != rows * stride) {
      return std::nullopt;
    }
    rows *= a.shape()[d];
  }
  return rows == 1 ? a.dim(-1) : stride;
}

// One 2-D product; `x` is scratch for activations widened to f32.
void product(const GemmArgs& g, CpuContext& ctx, std::vector<float>& x) {
  if (g.b_sk != 1 ||
      !gemv_preferred(g.M, g.b_dtype, ctx.matmul.compute_dtype(g.a_dtype, g.b_dtype))) {
    ctx.matmul.gemm(g, ctx.pool);
    return;
  }
  GemvArgs v{g.M,    g.N, g.K,  static_cast<const float*>(g.a), g.lda, g.b_dtype, g.b,
             g.b_sn, g.c, g.ldc};
  if (g.a_dtype != DType::kF32) {
    x.resize(static_cast<size_t>(g.M * g.K));
    const size_t es = dtype_info(g.a_dtype).block_bytes;
    for (int64_t m = 0; m < g.M; ++m) {
      to_f32(g.a_dtype, static_cast<const char*>(g.a) + m * g.lda * es, x.data() + m * g.K, g.K);
    }
    v.x = x.data();
    v.ldx = g.K;
  }
  gemv(v, ctx.pool);
}

void run_matmul(const OpNode& n, CpuContext& ctx) {
  const bool tb = std::get<MatMulParams>(n.params).transpose_b;
  // Both GEMM paths need a's rows and one of b's two inner dimensions unit-stride (so a
  // transposed view of a weight needs no copy); other views are packed (rare).
  const Tensor& a0 = n.src[0];
  const Tensor& b0 = n.src[1];
  const Tensor a = stride_of(a0, -1) == 1 ? a0 : a0.contiguous();
  const Tensor b = stride_of(b0, -1) == 1 || stride_of(b0, -2) == 1 ? b0 : b0.contiguous();
  const Tensor& out = n.dst[0];
  if (out.numel() == 0) return;
  const int nd = a.ndim(), skip = a.ndim() - b.ndim();
  const int64_t M = a.dim(-2), K = a.dim(-1), N = out.dim(-1);
  Tensor c = out.dtype() == DType::kF32 ? out : Tensor::empty(DType::kF32, out.shape());

  GemmArgs g;
  g.M = M, g.N = N, g.K = K;
  g.a_dtype = a.dtype(), g.lda = a.strides()[nd - 2];
  g.b_dtype = b.dtype();
  g.b_sn = stride_of(b, tb ? -2 : -1);
  g.b_sk = stride_of(b, tb ? -1 : -2);
  g.ldc = N;
  const size_t ea = dtype_info(a.dtype()).block_bytes, eb = dtype_info(b.dtype()).block_bytes;

  bool b_shared = true;
  for (int d = 0; d + 2 < b.ndim(); ++d) b_shared = b_shared && b.shape()[d] == 1;
  const int64_t batch = out.numel() / (M * N);
  std::vector<float> x;
  const std::optional<int64_t> row_stride = folded_row_stride(a);
  if (b_shared && row_stride) {
    // One product over every row of the batch: the weights are read once.
    g.M = batch * M;
    g.lda = *row_stride;
    g.a = a.data(), g.b = b.data(), g.c = c.data_as<float>();
    product(g, ctx, x);
  } else {
    for (int64_t i = 0; i < batch; ++i) {
      int64_t rest = i, a_off = 0, b_off = 0;
      for (int d = nd - 3; d >= 0; --d) {
        const int64_t idx = rest % a.shape()[d];
        rest /= a.shape()[d];
        a_off += idx * a.strides()[d];
        if (d >= skip && b.shape()[d - skip] != 1) b_off += idx * b.strides()[d - skip];
      }
      g.a = static_cast<const char*>(a.data()) + a_off * ea;
      g.b = static_cast<const char*>(b.data()) + b_off * eb;
      g.c = c.data_as<float>() + i * M * N;
      product(g, ctx, x);
    }
  }
  if (out.dtype() != DType::kF32) {
    const int64_t total = out.numel();
    ctx.pool.parallel_for(total, 1 << 14, [&](int64_t i0, int64_t i1) {
      from_f32(out.dtype(), c.data_as<float>() + i0,
               static_cast<char*>(out.data()) + i0 * dtype_info(out.dtype()).block_bytes, i1 - i0);
    });
  }
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kMatMul, supports_matmul, run_matmul);

}  // namespace loka::cpu
