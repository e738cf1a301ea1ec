// safetensors reader against files written by the safetensors PyPI package (see tests/data).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/half.h"
#include "formats/safetensors.h"
#include "formats/test_safetensors_util.h"

using namespace loka;
using nlohmann::json;

namespace {

// Element i of a plain tensor as double; integers go through int64/uint64 separately.
double float_at(const Tensor& t, size_t i) {
  switch (t.dtype()) {
    case DType::kF32: return t.data_as<float>()[i];
    case DType::kF64: return t.data_as<double>()[i];
    case DType::kF16: return f16_to_f32(t.data_as<uint16_t>()[i]);
    case DType::kBF16: return bf16_to_f32(t.data_as<uint16_t>()[i]);
    default: FAIL("not a float dtype"); return 0;
  }
}

int64_t signed_at(const Tensor& t, size_t i) {
  switch (t.dtype()) {
    case DType::kI8: return t.data_as<int8_t>()[i];
    case DType::kI16: return t.data_as<int16_t>()[i];
    case DType::kI32: return t.data_as<int32_t>()[i];
    case DType::kI64: return t.data_as<int64_t>()[i];
    default: FAIL("not a signed dtype"); return 0;
  }
}

uint64_t unsigned_at(const Tensor& t, size_t i) {
  switch (t.dtype()) {
    case DType::kBool:
    case DType::kU8: return t.data_as<uint8_t>()[i];
    case DType::kU16: return t.data_as<uint16_t>()[i];
    case DType::kU32: return t.data_as<uint32_t>()[i];
    case DType::kU64: return t.data_as<uint64_t>()[i];
    default: FAIL("not an unsigned dtype"); return 0;
  }
}

void check_value(const Tensor& t, size_t i, const json& want) {
  const DType dt = t.dtype();
  if (dt == DType::kF32 || dt == DType::kF64 || dt == DType::kF16 || dt == DType::kBF16) {
    const double got = float_at(t, i);
    if (want.is_string()) {
      const std::string s = want.get<std::string>();
      if (s == "nan") CHECK(std::isnan(got));
      if (s == "inf") CHECK(got == INFINITY);
      if (s == "-inf") CHECK(got == -INFINITY);
    } else {
      CHECK(got == want.get<double>());
      CHECK(std::signbit(got) == std::signbit(want.get<double>()));
    }
  } else if (dt == DType::kI8 || dt == DType::kI16 || dt == DType::kI32 || dt == DType::kI64) {
    CHECK(signed_at(t, i) == want.get<int64_t>());
  } else {
    CHECK(unsigned_at(t, i) == want.get<uint64_t>());
  }
}

// Compares every tensor of `file` with its manifest entry `want` ({metadata, tensors}).
void check_file(const SafetensorsFile& file, const json& want) {
  std::map<std::string, std::string> meta = want["metadata"];
  CHECK(file.metadata() == meta);
  REQUIRE(file.tensors().size() == want["tensors"].size());
  for (const auto& [name, w] : want["tensors"].items()) {
    INFO("tensor " << name << " of " << file.path());
    const SafetensorsTensorInfo& info = file.info(name);
    CHECK(safetensors_dtype_name(info.dtype) == w["dtype"].get<std::string>());
    CHECK(info.shape == w["shape"].get<std::vector<int64_t>>());
    const std::string bytes = st_test::from_hex(w["hex"]);
    const auto span = file.tensor_bytes(name);
    REQUIRE(span.size() == bytes.size());
    CHECK(std::memcmp(span.data(), bytes.data(), bytes.size()) == 0);

    const auto loka_dtype = safetensors_dtype_info(info.dtype).loka;
    if (!loka_dtype) {
      REQUIRE_THROWS_MATCHES(file.tensor(name), Error, Catch::Predicate<Error>([](const Error& e) {
                               return e.code() == ErrorCode::kUnsupported;
                             }));
      continue;
    }
    const Tensor t = file.tensor(name);
    CHECK(t.dtype() == *loka_dtype);
    CHECK(t.shape().to_vector() == info.shape);
    // The reference writer aligns every tensor, so access is zero-copy.
    CHECK(t.storage_kind() == StorageKind::kBorrowed);
    CHECK(t.data() == static_cast<const void*>(span.data()));
    const json& values = w["values"];
    REQUIRE(static_cast<size_t>(t.numel()) == values.size());
    // loka has no FP8 decoder yet; the byte comparison above covers these.
    if (t.dtype() == DType::kF8E4M3 || t.dtype() == DType::kF8E5M2) continue;
    for (size_t i = 0; i < values.size(); ++i) check_value(t, i, values[i]);
  }
}

}  // namespace

TEST_CASE("safetensors: files written by the safetensors package, mmap and read paths",
          "[safetensors]") {
  const json m = st_test::manifest();
  for (const bool use_mmap : {true, false}) {
    for (const auto& [file_name, want] : m["files"].items()) {
      INFO(file_name << (use_mmap ? " (mmap)" : " (read)"));
      const auto f = SafetensorsFile::open(st_test::data_dir() + "/" + file_name,
                                           FileLoadOptions{.use_mmap = use_mmap});
      REQUIRE(f.file() != nullptr);
      CHECK(f.file()->is_mapped() == use_mmap);
      check_file(f, want);
    }
  }
}

TEST_CASE("safetensors: dtype table covers the spec with its bit widths", "[safetensors]") {
  const std::vector<std::pair<const char*, int>> spec = {
      {"BOOL", 8},        {"F4", 4},      {"F6_E2M3", 6}, {"F6_E3M2", 6}, {"U8", 8},
      {"I8", 8},          {"F8_E5M2", 8}, {"F8_E4M3", 8}, {"F8_E8M0", 8}, {"F8_E4M3FNUZ", 8},
      {"F8_E5M2FNUZ", 8}, {"I16", 16},    {"U16", 16},    {"F16", 16},    {"BF16", 16},
      {"I32", 32},        {"U32", 32},    {"F32", 32},    {"C64", 64},    {"F64", 64},
      {"I64", 64},        {"U64", 64}};
  REQUIRE(spec.size() == static_cast<size_t>(SafetensorsDType::kCount));
  for (const auto& [name, bits] : spec) {
    const auto t = safetensors_dtype_from_name(name);
    REQUIRE(t.has_value());
    CHECK(safetensors_dtype_info(*t).bits == bits);
    const auto loka = safetensors_dtype_info(*t).loka;
    if (loka) CHECK(dtype_info(*loka).block_bytes * 8 == bits);
  }
  CHECK(safetensors_dtype_info(*safetensors_dtype_from_name("BF16")).loka == DType::kBF16);
  CHECK(safetensors_dtype_info(*safetensors_dtype_from_name("F8_E4M3")).loka == DType::kF8E4M3);
  CHECK_FALSE(safetensors_dtype_from_name("f32").has_value());
  CHECK(safetensors_dtype_bytes(SafetensorsDType::kF4, 6) == 3u);
  CHECK_FALSE(safetensors_dtype_bytes(SafetensorsDType::kF4, 3).has_value());
  CHECK(safetensors_dtype_bytes(SafetensorsDType::kF6E2M3, 4) == 3u);
  CHECK_FALSE(safetensors_dtype_bytes(SafetensorsDType::kF64, uint64_t{1} << 61).has_value());
}

TEST_CASE("safetensors: a borrowed tensor keeps the file alive", "[safetensors]") {
  const json m = st_test::manifest();
  const json& want = m["files"]["numpy_dtypes.safetensors"]["tensors"]["f32.odd"];
  Tensor t;
  {
    const auto f = SafetensorsFile::open(st_test::data_dir() + "/numpy_dtypes.safetensors");
    t = f.tensor("f32.odd");
  }
  // The SafetensorsFile is gone; the mapping must not be (ASan would catch a use after unmap).
  CHECK(t.data_as<float>()[4] == want["values"][4].get<double>());
  CHECK(t.data_as<float>()[t.numel() - 1] == want["values"].back().get<double>());
}

TEST_CASE("safetensors: lookups of absent tensors", "[safetensors]") {
  const auto f = SafetensorsFile::open(st_test::data_dir() + "/numpy_dtypes.safetensors");
  CHECK_FALSE(f.contains("nope"));
  CHECK(f.find("nope") == nullptr);
  REQUIRE_THROWS_MATCHES(f.tensor("nope"), Error, Catch::Predicate<Error>([](const Error& e) {
                           return e.code() == ErrorCode::kNotFound &&
                                  std::string(e.what()).find("'nope'") != std::string::npos;
                         }));
  // Tensors are listed in data-buffer order and tile it.
  uint64_t at = 0;
  for (const auto& t : f.tensors()) {
    CHECK(t.begin == at);
    CHECK(t.file_offset == f.data_offset() + t.begin);
    at = t.end;
  }
  CHECK(f.data_offset() + at == f.file()->size());
}
