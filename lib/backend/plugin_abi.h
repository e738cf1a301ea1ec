// The entry point a backend plugin library exports (e.g. libloka_cuda.so).
// Plugins are built from the same tree as libloka, so C++ types may cross;
// the ABI version guards against mixing libraries from different builds.
#pragma once

#include <cstddef>
#include <cstdint>

#include "backend/backend.h"

namespace loka {

constexpr uint32_t kBackendPluginAbiVersion = 8;  // 3: Backend::capture; 4: the sample op; 5: pin_host_memory;
                                                // 6: the fused_matvec op; 7: the gcm_open op;
                                                // 8: gcm_open -> open_chunks (+ SM4-CTR/HMAC-SM3)

struct BackendPlugin {
  uint32_t abi_version;  // kBackendPluginAbiVersion of the build that made the plugin
  const char* name;      // "cuda"
  /// Devices present; on failure returns -1 and writes a reason into err.
  int (*device_count)(char* err, size_t err_len);
  /// A backend for device `index`; returns null and writes a reason on failure, and the
  /// ErrorCode of the failure (e.g. kOutOfMemory) into *err_code.
  Backend* (*create)(int index, const BackendOptions* opts, char* err, size_t err_len,
                     int* err_code);
  /// Human-readable device name and memory.
  bool (*describe)(int index, char* name, size_t name_len, MemoryInfo* memory);
};

}  // namespace loka

/// Symbol every plugin exports.
#define LOKA_BACKEND_PLUGIN_SYMBOL "loka_backend_plugin"
extern "C" {
typedef const loka::BackendPlugin* (*loka_backend_plugin_fn)(void);
}
