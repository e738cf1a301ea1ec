// The ggml tensor types that GGUF files use: ids, names, block sizes, loka DType mapping.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/dtype.h"

namespace loka {

/// ggml_type ids as stored in GGUF tensor infos. Gaps (4, 5, 31-33, 36-38) are
/// types that ggml removed; files using them are rejected as unknown.
enum class GgmlType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ8_1 = 9,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kIQ2_XXS = 16,
  kIQ2_XS = 17,
  kIQ3_XXS = 18,
  kIQ1_S = 19,
  kIQ4_NL = 20,
  kIQ3_S = 21,
  kIQ2_S = 22,
  kIQ4_XS = 23,
  kI8 = 24,
  kI16 = 25,
  kI32 = 26,
  kI64 = 27,
  kF64 = 28,
  kIQ1_M = 29,
  kBF16 = 30,
  kTQ1_0 = 34,
  kTQ2_0 = 35,
  kMXFP4 = 39,
  kNVFP4 = 40,
  kQ1_0 = 41,
};

struct GgmlTypeInfo {
  GgmlType type;
  std::string_view name;       // ggml's lower-case name: "q4_k", "bf16"
  uint32_t block_elems;        // elements per block (1 for plain types)
  uint32_t block_bytes;        // bytes per block
  std::optional<DType> dtype;  // the loka DType with the same layout, if any
};

/// Info for a raw id read from a file, or nullptr for an unknown or removed id.
const GgmlTypeInfo* ggml_type_info(uint32_t id);
inline const GgmlTypeInfo* ggml_type_info(GgmlType t) {
  return ggml_type_info(static_cast<uint32_t>(t));
}
/// Name of a known type, or "unknown".
std::string_view ggml_type_name(GgmlType t);
/// Every known type, in id order (for listings and tests).
std::span<const GgmlTypeInfo> ggml_types();

/// Bytes of `elems` elements, or nullopt when `elems` is not a whole number of
/// blocks or the size overflows uint64.
std::optional<uint64_t> ggml_nbytes(GgmlType t, uint64_t elems);

}  // namespace loka
