// convert (every float pair, i32/i8 -> f32, f32 -> i32/i8) and packing strided tensors.
#include <cmath>

#include "common.cuh"
#include "convert.h"
#include "cuda_backend.h"
#include "cuda_check.h"
#include "kernel_registry.h"

namespace loka::cuda {
namespace {

__device__ double load_any(const void* p, int dt, int64_t i) {
  switch (dt) {
    case kDtF64: return static_cast<const double*>(p)[i];
    case kDtI32: return static_cast<const int32_t*>(p)[i];
    case kDtI8: return static_cast<const int8_t*>(p)[i];
    default: return load_float(p, dt, i);
  }
}

// Floats round once from the source value (f64 -> f16 directly, as the reference does);
// integers take the nearest value, ties to even, saturating, NaN -> 0.
__device__ void store_any(void* p, int dt, int64_t i, double v, int src_dt) {
  switch (dt) {
    case kDtF64: static_cast<double*>(p)[i] = v; return;
    case kDtF32: static_cast<float*>(p)[i] = static_cast<float>(v); return;
    case kDtF16:
      static_cast<__half*>(p)[i] = src_dt == kDtF64 ? __double2half(v)
                                                    : __float2half_rn(static_cast<float>(v));
      return;
    case kDtBF16:
      static_cast<__nv_bfloat16*>(p)[i] = src_dt == kDtF64 ? __double2bfloat16(v)
                                                          : __float2bfloat16_rn(static_cast<float>(v));
      return;
    case kDtI32: {
      const double r = isnan(v) ? 0.0 : fmin(fmax(rint(v), -2147483648.0), 2147483647.0);
      static_cast<int32_t*>(p)[i] = static_cast<int32_t>(r);
      return;
    }
    default: {
      const double r = isnan(v) ? 0.0 : fmin(fmax(rint(v), -128.0), 127.0);
      static_cast<int8_t*>(p)[i] = static_cast<int8_t>(r);
      return;
    }
  }
}

__global__ void convert_kernel(const void* src, int sdt, void* dst, int ddt, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(gridDim.x) * blockDim.x) {
    store_any(dst, ddt, i, load_any(src, sdt, i), sdt);
  }
}

struct Layout {
  int ndim;
  int64_t shape[kMaxDims];
  int64_t strides[kMaxDims];  // in elements
};

__global__ void pack_kernel(const char* src, char* dst, int esize, Layout l, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(gridDim.x) * blockDim.x) {
    int64_t rest = i, off = 0;
    for (int d = l.ndim - 1; d >= 0; --d) {
      off += (rest % l.shape[d]) * l.strides[d];
      rest /= l.shape[d];
    }
    const char* from = src + off * esize;
    char* to = dst + i * esize;
    for (int b = 0; b < esize; ++b) to[b] = from[b];
  }
}

bool convertible(DType from, DType to) {
  const bool ff = is_f16ish_or_f32(from) || from == DType::kF64;
  const bool tf = is_f16ish_or_f32(to) || to == DType::kF64;
  if (ff && tf) return true;
  if ((from == DType::kI32 || from == DType::kI8) && to == DType::kF32) return true;
  return from == DType::kF32 && (to == DType::kI32 || to == DType::kI8);
}

bool supports_convert(const OpNode& n) {
  return n.src.size() == 1 && n.dst.size() == 1 && n.src[0].shape() == n.dst[0].shape() &&
         convertible(n.src[0].dtype(), n.dst[0].dtype());
}

void run_convert(const OpNode& n, DeviceContext& ctx) {
  convert_buffer(n.src[0].data(), n.src[0].dtype(), n.dst[0].data(), n.dst[0].dtype(),
                 n.dst[0].numel(), ctx.stream());
}

}  // namespace

void convert_buffer(const void* src, DType from, void* dst, DType to, int64_t n,
                    cudaStream_t stream) {
  if (n == 0) return;
  convert_kernel<<<blocks_for(n), kThreads, 0, stream>>>(src, dt_code(from), dst, dt_code(to), n);
  LOKA_CUDA_LAUNCHED();
}

Tensor pack_contiguous(const std::shared_ptr<DeviceContext>& ctx, const Tensor& t) {
  Tensor out = device_tensor(ctx, t.dtype(), t.shape());
  const int64_t count = t.numel();
  if (count == 0) return out;
  Layout l{};
  l.ndim = t.ndim();
  for (int d = 0; d < t.ndim(); ++d) {
    l.shape[d] = t.shape()[d];
    l.strides[d] = t.strides()[d];
  }
  const int esize = static_cast<int>(dtype_info(t.dtype()).block_bytes);
  pack_kernel<<<blocks_for(count), kThreads, 0, ctx->stream()>>>(
      static_cast<const char*>(t.data()), static_cast<char*>(out.data()), esize, l, count);
  LOKA_CUDA_LAUNCHED();
  return out;
}

LOKA_REGISTER_CUDA_KERNEL(OpKind::kConvert, supports_convert, run_convert);

}  // namespace loka::cuda
