// Element types of tensors: plain scalars now, room for block-quantized types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace loka {

/// Element type. Block-quantized types (Q8_0, Q4_K, ...) store `block_elems`
/// elements in `block_bytes` bytes; plain types have block_elems == 1.
enum class DType : uint8_t {
  kF32,
  kF16,
  kBF16,
  kF64,
  kI8,
  kI16,
  kI32,
  kI64,
  kU8,
  kU16,
  kU32,
  kU64,
  kBool,
  kF8E4M3,
  kF8E5M2,
  kQ8_0,  // ggml: 32 int8 + one f16 scale
  kQ4_K,  // ggml: 256-element super-block
  kCount,
};

struct DTypeInfo {
  std::string_view name;
  int64_t block_elems;  // elements per block (1 for plain types)
  int64_t block_bytes;  // bytes per block
  bool is_float;
};

const DTypeInfo& dtype_info(DType t);
inline std::string_view dtype_name(DType t) { return dtype_info(t).name; }
inline bool is_quantized(DType t) { return dtype_info(t).block_elems > 1; }

/// Bytes needed for `elems` elements, or nullopt if `elems` is not a multiple of
/// the block size or the product overflows.
std::optional<uint64_t> dtype_bytes(DType t, uint64_t elems);

/// Parses a name as printed by dtype_name ("f32", "bf16", ...).
std::optional<DType> dtype_from_name(std::string_view name);

}  // namespace loka
