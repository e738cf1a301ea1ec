// The entry point libloka looks for in libloka_cuda.so: device enumeration and creation.
#include <cuda_runtime.h>

#include <cstdio>
#include <exception>

#include "backend/plugin_abi.h"
#include "core/error.h"
#include "cuda_backend.h"

namespace {

void write(char* out, size_t len, const char* what) {
  if (out != nullptr && len > 0) std::snprintf(out, len, "%s", what);
}

int device_count(char* err, size_t err_len) {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e == cudaErrorNoDevice || e == cudaErrorInsufficientDriver) {
    cudaGetLastError();
    return 0;  // a machine without a GPU (or driver): no devices, not an error
  }
  if (e != cudaSuccess) {
    write(err, err_len, cudaGetErrorString(e));
    return -1;
  }
  return n;
}

loka::Backend* create(int index, const loka::BackendOptions* opts, char* err, size_t err_len,
                      int* err_code) {
  try {
    return new loka::cuda::CudaBackend(index, opts ? *opts : loka::BackendOptions{});
  } catch (const loka::Error& e) {
    write(err, err_len, e.what());
    if (err_code != nullptr) *err_code = static_cast<int>(e.code());
  } catch (const std::exception& e) {
    write(err, err_len, e.what());
    if (err_code != nullptr) *err_code = static_cast<int>(loka::ErrorCode::kInternal);
  }
  return nullptr;
}

bool describe(int index, char* name, size_t name_len, loka::MemoryInfo* memory) {
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, index) != cudaSuccess) return false;
  write(name, name_len, prop.name);
  if (memory != nullptr) {
    int current = 0;
    size_t free_b = 0, total_b = 0;
    if (cudaGetDevice(&current) == cudaSuccess && cudaSetDevice(index) == cudaSuccess &&
        cudaMemGetInfo(&free_b, &total_b) == cudaSuccess) {
      *memory = {total_b, free_b};
    } else {
      *memory = {prop.totalGlobalMem, 0};
    }
    cudaSetDevice(current);
  }
  return true;
}

const loka::BackendPlugin kPlugin{loka::kBackendPluginAbiVersion, "cuda", device_count, create,
                                  describe};

}  // namespace

extern "C" __attribute__((visibility("default"))) const loka::BackendPlugin* loka_backend_plugin() {
  return &kPlugin;
}
