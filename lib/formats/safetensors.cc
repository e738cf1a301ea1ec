// SafetensorsFile: opening, lookup and Tensor access over a validated header.
#include "formats/safetensors.h"

#include <cstring>

#include "core/error.h"

namespace loka {

SafetensorsFile SafetensorsFile::open(const std::string& path, const FileLoadOptions& opts) {
  std::shared_ptr<FileBytes> bytes = FileBytes::open(path, opts);
  SafetensorsFile f = from_memory(bytes->data(), bytes->size(), bytes, path);
  f.file_ = std::move(bytes);
  return f;
}

SafetensorsFile SafetensorsFile::from_memory(const uint8_t* data, uint64_t size,
                                             std::shared_ptr<void> keepalive,
                                             const std::string& name) {
  SafetensorsFile f;
  f.name_ = name;
  f.data_ = data;
  f.keepalive_ = std::move(keepalive);
  SafetensorsHeader h = parse_safetensors_header(data, size, "safetensors '" + name + "'");
  f.data_offset_ = h.data_offset;
  f.tensors_ = std::move(h.tensors);
  f.metadata_ = std::move(h.metadata);
  for (size_t i = 0; i < f.tensors_.size(); ++i) f.index_.emplace(f.tensors_[i].name, i);
  return f;
}

const SafetensorsTensorInfo* SafetensorsFile::find(std::string_view name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

const SafetensorsTensorInfo& SafetensorsFile::info(std::string_view name) const {
  const SafetensorsTensorInfo* t = find(name);
  if (t == nullptr) {
    throw Error(ErrorCode::kNotFound,
                "safetensors '" + name_ + "': no tensor named '" + std::string(name) + "'");
  }
  return *t;
}

std::span<const uint8_t> SafetensorsFile::tensor_bytes(std::string_view name) const {
  const SafetensorsTensorInfo& t = info(name);
  return {data_ + t.file_offset, static_cast<size_t>(t.nbytes())};
}

Tensor SafetensorsFile::tensor(std::string_view name) const {
  const SafetensorsTensorInfo& t = info(name);
  const std::string where = "safetensors '" + name_ + "': tensor '" + t.name + "'";
  const auto dtype = safetensors_dtype_info(t.dtype).loka;
  if (!dtype) {
    throw Error(ErrorCode::kUnsupported,
                where + " has dtype " + std::string(safetensors_dtype_name(t.dtype)) +
                    ", which loka cannot hold in a Tensor yet (tensor_bytes() gives the bytes)");
  }
  if (t.shape.size() > static_cast<size_t>(kMaxDims)) {
    throw Error(ErrorCode::kUnsupported, where + " has " + std::to_string(t.shape.size()) +
                                             " dimensions; loka tensors have at most " +
                                             std::to_string(kMaxDims));
  }
  const Shape shape(t.shape);
  const uint8_t* p = data_ + t.file_offset;
  const auto align = static_cast<uintptr_t>(dtype_info(*dtype).block_bytes);
  if (reinterpret_cast<uintptr_t>(p) % align == 0)
    return Tensor::borrow(*dtype, shape, p, keepalive_);
  Tensor copy = Tensor::empty(*dtype, shape);
  if (t.nbytes() > 0) std::memcpy(copy.data(), p, t.nbytes());
  return copy;
}

}  // namespace loka
