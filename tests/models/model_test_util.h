// Helpers for the model tests: fixture folders, reference outputs, error measures, safetensors
// writing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "models/model.h"

namespace loka::model_test {

/// Every folder under tests/data/models holding a reference.safetensors, sorted.
std::vector<std::string> fixture_dirs();

/// The outputs of transformers saved by tools/make_model_fixtures.py.
struct Reference {
  std::vector<int32_t> input_ids;
  std::vector<int32_t> greedy_ids;
  Tensor logits;  // f32 [T, V]
};
Reference load_reference(const std::string& dir);

/// `count` tokens by greedy decoding after `prompt` (argmax of the last row, on the CPU).
std::vector<int32_t> greedy_tokens(Model& m, const std::vector<int32_t>& prompt, size_t count);

/// max |got - want| over all elements, and max(want) - min(want); both f32 [T, V].
double max_abs_diff(const Tensor& got, const Tensor& want);
double value_range(const Tensor& t);

/// Writes tensors (host, contiguous; f32/f16/bf16/i64/i32) as one .safetensors file.
void write_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors);

/// All tensors of a safetensors file as owned host copies.
std::map<std::string, Tensor> read_safetensors(const std::string& path);

/// A fresh folder under the system temp dir, removed with its contents at scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

/// Copies config.json (+ generation_config.json) of `src` into `dst`.
void copy_config(const std::string& src, const std::string& dst);

}  // namespace loka::model_test
