// Per-device state shared by the CUDA backend and every tensor it allocated:
// the stream, a memory pool, the cuBLASLt handle and workspace, upload staging
// buffers and the record where kernels report bad input. Tensors hold it
// (through their storage) so it outlives them.
#pragma once

#include <cublasLt.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/tensor.h"

namespace loka::cuda {

/// Written by kernels (in mapped host memory) when they meet input they cannot use,
/// e.g. an embedding id outside the table; checked by the host after each sync.
constexpr int32_t kDeviceErrorEmbeddingId = 1;   // embedding id out of range
constexpr int32_t kDeviceErrorSetRowsIndex = 2;  // set_rows index out of range
constexpr int32_t kDeviceErrorCachePosition = 3;  // fused_matvec: a KV-cache row out of range

struct DeviceErrorRecord {
  int32_t code;    // 0 = none, else a kDeviceError* code
  int32_t value;   // the offending value
  int64_t index;   // its flat position
  int64_t limit;   // the bound it broke
};

class GemmPlanCache;

constexpr size_t kWorkspaceBytes = 32u << 20;  // cuBLASLt workspace (Hopper kernels like 32 MiB)
constexpr int64_t kBlockCounterCount = 4096;   // see DeviceContext::block_counters

class DeviceContext : public std::enable_shared_from_this<DeviceContext> {
 public:
  explicit DeviceContext(int device);
  ~DeviceContext();
  DeviceContext(const DeviceContext&) = delete;
  DeviceContext& operator=(const DeviceContext&) = delete;

  int device() const { return device_; }
  cudaStream_t stream() const { return stream_; }
  cublasLtHandle_t lt() const { return lt_; }
  /// cuBLASLt's workspace, allocated on first use (creating a context allocates nothing big).
  void* workspace();
  static constexpr size_t workspace_bytes() { return kWorkspaceBytes; }
  DeviceErrorRecord* error_record() const { return error_; }
  /// kBlockCounterCount counters in device memory, zero between kernels: for a kernel whose
  /// last block to finish does a final step (it counts its blocks in and leaves the counters
  /// it used at zero again). Kernels on the context's one stream overlap only where one was
  /// launched to overlap the previous one (dependent_launch.cuh), and then not in their use of
  /// device memory.
  unsigned int* block_counters() const { return counters_; }
  const std::string& name() const { return name_; }
  int sm_count() const { return sm_count_; }
  /// The major compute capability (9 on Hopper).
  int compute_major() const { return compute_major_; }

  /// Makes this context's device current on the calling thread.
  void activate() const;
  /// Stream-ordered allocation from the context's pool; throws kOutOfMemory naming the size.
  void* allocate(size_t bytes);
  void release(void* p) noexcept;
  /// A temporary on this device (freed, stream-ordered, when the last view goes).
  Tensor temp(DType dtype, const Shape& shape);
  /// cuBLASLt plans chosen so far, by problem.
  GemmPlanCache& gemm_plans() { return *plans_; }

  /// Waits for the stream, then throws the first error a kernel recorded (and clears it).
  void synchronize();

  /// Host -> device copy of `bytes` through pinned staging buffers: the next chunk is
  /// read from (possibly mmap'd, pageable) host memory while the previous one uploads.
  void upload(void* dst, const void* src, size_t bytes);

 private:
  void check_error_record();

  int device_;
  std::string name_;
  int sm_count_ = 0;
  int compute_major_ = 0;
  cudaStream_t stream_ = nullptr;
  cudaMemPool_t pool_ = nullptr;
  cublasLtHandle_t lt_ = nullptr;
  void* workspace_ = nullptr;
  DeviceErrorRecord* error_ = nullptr;
  unsigned int* counters_ = nullptr;
  std::unique_ptr<GemmPlanCache> plans_;
  std::mutex upload_mu_;
  void* staging_[2] = {nullptr, nullptr};
  cudaEvent_t staged_[2] = {nullptr, nullptr};
};

/// A tensor in `ctx`'s device memory, freed (stream-ordered) when its last view goes.
Tensor device_tensor(const std::shared_ptr<DeviceContext>& ctx, DType dtype, const Shape& shape);

}  // namespace loka::cuda
