// Table of ggml tensor types (block sizes as in ggml.c's type_traits).
#include "formats/ggml_types.h"

#include <array>

namespace loka {
namespace {

using T = GgmlType;
constexpr std::optional<DType> kNone = std::nullopt;

constexpr std::array<GgmlTypeInfo, 34> kTypes = {{
    {T::kF32, "f32", 1, 4, DType::kF32},        {T::kF16, "f16", 1, 2, DType::kF16},
    {T::kQ4_0, "q4_0", 32, 18, kNone},          {T::kQ4_1, "q4_1", 32, 20, kNone},
    {T::kQ5_0, "q5_0", 32, 22, kNone},          {T::kQ5_1, "q5_1", 32, 24, kNone},
    {T::kQ8_0, "q8_0", 32, 34, DType::kQ8_0},   {T::kQ8_1, "q8_1", 32, 40, kNone},
    {T::kQ2_K, "q2_k", 256, 84, kNone},         {T::kQ3_K, "q3_k", 256, 110, kNone},
    {T::kQ4_K, "q4_k", 256, 144, DType::kQ4_K}, {T::kQ5_K, "q5_k", 256, 176, kNone},
    {T::kQ6_K, "q6_k", 256, 210, kNone},        {T::kQ8_K, "q8_k", 256, 292, kNone},
    {T::kIQ2_XXS, "iq2_xxs", 256, 66, kNone},   {T::kIQ2_XS, "iq2_xs", 256, 74, kNone},
    {T::kIQ3_XXS, "iq3_xxs", 256, 98, kNone},   {T::kIQ1_S, "iq1_s", 256, 50, kNone},
    {T::kIQ4_NL, "iq4_nl", 32, 18, kNone},      {T::kIQ3_S, "iq3_s", 256, 110, kNone},
    {T::kIQ2_S, "iq2_s", 256, 82, kNone},       {T::kIQ4_XS, "iq4_xs", 256, 136, kNone},
    {T::kI8, "i8", 1, 1, DType::kI8},           {T::kI16, "i16", 1, 2, DType::kI16},
    {T::kI32, "i32", 1, 4, DType::kI32},        {T::kI64, "i64", 1, 8, DType::kI64},
    {T::kF64, "f64", 1, 8, DType::kF64},        {T::kIQ1_M, "iq1_m", 256, 56, kNone},
    {T::kBF16, "bf16", 1, 2, DType::kBF16},     {T::kTQ1_0, "tq1_0", 256, 54, kNone},
    {T::kTQ2_0, "tq2_0", 256, 66, kNone},       {T::kMXFP4, "mxfp4", 32, 17, kNone},
    {T::kNVFP4, "nvfp4", 64, 36, kNone},        {T::kQ1_0, "q1_0", 128, 18, kNone},
}};

// Direct lookup by id; -1 marks removed or unknown ids.
constexpr size_t kMaxId = 41;
constexpr std::array<int8_t, kMaxId + 1> kIndexById = [] {
  std::array<int8_t, kMaxId + 1> idx{};
  for (auto& v : idx) v = -1;
  for (size_t i = 0; i < kTypes.size(); ++i) {
    idx[static_cast<size_t>(kTypes[i].type)] = static_cast<int8_t>(i);
  }
  return idx;
}();

}  // namespace

const GgmlTypeInfo* ggml_type_info(uint32_t id) {
  if (id > kMaxId || kIndexById[id] < 0) return nullptr;
  return &kTypes[static_cast<size_t>(kIndexById[id])];
}

std::string_view ggml_type_name(GgmlType t) {
  const GgmlTypeInfo* info = ggml_type_info(t);
  return info ? info->name : "unknown";
}

std::span<const GgmlTypeInfo> ggml_types() { return kTypes; }

std::optional<uint64_t> ggml_nbytes(GgmlType t, uint64_t elems) {
  const GgmlTypeInfo* info = ggml_type_info(t);
  if (info == nullptr || elems % info->block_elems != 0) return std::nullopt;
  uint64_t out = 0;
  if (__builtin_mul_overflow(elems / info->block_elems, uint64_t{info->block_bytes}, &out)) {
    return std::nullopt;
  }
  return out;
}

}  // namespace loka
