// Model test helpers: reference loading and a minimal safetensors writer.
#include "models/model_test_util.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "backend/registry.h"
#include "formats/safetensors.h"
#include "ops/argmax.h"

namespace loka::model_test {

namespace fs = std::filesystem;

std::vector<int32_t> greedy_tokens(Model& m, const std::vector<int32_t>& prompt, size_t count) {
  static const auto cpu = create_backend(Device{}, {.threads = 2});
  const auto argmax_last = [](const Tensor& logits) {
    return ops::argmax(*cpu, logits.slice(0, logits.dim(0) - 1, logits.dim(0))).data_as<int32_t>()[0];
  };
  auto cache = m.new_cache(static_cast<int64_t>(prompt.size() + count));
  std::vector<int32_t> out{argmax_last(m.forward(prompt, *cache))};
  while (out.size() < count) {
    const int32_t t = out.back();
    out.push_back(argmax_last(m.forward({&t, 1}, *cache)));
  }
  return out;
}

std::vector<std::string> fixture_dirs() {
  std::vector<std::string> out;
  const fs::path root = fs::path(LOKA_SOURCE_DIR) / "tests" / "data" / "models";
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.is_directory() && fs::exists(e.path() / "reference.safetensors"))
      out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

std::vector<int32_t> ids_of(const Tensor& t) {
  std::vector<int32_t> out;
  const auto* p = t.data_as<const int64_t>();
  for (int64_t i = 0; i < t.numel(); ++i) out.push_back(static_cast<int32_t>(p[i]));
  return out;
}

const char* st_dtype(DType d) {
  switch (d) {
    case DType::kF32:
      return "F32";
    case DType::kF16:
      return "F16";
    case DType::kBF16:
      return "BF16";
    case DType::kI64:
      return "I64";
    case DType::kI32:
      return "I32";
    default:
      throw std::runtime_error("write_safetensors: unsupported dtype");
  }
}

}  // namespace

Reference load_reference(const std::string& dir) {
  const SafetensorsFile f = SafetensorsFile::open(dir + "/reference.safetensors");
  return {ids_of(f.tensor("input_ids")), ids_of(f.tensor("greedy_ids")),
          f.tensor("logits").contiguous()};
}

double max_abs_diff(const Tensor& got, const Tensor& want) {
  if (got.shape() != want.shape()) return INFINITY;
  const auto* a = got.data_as<const float>();
  const auto* b = want.data_as<const float>();
  double m = 0.0;
  for (int64_t i = 0; i < got.numel(); ++i) {
    const double d = std::abs(static_cast<double>(a[i]) - b[i]);
    if (!(d <= m)) m = d;  // NaN propagates as a failure
  }
  return m;
}

double value_range(const Tensor& t) {
  const auto* p = t.data_as<const float>();
  const auto [lo, hi] = std::minmax_element(p, p + t.numel());
  return static_cast<double>(*hi) - *lo;
}

void write_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors) {
  nlohmann::json header = nlohmann::json::object();
  std::string data;
  for (const auto& [name, t] : tensors) {
    const Tensor c = t.contiguous();
    const size_t begin = data.size();
    data.append(static_cast<const char*>(c.data()), c.nbytes());
    header[name] = {{"dtype", st_dtype(c.dtype())},
                    {"shape", c.shape().to_vector()},
                    {"data_offsets", {begin, data.size()}}};
  }
  std::string h = header.dump();
  while (h.size() % 8 != 0) h += ' ';
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const uint64_t n = h.size();
  out.write(reinterpret_cast<const char*>(&n), 8);  // little-endian machines
  out.write(h.data(), static_cast<std::streamsize>(h.size()));
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::map<std::string, Tensor> read_safetensors(const std::string& path) {
  const SafetensorsFile f = SafetensorsFile::open(path, FileLoadOptions{.use_mmap = false});
  std::map<std::string, Tensor> out;
  for (const auto& info : f.tensors()) out[info.name] = f.tensor(info.name).contiguous();
  return out;
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("loka_models_" + std::to_string(rd()) + "_" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void copy_config(const std::string& src, const std::string& dst) {
  for (const char* name : {"config.json", "generation_config.json"}) {
    if (fs::exists(fs::path(src) / name))
      fs::copy_file(fs::path(src) / name, fs::path(dst) / name,
                    fs::copy_options::overwrite_existing);
  }
}

}  // namespace loka::model_test
