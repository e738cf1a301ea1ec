// GgufFile: a parsed GGUF v2/v3 file (metadata, tensor infos) over mmap'd or read bytes,
// with tensors borrowed zero-copy from those bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/mapped_file.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "formats/ggml_types.h"
#include "formats/gguf_value.h"

namespace loka {

constexpr uint64_t kGgufDefaultAlignment = 32;
constexpr int kGgufMaxDims = 4;  // GGML_MAX_DIMS

/// One tensor info. `shape` is outermost first, like loka's Shape: GGUF stores
/// ne[0] (the innermost, contiguous extent) first, so shape[ndim-1] == ne[0].
struct GgufTensorInfo {
  std::string_view name;  // points into the file bytes
  GgmlType type = GgmlType::kF32;
  Shape shape;
  int64_t numel = 0;
  uint64_t nbytes = 0;       // from the ggml block size table
  uint64_t offset = 0;       // as stored: relative to the data section
  uint64_t file_offset = 0;  // data_offset() + offset
  uint64_t info_offset = 0;  // where this tensor info starts in the file (for messages)
};

/// A parsed GGUF file. Parsing validates everything (counts, types, dims, alignment,
/// offsets, duplicates, UTF-8 keys) and throws Error(kFormat) naming the file and
/// the byte offset or field. Copies are cheap and share the bytes and the parse.
/// Strings and names returned as string_view point into the file bytes and stay
/// valid while any copy of the GgufFile (or a tensor borrowed from it) lives.
class GgufFile {
 public:
  /// Opens and parses `path` (mmap or read, per `opts`). Throws kNotFound/kIo/kFormat.
  static GgufFile open(const std::string& path, const FileLoadOptions& opts = {});
  /// Parses bytes that are already loaded.
  static GgufFile parse(std::shared_ptr<FileBytes> bytes);

  const std::string& path() const;
  uint32_t version() const;
  uint64_t alignment() const;    // general.alignment, or 32
  uint64_t data_offset() const;  // start of the data section: end of the infos, aligned
  const std::shared_ptr<FileBytes>& bytes() const;

  // --- metadata: keys in file order, lookup by key ---
  size_t num_metadata() const;
  /// The i-th key/value pair in file order; GgufValue::key() is its key.
  GgufValue metadata(size_t i) const;
  bool has(std::string_view key) const;
  std::optional<GgufValue> find(std::string_view key) const;
  /// Throws Error(kNotFound) naming the key and the file.
  GgufValue get(std::string_view key) const;

  // Typed shortcuts: get(key).as_...(); a wrong type is Error(kFormat) naming the key.
  std::string_view get_string(std::string_view key) const { return get(key).as_string(); }
  int64_t get_int(std::string_view key) const { return get(key).as_int(); }
  uint64_t get_uint(std::string_view key) const { return get(key).as_uint(); }
  double get_float(std::string_view key) const { return get(key).as_float(); }
  bool get_bool(std::string_view key) const { return get(key).as_bool(); }
  /// The array value (throws kFormat unless it is an array).
  GgufValue get_array(std::string_view key) const;
  // With a fallback when the key is absent (a present key of the wrong type still throws).
  std::string_view get_string(std::string_view key, std::string_view fallback) const;
  int64_t get_int(std::string_view key, int64_t fallback) const;
  uint64_t get_uint(std::string_view key, uint64_t fallback) const;
  double get_float(std::string_view key, double fallback) const;
  bool get_bool(std::string_view key, bool fallback) const;

  // --- tensors, in file order ---
  const std::vector<GgufTensorInfo>& tensors() const;
  const GgufTensorInfo* find_tensor(std::string_view name) const;
  /// Throws Error(kNotFound) naming the tensor and the file.
  const GgufTensorInfo& tensor_info(std::string_view name) const;
  /// The raw bytes of a tensor of any ggml type (nbytes long).
  const uint8_t* tensor_data(const GgufTensorInfo& info) const;
  /// A Tensor borrowed from the file bytes (no copy; it keeps them alive). Types
  /// without a loka DType (e.g. q6_k) give Error(kUnsupported); data not aligned to
  /// its element size gives Error(kFormat).
  Tensor tensor(std::string_view name) const;
  Tensor tensor(const GgufTensorInfo& info) const;

  struct Impl;

 private:
  explicit GgufFile(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace loka
