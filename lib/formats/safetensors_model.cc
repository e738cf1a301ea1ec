// SafetensorsModel: folder / index / single-file opening and cross-shard lookup.
#include "formats/safetensors_model.h"

#include <filesystem>

#include "core/error.h"
#include "formats/json_util.h"

namespace loka {
namespace fs = std::filesystem;
namespace {

// Lexical check only: a shard must name a file inside the index's folder.
void check_shard_path(const std::string& shard, const std::string& tensor,
                      const std::string& what) {
  const std::string prefix = what + ": weight_map['" + tensor + "'] = '" + shard + "'";
  if (shard.empty()) throw Error(ErrorCode::kFormat, prefix + " is empty");
  if (shard.find('\0') != std::string::npos) {
    throw Error(ErrorCode::kFormat, prefix + " contains a NUL byte");
  }
  if (shard.front() == '/') {
    throw Error(ErrorCode::kFormat, prefix + " is absolute; shards must lie in the index's folder");
  }
  for (const auto& part : fs::path(shard)) {
    if (part == "..") {
      throw Error(ErrorCode::kFormat, prefix + " escapes the index's folder with '..'");
    }
  }
}

std::string read_text(const std::string& path) {
  auto bytes = FileBytes::open(path, FileLoadOptions{.use_mmap = false});
  if (bytes->size() == 0) return {};
  return {reinterpret_cast<const char*>(bytes->data()), static_cast<size_t>(bytes->size())};
}

}  // namespace

SafetensorsModel SafetensorsModel::open(const std::string& path, const FileLoadOptions& opts) {
  SafetensorsModel m;
  m.path_ = path;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    const fs::path dir(path);
    if (fs::exists(dir / "model.safetensors.index.json", ec)) {
      m.open_index((dir / "model.safetensors.index.json").string(), opts);
    } else if (fs::exists(dir / "model.safetensors", ec)) {
      m.add_shard(SafetensorsFile::open((dir / "model.safetensors").string(), opts));
    } else {
      throw Error(ErrorCode::kNotFound, "folder '" + path +
                                            "' has neither model.safetensors.index.json nor "
                                            "model.safetensors");
    }
  } else if (fs::path(path).extension() == ".json") {
    m.open_index(path, opts);
  } else {
    m.add_shard(SafetensorsFile::open(path, opts));
  }
  return m;
}

SafetensorsModel SafetensorsModel::from_memory(const std::string& name, const MemoryFiles& files,
                                               std::shared_ptr<void> keepalive) {
  SafetensorsModel m;
  m.path_ = name;
  const auto open = [&](const std::string& file) {
    const auto bytes = files(file);
    if (!bytes) throw Error(ErrorCode::kNotFound, name + ": no file '" + file + "'");
    return SafetensorsFile::from_memory(bytes->data(), bytes->size(), keepalive, name + ":" + file);
  };
  if (const auto index = files("model.safetensors.index.json")) {
    m.parse_index(name + ":model.safetensors.index.json",
                  std::string_view(reinterpret_cast<const char*>(index->data()), index->size()), open);
  } else if (files("model.safetensors")) {
    m.add_shard(open("model.safetensors"));
  } else {
    throw Error(ErrorCode::kNotFound,
                name + " has neither model.safetensors.index.json nor model.safetensors");
  }
  return m;
}

void SafetensorsModel::open_index(const std::string& index_path, const FileLoadOptions& opts) {
  const fs::path dir = fs::path(index_path).parent_path();
  parse_index(index_path, read_text(index_path), [&](const std::string& shard) {
    return SafetensorsFile::open((dir / shard).string(), opts);
  });
}

void SafetensorsModel::parse_index(const std::string& index_path, std::string_view text,
                                   const std::function<SafetensorsFile(const std::string&)>& open_shard) {
  const std::string what = "safetensors index '" + index_path + "'";
  const nlohmann::json index = parse_json_strict(text, what);
  if (!index.is_object()) {
    throw Error(ErrorCode::kFormat,
                what + ": top level is JSON " + json_type_name(index) + ", not an object");
  }
  if (auto meta = index.find("metadata"); meta != index.end() && !meta->is_null()) {
    if (!meta->is_object()) {
      throw Error(ErrorCode::kFormat,
                  what + ": 'metadata' is JSON " + json_type_name(*meta) + ", not an object");
    }
    index_metadata_ = *meta;
  }
  const auto map = index.find("weight_map");
  if (map == index.end() || !map->is_object()) {
    throw Error(ErrorCode::kFormat, what + ": 'weight_map' missing or not an object");
  }

  std::map<std::string, size_t> shard_ids;               // normalized shard path -> shards_ index
  std::vector<std::pair<std::string, size_t>> expected;  // tensor -> shard, from the index
  for (const auto& [tensor, shard_json] : map->items()) {
    if (!shard_json.is_string()) {
      throw Error(ErrorCode::kFormat, what + ": weight_map['" + tensor + "'] is JSON " +
                                          json_type_name(shard_json) + ", not a string");
    }
    const std::string shard = shard_json.get<std::string>();
    check_shard_path(shard, tensor, what);
    const std::string key = fs::path(shard).lexically_normal().string();
    auto it = shard_ids.find(key);
    if (it == shard_ids.end()) {
      try {
        add_shard(open_shard(key));
      } catch (const Error& e) {
        throw Error(e.code(),
                    what + ": shard '" + shard + "' (holding '" + tensor + "'): " + e.what());
      }
      it = shard_ids.emplace(key, shards_.size() - 1).first;
    }
    expected.emplace_back(tensor, it->second);
  }
  for (const auto& [tensor, shard] : expected) {
    if (!shards_[shard].contains(tensor)) {
      throw Error(ErrorCode::kFormat, what + ": tensor '" + tensor + "' is mapped to shard '" +
                                          shards_[shard].path() + "', which does not hold it");
    }
  }
}

void SafetensorsModel::add_shard(SafetensorsFile file) {
  shards_.push_back(std::move(file));
  const size_t id = shards_.size() - 1;
  for (const auto& t : shards_[id].tensors()) {
    auto [it, inserted] = where_.emplace(t.name, id);
    if (!inserted) {
      throw Error(ErrorCode::kFormat, "safetensors model '" + path_ + "': tensor '" + t.name +
                                          "' is in two shards: '" + shards_[it->second].path() +
                                          "' and '" + shards_[id].path() + "'");
    }
  }
}

std::vector<std::string> SafetensorsModel::tensor_names() const {
  std::vector<std::string> names;
  names.reserve(where_.size());
  for (const auto& [name, shard] : where_) names.push_back(name);
  return names;
}

const SafetensorsFile& SafetensorsModel::shard_of(std::string_view name) const {
  const auto it = where_.find(name);
  if (it == where_.end()) {
    throw Error(ErrorCode::kNotFound,
                "safetensors model '" + path_ + "': no tensor named '" + std::string(name) + "'");
  }
  return shards_[it->second];
}

}  // namespace loka
