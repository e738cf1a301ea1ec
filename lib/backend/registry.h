// Finding backends: the CPU backend is always there; the CUDA backend is a
// separate shared library loaded on first use.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"

namespace loka {

struct DeviceDescription {
  Device device;
  std::string name;  // "cpu (8 threads, avx2)", "NVIDIA H100 80GB HBM3"
  MemoryInfo memory;
};

/// The result of looking for a backend plugin.
struct PluginStatus {
  bool available = false;
  std::string path;    // the library that was loaded, when available
  std::string reason;  // why not, when unavailable
};

/// Creates the backend for `device`. For CUDA devices this loads the plugin;
/// throws Error(kUnavailable) with the plugin's reason when it cannot, and
/// kNotFound for a device index past the count.
std::shared_ptr<Backend> create_backend(const Device& device, const BackendOptions& opts = {});

/// The CPU and every device the plugins report.
std::vector<DeviceDescription> list_devices();

/// Whether the CUDA plugin can be loaded (searched once, then cached):
/// $LOKA_CUDA_BACKEND if set, else libloka_cuda.so beside libloka, else the
/// dynamic loader's search path.
PluginStatus cuda_plugin_status();

}  // namespace loka
