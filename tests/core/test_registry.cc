// Backend registry and plugin loading: CPU always present, CUDA plugin
// loaded or refused with a clear reason, plugin ABI checks.
#include <catch2/catch.hpp>

#include "backend/plugin_loader.h"
#include "backend/registry.h"
#include "core/error.h"

using namespace loka;

namespace {
std::string plugin_path(const char* name) {
  return std::string(LOKA_BINARY_DIR) + "/tests/lib" + name + ".so";
}
}  // namespace

TEST_CASE("the CPU backend is always listed and created", "[core][registry]") {
  auto devices = list_devices();
  REQUIRE_FALSE(devices.empty());
  CHECK(devices[0].device.is_host());
  CHECK(devices[0].memory.total_bytes > 0);
  auto be = create_backend(parse_device("cpu"), {.threads = 2});
  CHECK(be->name() == "cpu");
  Tensor t = be->alloc(DType::kF32, {3});
  CHECK(t.is_aligned(kHostAlignment));
}

TEST_CASE("a CUDA device without the plugin is a clear unavailable error", "[core][registry]") {
  const PluginStatus st = cuda_plugin_status();
  if (st.available) {
    WARN("CUDA plugin present at " << st.path << "; the unavailable path is not exercised here");
    return;
  }
  CHECK_THAT(st.reason, Catch::Contains("CUDA backend not available"));
  try {
    create_backend(parse_device("cuda:0"));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kUnavailable);
    CHECK_THAT(e.what(), Catch::Contains("libloka_cuda.so"));
  }
}

TEST_CASE("device names parse", "[core][registry]") {
  CHECK(parse_device("cuda:3").index == 3);
  CHECK(parse_device("cuda").type == DeviceType::kCuda);
  CHECK_THROWS_WITH(parse_device("cuda:x"), Catch::Contains("unknown device 'cuda:x'"));
  CHECK_THROWS_WITH(parse_device("tpu"), Catch::Contains("unknown device"));
}

TEST_CASE("a plugin library loads and creates backends", "[core][registry]") {
  LoadedPlugin p = load_backend_plugin(plugin_path("loka_fake_plugin"));
  REQUIRE(p.status.available);
  REQUIRE(p.plugin != nullptr);
  char err[128] = {0};
  CHECK(p.plugin->device_count(err, sizeof err) == 2);
  BackendOptions opts;
  int code = -1;
  std::unique_ptr<Backend> be(p.plugin->create(0, &opts, err, sizeof err, &code));
  REQUIRE(be != nullptr);
  CHECK(be->name() == "cpu");
  CHECK(p.plugin->create(1, &opts, err, sizeof err, &code) == nullptr);
  CHECK(std::string(err) == "fake device 1 is busy");
  CHECK(code == static_cast<int>(ErrorCode::kUnavailable));
}

TEST_CASE("plugins with the wrong ABI or no entry point are refused", "[core][registry]") {
  LoadedPlugin bad_abi = load_backend_plugin(plugin_path("loka_bad_abi_plugin"));
  CHECK_FALSE(bad_abi.status.available);
  CHECK_THAT(bad_abi.status.reason, Catch::Contains("backend ABI 99"));

  LoadedPlugin no_entry = load_backend_plugin(plugin_path("loka_no_entry_plugin"));
  CHECK_FALSE(no_entry.status.available);
  CHECK_THAT(no_entry.status.reason, Catch::Contains("no loka_backend_plugin entry point"));

  LoadedPlugin missing = load_backend_plugin("/nonexistent/libloka_cuda.so");
  CHECK_FALSE(missing.status.available);
  CHECK_THAT(missing.status.reason, Catch::Contains("cannot load /nonexistent/libloka_cuda.so"));
}
