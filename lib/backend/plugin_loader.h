// dlopen of backend plugin libraries and validation of their entry point.
#pragma once

#include <string>

#include "backend/plugin_abi.h"
#include "backend/registry.h"

namespace loka {

struct LoadedPlugin {
  const BackendPlugin* plugin = nullptr;  // null when unavailable
  PluginStatus status;
};

/// Loads one library and checks its entry point and ABI version. The library
/// stays loaded for the life of the process. Never throws.
LoadedPlugin load_backend_plugin(const std::string& path);

/// The folder holding the libloka shared object, with a trailing '/'
/// (empty when it cannot be found).
std::string libloka_directory();

}  // namespace loka
