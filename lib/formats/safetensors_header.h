// Parsing and validation of a safetensors header (the bytes before the data buffer).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "formats/safetensors_dtype.h"

namespace loka {

struct SafetensorsTensorInfo {
  std::string name;
  SafetensorsDType dtype = SafetensorsDType::kU8;
  std::vector<int64_t> shape;  // may exceed kMaxDims; Tensor access then says kUnsupported
  uint64_t numel = 1;
  uint64_t begin = 0;        // data_offsets[0], relative to the data buffer
  uint64_t end = 0;          // data_offsets[1]
  uint64_t file_offset = 0;  // absolute offset of the first byte in the file
  uint64_t nbytes() const { return end - begin; }
};

struct SafetensorsHeader {
  std::vector<SafetensorsTensorInfo> tensors;  // sorted by data offset
  std::map<std::string, std::string> metadata;
  uint64_t data_offset = 0;  // 8 + header length
};

/// The reference implementation's limit on the JSON header.
constexpr uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;

/// The header's length field (little-endian, the file's first 8 bytes) without checks.
uint64_t safetensors_header_length(const uint8_t* first8);

/// Parses and validates the header of the `size` bytes at `data` (the whole
/// file) against the rules listed in safetensors.h. `what` starts every
/// message (e.g. "safetensors 'model.safetensors'"). Throws Error(kFormat).
SafetensorsHeader parse_safetensors_header(const uint8_t* data, uint64_t size,
                                           const std::string& what);

}  // namespace loka
