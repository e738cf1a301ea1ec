// GgufFile accessors: metadata lookup, tensor listing, zero-copy tensors.
#include "formats/gguf_file.h"

#include "core/error.h"
#include "formats/gguf_file_impl.h"

namespace loka {

GgufFile GgufFile::open(const std::string& path, const FileLoadOptions& opts) {
  return parse(FileBytes::open(path, opts));
}

GgufFile GgufFile::parse(std::shared_ptr<FileBytes> bytes) {
  return GgufFile(parse_gguf(std::move(bytes)));
}

const std::string& GgufFile::path() const { return impl_->bytes->path(); }
uint32_t GgufFile::version() const { return impl_->version; }
uint64_t GgufFile::alignment() const { return impl_->alignment; }
uint64_t GgufFile::data_offset() const { return impl_->data_offset; }
const std::shared_ptr<FileBytes>& GgufFile::bytes() const { return impl_->bytes; }

size_t GgufFile::num_metadata() const { return impl_->entries.size(); }

GgufValue GgufFile::metadata(size_t i) const {
  LOKA_CHECK(i < impl_->entries.size(), ErrorCode::kInvalidArgument,
        "metadata index " + std::to_string(i) + " out of range for '" + path() + "' (" +
            std::to_string(impl_->entries.size()) + " entries)");
  const Impl::Entry& e = impl_->entries[i];
  return GgufValue(&impl_->store, e.node, e.key);
}

bool GgufFile::has(std::string_view key) const { return impl_->entry_index.count(key) != 0; }

std::optional<GgufValue> GgufFile::find(std::string_view key) const {
  const auto it = impl_->entry_index.find(key);
  if (it == impl_->entry_index.end()) return std::nullopt;
  return metadata(it->second);
}

GgufValue GgufFile::get(std::string_view key) const {
  std::optional<GgufValue> v = find(key);
  if (!v) {
    throw Error(ErrorCode::kNotFound,
                "metadata key '" + std::string(key) + "' not found in '" + path() + "'");
  }
  return *v;
}

GgufValue GgufFile::get_array(std::string_view key) const {
  GgufValue v = get(key);
  v.elem_type();  // throws kFormat naming the key unless it is an array
  return v;
}

std::string_view GgufFile::get_string(std::string_view key, std::string_view fallback) const {
  const auto v = find(key);
  return v ? v->as_string() : fallback;
}

int64_t GgufFile::get_int(std::string_view key, int64_t fallback) const {
  const auto v = find(key);
  return v ? v->as_int() : fallback;
}

uint64_t GgufFile::get_uint(std::string_view key, uint64_t fallback) const {
  const auto v = find(key);
  return v ? v->as_uint() : fallback;
}

double GgufFile::get_float(std::string_view key, double fallback) const {
  const auto v = find(key);
  return v ? v->as_float() : fallback;
}

bool GgufFile::get_bool(std::string_view key, bool fallback) const {
  const auto v = find(key);
  return v ? v->as_bool() : fallback;
}

const std::vector<GgufTensorInfo>& GgufFile::tensors() const { return impl_->tensors; }

const GgufTensorInfo* GgufFile::find_tensor(std::string_view name) const {
  const auto it = impl_->tensor_index.find(name);
  return it == impl_->tensor_index.end() ? nullptr : &impl_->tensors[it->second];
}

const GgufTensorInfo& GgufFile::tensor_info(std::string_view name) const {
  const GgufTensorInfo* t = find_tensor(name);
  if (t == nullptr) {
    throw Error(ErrorCode::kNotFound,
                "tensor '" + std::string(name) + "' not found in '" + path() + "'");
  }
  return *t;
}

const uint8_t* GgufFile::tensor_data(const GgufTensorInfo& info) const {
  return impl_->bytes->data() + info.file_offset;
}

Tensor GgufFile::tensor(std::string_view name) const { return tensor(tensor_info(name)); }

Tensor GgufFile::tensor(const GgufTensorInfo& info) const {
  const GgmlTypeInfo& ti = *ggml_type_info(info.type);
  if (!ti.dtype) {
    throw Error(ErrorCode::kUnsupported,
                "tensor '" + std::string(info.name) + "' in '" + path() + "' has ggml type " +
                    std::string(ti.name) + ", which loka cannot load yet (its " +
                    std::to_string(info.nbytes) + " raw bytes are available via tensor_data)");
  }
  // Plain types need element alignment; ggml blocks start with f16 scales.
  const uint64_t need = ti.block_elems == 1 ? ti.block_bytes : 2;
  const uint8_t* data = tensor_data(info);
  if (info.nbytes != 0 && reinterpret_cast<uintptr_t>(data) % need != 0) {
    throw Error(ErrorCode::kFormat, path() + ": tensor '" + std::string(info.name) +
                                        "' data at byte offset " +
                                        std::to_string(info.file_offset) + " is not aligned to " +
                                        std::to_string(need) + " bytes");
  }
  return Tensor::borrow(*ti.dtype, info.shape, data, impl_->bytes);
}

}  // namespace loka
