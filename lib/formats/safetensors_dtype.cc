// Table of safetensors dtypes: header names, bit widths, loka mapping.
#include "formats/safetensors_dtype.h"

#include <array>

namespace loka {
namespace {

using SD = SafetensorsDType;
constexpr std::array<SafetensorsDTypeInfo, static_cast<size_t>(SD::kCount)> kInfos = {{
    {"BOOL", 8, DType::kBool},
    {"F4", 4, std::nullopt},
    {"F6_E2M3", 6, std::nullopt},
    {"F6_E3M2", 6, std::nullopt},
    {"U8", 8, DType::kU8},
    {"I8", 8, DType::kI8},
    {"F8_E5M2", 8, DType::kF8E5M2},
    {"F8_E4M3", 8, DType::kF8E4M3},
    {"F8_E8M0", 8, std::nullopt},
    {"F8_E4M3FNUZ", 8, std::nullopt},
    {"F8_E5M2FNUZ", 8, std::nullopt},
    {"I16", 16, DType::kI16},
    {"U16", 16, DType::kU16},
    {"F16", 16, DType::kF16},
    {"BF16", 16, DType::kBF16},
    {"I32", 32, DType::kI32},
    {"U32", 32, DType::kU32},
    {"F32", 32, DType::kF32},
    {"C64", 64, std::nullopt},
    {"F64", 64, DType::kF64},
    {"I64", 64, DType::kI64},
    {"U64", 64, DType::kU64},
}};

}  // namespace

const SafetensorsDTypeInfo& safetensors_dtype_info(SafetensorsDType t) {
  return kInfos.at(static_cast<size_t>(t));
}

std::optional<SafetensorsDType> safetensors_dtype_from_name(std::string_view name) {
  for (size_t i = 0; i < kInfos.size(); ++i) {
    if (kInfos[i].name == name) return static_cast<SafetensorsDType>(i);
  }
  return std::nullopt;
}

std::optional<uint64_t> safetensors_dtype_bytes(SafetensorsDType t, uint64_t elems) {
  uint64_t bits = 0;
  if (__builtin_mul_overflow(elems, static_cast<uint64_t>(safetensors_dtype_info(t).bits), &bits)) {
    return std::nullopt;
  }
  if (bits % 8 != 0) return std::nullopt;
  return bits / 8;
}

}  // namespace loka
