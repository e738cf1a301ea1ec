// CudaBackend: memory, copies, and dispatch to the registered kernels.
#include "cuda_backend.h"

#include <algorithm>
#include <cstring>

#include "cuda_check.h"
#include "kernel_registry.h"

namespace loka::cuda {

CudaBackend::CudaBackend(int device, const BackendOptions&)
    : ctx_(std::make_shared<DeviceContext>(device)) {}

CudaBackend::~CudaBackend() {
  try {
    ctx_->synchronize();
  } catch (...) {
    // A kernel error nobody collected: nothing left to report it to.
  }
}

MemoryInfo CudaBackend::memory_info() const {
  ctx_->activate();
  size_t free_b = 0, total_b = 0;
  LOKA_CUDA(cudaMemGetInfo(&free_b, &total_b));
  return {total_b, free_b};
}

Tensor CudaBackend::alloc(DType dtype, const Shape& shape) {
  LOKA_CHECK(!is_quantized(dtype), ErrorCode::kUnsupported,
             "cuda: cannot allocate block-quantized " + std::string(dtype_name(dtype)) +
                 " tensors");
  ctx_->activate();
  return device_tensor(ctx_, dtype, shape);
}

bool CudaBackend::on_this_device(const Tensor& t) const {
  return t.device() == Device{DeviceType::kCuda, ctx_->device()};
}

void CudaBackend::copy(const Tensor& src, const Tensor& dst) { copy_impl(src, dst, true); }
void CudaBackend::copy_async(const Tensor& src, const Tensor& dst) { copy_impl(src, dst, false); }

void CudaBackend::copy_impl(const Tensor& src, const Tensor& dst, bool wait) {
  LOKA_CHECK(src.dtype() == dst.dtype() && src.shape() == dst.shape(),
             ErrorCode::kInvalidArgument,
             "copy between different tensors: " + src.describe() + " -> " + dst.describe());
  for (const Tensor* t : {&src, &dst}) {
    LOKA_CHECK(t->device().is_host() || on_this_device(*t), ErrorCode::kInvalidArgument,
               "cuda:" + std::to_string(ctx_->device()) + " backend cannot reach " + t->describe());
  }
  LOKA_CHECK(dst.is_contiguous(), ErrorCode::kUnsupported,
             "copy into a non-contiguous tensor " + dst.describe());
  ctx_->activate();
  const size_t bytes = dst.nbytes();
  if (bytes == 0) return;
  if (src.device().is_host() && dst.device().is_host()) {
    Tensor packed = src.is_contiguous() ? src : src.contiguous();
    std::memcpy(dst.data(), packed.data(), bytes);
    return;
  }
  if (src.device().is_host()) {
    const Tensor packed = src.is_contiguous() ? src : src.contiguous();
    ctx_->upload(dst.data(), packed.data(), bytes);
    return;
  }
  const Tensor packed = src.is_contiguous() ? src : pack_contiguous(ctx_, src);
  if (dst.device().is_host()) {
    LOKA_CUDA(cudaMemcpyAsync(dst.data(), packed.data(), bytes, cudaMemcpyDeviceToHost,
                              ctx_->stream()));
    ctx_->synchronize();
    return;
  }
  LOKA_CUDA(cudaMemcpyAsync(dst.data(), packed.data(), bytes, cudaMemcpyDeviceToDevice,
                            ctx_->stream()));
  if (wait) ctx_->synchronize();
}

void CudaBackend::synchronize() {
  ctx_->synchronize();
  if (profiler_.enabled()) profiler_.collect();
}

bool CudaBackend::supports_op(const OpNode& node) const {
  for (const Tensor& t : node.dst) {
    if (t.defined() && (!on_this_device(t) || !t.is_contiguous())) return false;
  }
  for (const Tensor& t : node.src) {
    if (t.defined() && !t.device().is_host() && !on_this_device(t)) return false;
    if (t.defined() && is_quantized(t.dtype())) return false;
  }
  const CudaKernel* k = find_cuda_kernel(node.kind);
  if (k == nullptr) return false;
  // Kernels see packed sources; ask about the node as they will see it.
  const bool strided = std::any_of(node.src.begin(), node.src.end(), [](const Tensor& t) {
    return t.defined() && !t.is_contiguous();
  });
  if (!strided) return k->supports(node);
  OpNode packed_view = node;
  for (Tensor& t : packed_view.src) {
    if (t.defined() && !t.is_contiguous()) {
      t = Tensor::borrow(t.dtype(), t.shape(), t.data(), nullptr, t.device());
    }
  }
  return k->supports(packed_view);
}

OpNode CudaBackend::prepared(const OpNode& node) {
  OpNode n = node;
  for (Tensor& t : n.src) {
    if (!t.defined()) continue;
    if (t.device().is_host()) {
      Tensor d = device_tensor(ctx_, t.dtype(), t.shape());
      copy_impl(t, d, false);
      t = d;
    } else if (!t.is_contiguous()) {
      t = pack_contiguous(ctx_, t);
    }
  }
  return n;
}

void CudaBackend::compute(const OpNode& node) {
  if (!supports_op(node)) {
    throw Error(ErrorCode::kUnsupported, "cuda backend does not support " + node.describe());
  }
  ctx_->activate();
  const OpNode ready = prepared(node);
  if (!profiler_.enabled()) {
    find_cuda_kernel(node.kind)->run(ready, *ctx_);
    return;
  }
  profiler_.begin(ctx_->stream());
  find_cuda_kernel(node.kind)->run(ready, *ctx_);
  profiler_.end(node, ctx_->stream());
}

std::shared_ptr<void> CudaBackend::pin_host_memory(void* data, size_t bytes) {
  if (data == nullptr || bytes == 0) return nullptr;
  ctx_->activate();
  if (cudaHostRegister(data, bytes, cudaHostRegisterDefault) != cudaSuccess) {
    cudaGetLastError();  // not sticky: clear it; copies still work through staging
    return nullptr;
  }
  const std::shared_ptr<DeviceContext> ctx = ctx_;
  return std::shared_ptr<void>(data, [ctx](void* p) {
    ctx->activate();
    cudaHostUnregister(p);
  });
}

}  // namespace loka::cuda
