// Reader for one .safetensors file: validated header, tensors borrowed from the mapping.
//
// Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
// ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}),
// then the data buffer; offsets are relative to the start of that buffer.
//
// Validation follows the reference implementation (safetensors 0.8): the header
// is at most 100,000,000 bytes; every tensor's byte range equals numel × dtype
// bits / 8; the ranges, sorted, tile the data buffer exactly (no overlap, no hole,
// no trailing bytes). On top of that, duplicate keys anywhere in the header are an
// error (JSON parsers usually keep the last one). Every violation throws
// Error(kFormat) naming the file and the tensor/field or byte offset.
//
// Alignment: the reference writer pads the header so that every tensor starts
// at a multiple of its element size, and FileBytes starts on a page (mmap) or on
// kHostAlignment (read path), so tensor() normally borrows the bytes zero-copy.
// When a tensor's address is NOT a multiple of its element size (files from
// writers that do not pad), tensor() returns an owned, aligned COPY instead of
// failing; `SafetensorsTensorInfo::file_offset` lets a caller see it coming.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/mapped_file.h"
#include "core/tensor.h"
#include "formats/safetensors_header.h"

namespace loka {

class SafetensorsFile {
 public:
  /// Opens and validates `path`, mmap'd or read per `opts`. Throws kNotFound/kIo
  /// from FileBytes, kFormat for a malformed file.
  static SafetensorsFile open(const std::string& path, const FileLoadOptions& opts = {});
  /// Parses bytes already in memory (e.g. a decrypted buffer); `keepalive` owns
  /// them and is held by every borrowed tensor; `name` appears in messages.
  static SafetensorsFile from_memory(const uint8_t* data, uint64_t size,
                                     std::shared_ptr<void> keepalive, const std::string& name);

  const std::string& path() const { return name_; }
  /// Tensors ordered by their position in the data buffer.
  const std::vector<SafetensorsTensorInfo>& tensors() const { return tensors_; }
  /// The "__metadata__" map (empty when absent).
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  /// File offset of the data buffer: 8 + header length.
  uint64_t data_offset() const { return data_offset_; }
  /// The underlying file when opened with open(), else null.
  const std::shared_ptr<FileBytes>& file() const { return file_; }

  bool contains(std::string_view name) const { return find(name) != nullptr; }
  /// Null when absent.
  const SafetensorsTensorInfo* find(std::string_view name) const;
  /// Throws Error(kNotFound) naming the tensor and file.
  const SafetensorsTensorInfo& info(std::string_view name) const;
  /// The raw bytes of a tensor, any dtype (F4 and F6 stay packed).
  std::span<const uint8_t> tensor_bytes(std::string_view name) const;
  /// A host tensor over the file's bytes (a copy if misaligned, see above).
  /// Throws kNotFound for an unknown name, kUnsupported for dtypes without a
  /// loka DType (F4, F6_*, F8_E8M0, F8_*FNUZ, C64) or more than kMaxDims dims.
  Tensor tensor(std::string_view name) const;

 private:
  SafetensorsFile() = default;

  std::string name_;
  const uint8_t* data_ = nullptr;
  std::shared_ptr<void> keepalive_;
  std::shared_ptr<FileBytes> file_;
  uint64_t data_offset_ = 0;
  std::vector<SafetensorsTensorInfo> tensors_;
  std::map<std::string, size_t, std::less<>> index_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace loka
