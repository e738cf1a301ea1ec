// Backend registry: the built-in CPU backend and the CUDA plugin.
#include "backend/registry.h"

#include <cstdlib>
#include <mutex>

#include "backend/plugin_loader.h"
#include "core/error.h"
#include "cpu/cpu_backend.h"

namespace loka {
namespace {

constexpr const char* kCudaPluginName = "libloka_cuda.so";

const LoadedPlugin& cuda_plugin() {
  static LoadedPlugin loaded;
  static std::once_flag once;
  std::call_once(once, [] {
    if (const char* env = std::getenv("LOKA_CUDA_BACKEND"); env != nullptr && *env != '\0') {
      loaded = load_backend_plugin(env);
      return;
    }
    const std::string beside = libloka_directory() + kCudaPluginName;
    loaded = load_backend_plugin(beside);
    if (!loaded.status.available) {
      LoadedPlugin from_path = load_backend_plugin(kCudaPluginName);
      if (from_path.status.available) {
        loaded = from_path;
      } else {
        loaded.status.reason = "CUDA backend not available: " + loaded.status.reason +
                               "; also not on the loader path (" + from_path.status.reason + ")";
      }
    }
  });
  return loaded;
}

int cuda_device_count(const BackendPlugin& plugin) {
  char err[512] = {0};
  const int n = plugin.device_count(err, sizeof err);
  if (n < 0) throw Error(ErrorCode::kUnavailable, std::string("CUDA backend: ") + err);
  return n;
}

}  // namespace

PluginStatus cuda_plugin_status() { return cuda_plugin().status; }

std::shared_ptr<Backend> create_backend(const Device& device, const BackendOptions& opts) {
  if (device.is_host()) return std::make_shared<CpuBackend>(opts);
  const LoadedPlugin& loaded = cuda_plugin();
  if (!loaded.status.available) throw Error(ErrorCode::kUnavailable, loaded.status.reason);
  const int count = cuda_device_count(*loaded.plugin);
  LOKA_CHECK(device.index < count, ErrorCode::kNotFound,
        "device " + device.str() + " not found: " + std::to_string(count) + " CUDA device(s)");
  char err[512] = {0};
  int code = static_cast<int>(ErrorCode::kUnavailable);
  Backend* be = loaded.plugin->create(device.index, &opts, err, sizeof err, &code);
  if (be == nullptr) {
    throw Error(static_cast<ErrorCode>(code),
                "cannot create backend for " + device.str() + ": " + err);
  }
  return std::shared_ptr<Backend>(be);
}

std::vector<DeviceDescription> list_devices() {
  std::vector<DeviceDescription> out;
  {
    CpuBackend cpu(BackendOptions{});
    out.push_back({cpu.device(), cpu.description(), cpu.memory_info()});
  }
  const LoadedPlugin& loaded = cuda_plugin();
  if (!loaded.status.available) return out;
  char err[512] = {0};
  const int n = loaded.plugin->device_count(err, sizeof err);
  for (int i = 0; i < n; ++i) {
    DeviceDescription d;
    d.device = {DeviceType::kCuda, i};
    char name[256] = {0};
    if (loaded.plugin->describe(i, name, sizeof name, &d.memory)) d.name = name;
    out.push_back(d);
  }
  return out;
}

}  // namespace loka
