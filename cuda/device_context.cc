// DeviceContext: stream, memory pool, cuBLASLt handle, staged uploads, kernel error record.
#include "device_context.h"

#include <algorithm>
#include <cstring>

#include "cuda_check.h"
#include "gemm_cublaslt.h"

namespace loka::cuda {
namespace {

// Per upload staging buffer: a host copy into one overlaps the device's read of the other, so
// smaller pieces overlap more of a large upload (64 MiB pieces serialised a 64 MiB window).
constexpr size_t kStagingBytes = 16u << 20;
constexpr size_t kDirectUploadBytes = 1u << 20;

std::string gib(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / (1u << 30));
  return buf;
}

// Whether `p` is page-locked host memory (cudaHostAlloc'd or registered): the DMA engine reads
// it directly.
bool is_pinned(const void* p) {
  cudaPointerAttributes attr{};
  if (cudaPointerGetAttributes(&attr, p) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  return attr.type == cudaMemoryTypeHost;
}

}  // namespace

DeviceContext::DeviceContext(int device) : device_(device) {
  activate();
  cudaDeviceProp prop{};
  LOKA_CUDA(cudaGetDeviceProperties(&prop, device));
  name_ = prop.name;
  sm_count_ = prop.multiProcessorCount;
  compute_major_ = prop.major;
  LOKA_CUDA(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  cudaMemPoolProps props{};
  props.allocType = cudaMemAllocationTypePinned;
  props.handleTypes = cudaMemHandleTypeNone;
  props.location.type = cudaMemLocationTypeDevice;
  props.location.id = device;
  LOKA_CUDA(cudaMemPoolCreate(&pool_, &props));
  // Keep freed blocks for reuse (decode allocates and frees small tensors every step); the
  // pool and everything in it goes back to the driver when the context is destroyed.
  uint64_t keep = UINT64_MAX;
  LOKA_CUDA(cudaMemPoolSetAttribute(pool_, cudaMemPoolAttrReleaseThreshold, &keep));
  LOKA_CUBLAS(cublasLtCreate(&lt_));
  plans_ = std::make_unique<GemmPlanCache>();
  LOKA_CUDA(cudaHostAlloc(reinterpret_cast<void**>(&error_), sizeof(DeviceErrorRecord),
                          cudaHostAllocMapped));
  std::memset(error_, 0, sizeof(DeviceErrorRecord));
  LOKA_CUDA(cudaMalloc(reinterpret_cast<void**>(&counters_), kBlockCounterCount * sizeof(unsigned int)));
  LOKA_CUDA(cudaMemset(counters_, 0, kBlockCounterCount * sizeof(unsigned int)));
}

DeviceContext::~DeviceContext() {
  cudaSetDevice(device_);
  if (stream_) cudaStreamSynchronize(stream_);
  if (workspace_) cudaFreeAsync(workspace_, stream_);
  for (int i = 0; i < 2; ++i) {
    if (staging_[i]) cudaFreeHost(staging_[i]);
    if (staged_[i]) cudaEventDestroy(staged_[i]);
  }
  if (error_) cudaFreeHost(error_);
  if (counters_) cudaFree(counters_);
  plans_.reset();  // its descriptors before the handle
  if (lt_) cublasLtDestroy(lt_);
  if (stream_) cudaStreamDestroy(stream_);
  if (pool_) cudaMemPoolDestroy(pool_);
}

void* DeviceContext::workspace() {
  if (workspace_ == nullptr) {
    workspace_ = allocate(kWorkspaceBytes);
  }
  return workspace_;
}

void DeviceContext::activate() const { LOKA_CUDA(cudaSetDevice(device_)); }

void* DeviceContext::allocate(size_t bytes) {
  void* p = nullptr;
  const cudaError_t err = cudaMallocFromPoolAsync(&p, std::max<size_t>(bytes, 1), pool_, stream_);
  if (err == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // not sticky; clear it
    size_t free_b = 0, total_b = 0;
    cudaMemGetInfo(&free_b, &total_b);
    throw Error(ErrorCode::kOutOfMemory, "cuda:" + std::to_string(device_) + ": cannot allocate " +
                                             gib(bytes) + " (" + gib(free_b) + " free of " +
                                             gib(total_b) + ")");
  }
  LOKA_CUDA(err);
  return p;
}

void DeviceContext::release(void* p) noexcept {
  if (p == nullptr) return;
  cudaSetDevice(device_);
  cudaFreeAsync(p, stream_);
}

void DeviceContext::check_error_record() {
  const DeviceErrorRecord r = *error_;
  if (r.code == 0) return;
  std::memset(error_, 0, sizeof(DeviceErrorRecord));
  if (r.code == kDeviceErrorEmbeddingId) {
    throw Error(ErrorCode::kInvalidArgument,
                "embedding: id " + std::to_string(r.value) + " at ids[" + std::to_string(r.index) +
                    "] is outside the table's range [0, " + std::to_string(r.limit) + ")");
  }
  if (r.code == kDeviceErrorCachePosition) {
    throw Error(ErrorCode::kInvalidArgument,
                "fused_matvec: position " + std::to_string(r.value) + " is outside the KV cache's " +
                    std::to_string(r.limit) + " rows");
  }
  if (r.code == kDeviceErrorSetRowsIndex) {
    throw Error(ErrorCode::kInvalidArgument,
                "set_rows: indices[" + std::to_string(r.index) + "] = " + std::to_string(r.value) +
                    " is outside the table's " + std::to_string(r.limit) + " rows");
  }
  throw Error(ErrorCode::kInternal, "a CUDA kernel reported error " + std::to_string(r.code));
}

void DeviceContext::synchronize() {
  activate();
  LOKA_CUDA(cudaStreamSynchronize(stream_));
  check_error_record();
}

void DeviceContext::upload(void* dst, const void* src, size_t bytes) {
  activate();
  if (bytes >= kDirectUploadBytes && is_pinned(src)) {
    LOKA_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream_));
    LOKA_CUDA(cudaStreamSynchronize(stream_));
    return;
  }
  if (bytes < kDirectUploadBytes) {
    LOKA_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream_));
    return;
  }
  std::lock_guard<std::mutex> lock(upload_mu_);
  for (int i = 0; i < 2; ++i) {
    if (staging_[i] == nullptr) {
      LOKA_CUDA(cudaHostAlloc(&staging_[i], kStagingBytes, cudaHostAllocDefault));
      LOKA_CUDA(cudaEventCreateWithFlags(&staged_[i], cudaEventDisableTiming));
    }
  }
  const char* from = static_cast<const char*>(src);
  char* to = static_cast<char*>(dst);
  for (size_t off = 0, chunk = 0; off < bytes; off += kStagingBytes, ++chunk) {
    const int b = static_cast<int>(chunk % 2);
    const size_t n = std::min(kStagingBytes, bytes - off);
    LOKA_CUDA(cudaEventSynchronize(staged_[b]));  // the copy out of this buffer has finished
    std::memcpy(staging_[b], from + off, n);
    LOKA_CUDA(cudaMemcpyAsync(to + off, staging_[b], n, cudaMemcpyHostToDevice, stream_));
    LOKA_CUDA(cudaEventRecord(staged_[b], stream_));
  }
  LOKA_CUDA(cudaStreamSynchronize(stream_));
}

Tensor DeviceContext::temp(DType dtype, const Shape& shape) {
  return device_tensor(shared_from_this(), dtype, shape);
}

Tensor device_tensor(const std::shared_ptr<DeviceContext>& ctx, DType dtype, const Shape& shape) {
  const size_t bytes = static_cast<size_t>(shape_numel(shape)) * dtype_info(dtype).block_bytes /
                       std::max<size_t>(1, dtype_info(dtype).block_elems);
  void* p = ctx->allocate(bytes);
  std::shared_ptr<void> keep(p, [ctx](void* q) { ctx->release(q); });
  return Tensor::borrow(dtype, shape, p, std::move(keep), Device{DeviceType::kCuda, ctx->device()});
}

}  // namespace loka::cuda
