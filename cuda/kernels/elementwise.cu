// Element-wise ops: add and mul (b repeating over a's leading dimensions), SwiGLU, GELU.
#include <cmath>

#include "common.cuh"
#include "cuda_check.h"
#include "device_context.h"
#include "kernel_registry.h"

namespace loka::cuda {
namespace {

enum class Binary { kAdd, kMul };

template <Binary kOp>
__global__ void binary_kernel(const void* a, int adt, const void* b, int bdt, int64_t b_count,
                              void* out, int odt, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(gridDim.x) * blockDim.x) {
    const float x = load_float(a, adt, i), y = load_float(b, bdt, i % b_count);
    store_float(out, odt, i, kOp == Binary::kAdd ? x + y : x * y);
  }
}

__global__ void swiglu_kernel(const void* gate, int gdt, const void* up, int udt, void* out,
                              int odt, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(gridDim.x) * blockDim.x) {
    const float g = load_float(gate, gdt, i), u = load_float(up, udt, i);
    store_float(out, odt, i, g / (1.0f + expf(-g)) * u);
  }
}

__global__ void gelu_kernel(const void* x, int xdt, void* out, int odt, int64_t n, bool tanh_approx) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(gridDim.x) * blockDim.x) {
    // In double: 1 + erf(x) and 1 + tanh(u) lose float's precision for negative x.
    const double v = load_float(x, xdt, i);
    double r;
    if (tanh_approx) {
      const double k = 0.7978845608028654;  // sqrt(2 / pi)
      r = 0.5 * v * (1.0 + tanh(k * (v + 0.044715 * v * v * v)));
    } else {
      r = 0.5 * v * erfc(-v * 0.7071067811865476);
    }
    store_float(out, odt, i, static_cast<float>(r));
  }
}

bool all_float(const OpNode& n) {
  for (const Tensor& t : n.src) {
    if (!is_f16ish_or_f32(t.dtype())) return false;
  }
  for (const Tensor& t : n.dst) {
    if (!is_f16ish_or_f32(t.dtype())) return false;
  }
  return true;
}

bool supports_binary(const OpNode& n) {
  if (n.src.size() != 2 || n.dst.size() != 1 || !all_float(n)) return false;
  const int64_t na = n.src[0].numel(), nb = n.src[1].numel();
  return n.dst[0].shape() == n.src[0].shape() && (na == 0 || (nb > 0 && na % nb == 0));
}

template <Binary kOp>
void run_binary(const OpNode& n, DeviceContext& ctx) {
  const int64_t count = n.dst[0].numel();
  if (count == 0) return;
  binary_kernel<kOp><<<blocks_for(count), kThreads, 0, ctx.stream()>>>(
      n.src[0].data(), dt_code(n.src[0].dtype()), n.src[1].data(), dt_code(n.src[1].dtype()),
      n.src[1].numel(), n.dst[0].data(), dt_code(n.dst[0].dtype()), count);
  LOKA_CUDA_LAUNCHED();
}

bool supports_swiglu(const OpNode& n) {
  return n.src.size() == 2 && n.dst.size() == 1 && all_float(n) &&
         n.src[0].shape() == n.src[1].shape() && n.dst[0].shape() == n.src[0].shape();
}

void run_swiglu(const OpNode& n, DeviceContext& ctx) {
  const int64_t count = n.dst[0].numel();
  if (count == 0) return;
  swiglu_kernel<<<blocks_for(count), kThreads, 0, ctx.stream()>>>(
      n.src[0].data(), dt_code(n.src[0].dtype()), n.src[1].data(), dt_code(n.src[1].dtype()),
      n.dst[0].data(), dt_code(n.dst[0].dtype()), count);
  LOKA_CUDA_LAUNCHED();
}

bool supports_gelu(const OpNode& n) {
  return n.src.size() == 1 && n.dst.size() == 1 && all_float(n) &&
         std::holds_alternative<GeluParams>(n.params) && n.dst[0].shape() == n.src[0].shape();
}

void run_gelu(const OpNode& n, DeviceContext& ctx) {
  const int64_t count = n.dst[0].numel();
  if (count == 0) return;
  gelu_kernel<<<blocks_for(count), kThreads, 0, ctx.stream()>>>(
      n.src[0].data(), dt_code(n.src[0].dtype()), n.dst[0].data(), dt_code(n.dst[0].dtype()),
      count, std::get<GeluParams>(n.params).tanh_approximation);
  LOKA_CUDA_LAUNCHED();
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kAdd, supports_binary, run_binary<Binary::kAdd>);
LOKA_REGISTER_CUDA_KERNEL(OpKind::kMul, supports_binary, run_binary<Binary::kMul>);
LOKA_REGISTER_CUDA_KERNEL(OpKind::kSwiGLU, supports_swiglu, run_swiglu);
LOKA_REGISTER_CUDA_KERNEL(OpKind::kGelu, supports_gelu, run_gelu);

}  // namespace loka::cuda
