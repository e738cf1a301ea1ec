// The element types of the safetensors format and their loka equivalents.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/dtype.h"

namespace loka {

/// Every dtype of the safetensors spec (safetensors 0.8: `Dtype` in
/// safetensors/src/tensor.rs), in the spec's order.
enum class SafetensorsDType : uint8_t {
  kBool,
  kF4,      // float4_e2m1, two per byte (first element in the low nibble)
  kF6E2M3,  // float6_e2m3, four per 3 bytes
  kF6E3M2,  // float6_e3m2, four per 3 bytes
  kU8,
  kI8,
  kF8E5M2,
  kF8E4M3,  // torch float8_e4m3fn
  kF8E8M0,  // float8_e8m0fnu: the MX scale type, exponent only
  kF8E4M3Fnuz,
  kF8E5M2Fnuz,
  kI16,
  kU16,
  kF16,
  kBF16,
  kI32,
  kU32,
  kF32,
  kC64,  // complex64: two f32
  kF64,
  kI64,
  kU64,
  kCount,
};

struct SafetensorsDTypeInfo {
  std::string_view name;      // as written in the header: "BF16", "F8_E4M3", ...
  int bits;                   // bits per element; a tensor's total must be whole bytes
  std::optional<DType> loka;  // nullopt: listed, but Tensor access is kUnsupported
};

const SafetensorsDTypeInfo& safetensors_dtype_info(SafetensorsDType t);
inline std::string_view safetensors_dtype_name(SafetensorsDType t) {
  return safetensors_dtype_info(t).name;
}

/// Parses a header dtype string (case-sensitive, as the spec writes it).
std::optional<SafetensorsDType> safetensors_dtype_from_name(std::string_view name);

/// Bytes taken by `elems` elements, or nullopt when the bit count overflows or
/// is not a whole number of bytes (e.g. 3 F4 values).
std::optional<uint64_t> safetensors_dtype_bytes(SafetensorsDType t, uint64_t elems);

}  // namespace loka
