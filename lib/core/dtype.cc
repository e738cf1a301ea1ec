// Table of element types.
#include "core/dtype.h"

#include <array>

namespace loka {
namespace {

constexpr std::array<DTypeInfo, static_cast<size_t>(DType::kCount)> kInfos = {{
    {"f32", 1, 4, true},
    {"f16", 1, 2, true},
    {"bf16", 1, 2, true},
    {"f64", 1, 8, true},
    {"i8", 1, 1, false},
    {"i16", 1, 2, false},
    {"i32", 1, 4, false},
    {"i64", 1, 8, false},
    {"u8", 1, 1, false},
    {"u16", 1, 2, false},
    {"u32", 1, 4, false},
    {"u64", 1, 8, false},
    {"bool", 1, 1, false},
    {"f8_e4m3", 1, 1, true},
    {"f8_e5m2", 1, 1, true},
    {"q8_0", 32, 34, true},
    {"q4_k", 256, 144, true},
}};

}  // namespace

const DTypeInfo& dtype_info(DType t) { return kInfos.at(static_cast<size_t>(t)); }

std::optional<uint64_t> dtype_bytes(DType t, uint64_t elems) {
  const DTypeInfo& info = dtype_info(t);
  const uint64_t be = static_cast<uint64_t>(info.block_elems);
  if (elems % be != 0) return std::nullopt;
  uint64_t out = 0;
  if (__builtin_mul_overflow(elems / be, static_cast<uint64_t>(info.block_bytes), &out)) {
    return std::nullopt;
  }
  return out;
}

std::optional<DType> dtype_from_name(std::string_view name) {
  for (size_t i = 0; i < kInfos.size(); ++i) {
    if (kInfos[i].name == name) return static_cast<DType>(i);
  }
  return std::nullopt;
}

}  // namespace loka
