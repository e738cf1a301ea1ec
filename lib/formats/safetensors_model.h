// A model's safetensors weights: one file, or shards listed by model.safetensors.index.json.
//
// The index ({"metadata": {...}, "weight_map": {tensor: shard file}}) is
// checked against the shards: every shard is opened once; a tensor the index
// maps to a shard that lacks it, a missing shard file, a tensor present in two
// shards, and a shard path that could leave the folder (absolute, or with a
// ".." component) are errors. Paths are checked lexically, so symlinked shards
// (the Hugging Face cache layout) work. Tensors a shard holds beyond the
// index's list are still reachable.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/safetensors.h"

namespace loka {

class SafetensorsModel {
 public:
  /// `path` is a folder (its model.safetensors.index.json, else its
  /// model.safetensors), an index .json file, or one .safetensors file.
  /// Throws kNotFound (missing file), kIo, or kFormat naming the index/shard.
  static SafetensorsModel open(const std::string& path, const FileLoadOptions& opts = {});
  /// A file of the model folder by its relative name, or nullopt when absent.
  using MemoryFiles = std::function<std::optional<std::span<const uint8_t>>(const std::string& name)>;
  /// A model whose folder is already in memory (e.g. a decrypted container): its index, else
  /// its model.safetensors, as open() reads a folder. `keepalive` owns the bytes; `name`
  /// appears in messages.
  static SafetensorsModel from_memory(const std::string& name, const MemoryFiles& files,
                                      std::shared_ptr<void> keepalive);

  const std::string& path() const { return path_; }
  /// Each file once, in the order first named by the index.
  const std::vector<SafetensorsFile>& shards() const { return shards_; }
  /// The index's "metadata" object (e.g. {"total_size": ...}); null without an index.
  const nlohmann::json& index_metadata() const { return index_metadata_; }

  size_t size() const { return where_.size(); }
  /// All tensor names, sorted.
  std::vector<std::string> tensor_names() const;
  bool contains(std::string_view name) const { return where_.find(name) != where_.end(); }
  /// The shard holding `name`; throws Error(kNotFound).
  const SafetensorsFile& shard_of(std::string_view name) const;
  const SafetensorsTensorInfo& info(std::string_view name) const {
    return shard_of(name).info(name);
  }
  std::span<const uint8_t> tensor_bytes(std::string_view name) const {
    return shard_of(name).tensor_bytes(name);
  }
  /// See SafetensorsFile::tensor.
  Tensor tensor(std::string_view name) const { return shard_of(name).tensor(name); }

 private:
  void open_index(const std::string& index_path, const FileLoadOptions& opts);
  void parse_index(const std::string& index_path, std::string_view text,
                   const std::function<SafetensorsFile(const std::string& shard)>& open_shard);
  void add_shard(SafetensorsFile file);

  std::string path_;
  std::vector<SafetensorsFile> shards_;
  std::map<std::string, size_t, std::less<>> where_;  // tensor -> shard
  nlohmann::json index_metadata_;
};

}  // namespace loka
