// A backend plugin for tests of the loading path: reports two "devices" and
// creates a backend that lives in host memory. FAKE_ABI_VERSION overrides the
// ABI version it claims, to test the mismatch check.
#include <cstdio>

#include "backend/plugin_abi.h"
#include "core/error.h"
#include "cpu/cpu_backend.h"

#ifndef FAKE_ABI_VERSION
#define FAKE_ABI_VERSION loka::kBackendPluginAbiVersion
#endif

namespace {

int device_count(char*, size_t) { return 2; }

loka::Backend* create(int index, const loka::BackendOptions* opts, char* err, size_t err_len,
                      int* err_code) {
  if (index != 0) {
    *err_code = static_cast<int>(loka::ErrorCode::kUnavailable);
    std::snprintf(err, err_len, "fake device %d is busy", index);
    return nullptr;
  }
  return new loka::CpuBackend(*opts);
}

bool describe(int index, char* name, size_t name_len, loka::MemoryInfo* memory) {
  std::snprintf(name, name_len, "fake device %d", index);
  *memory = {1u << 20, 1u << 19};
  return true;
}

const loka::BackendPlugin kPlugin{FAKE_ABI_VERSION, "fake", device_count, create, describe};

}  // namespace

extern "C" __attribute__((visibility("default"))) const loka::BackendPlugin* loka_backend_plugin() {
  return &kPlugin;
}
