// Loading backend plugins with dlopen.
#include "backend/plugin_loader.h"

#include <dlfcn.h>

namespace loka {

LoadedPlugin load_backend_plugin(const std::string& path) {
  LoadedPlugin out;
  out.status.path = path;
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = ::dlerror();
    out.status.reason = "cannot load " + path + ": " + (err ? err : "unknown dlopen error");
    return out;
  }
  auto entry = reinterpret_cast<loka_backend_plugin_fn>(::dlsym(handle, LOKA_BACKEND_PLUGIN_SYMBOL));
  if (entry == nullptr) {
    out.status.reason = path + " has no " LOKA_BACKEND_PLUGIN_SYMBOL " entry point";
    ::dlclose(handle);
    return out;
  }
  const BackendPlugin* plugin = entry();
  if (plugin == nullptr || plugin->abi_version != kBackendPluginAbiVersion) {
    out.status.reason = path + " was built for backend ABI " +
                        (plugin ? std::to_string(plugin->abi_version) : std::string("?")) +
                        ", this libloka needs " + std::to_string(kBackendPluginAbiVersion);
    ::dlclose(handle);
    return out;
  }
  out.plugin = plugin;
  out.status.available = true;
  return out;
}

std::string libloka_directory() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&libloka_directory), &info) == 0 ||
      info.dli_fname == nullptr) {
    return {};
  }
  std::string p = info.dli_fname;
  const size_t slash = p.rfind('/');
  return slash == std::string::npos ? std::string() : p.substr(0, slash + 1);
}

}  // namespace loka
