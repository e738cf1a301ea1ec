// GgufFile against files written by the gguf package's GGUFWriter (tools/make_gguf_fixtures.py):
// every key, value and tensor, through the mmap and the read() path.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/half.h"
#include "formats/gguf_file.h"
#include "formats/test_gguf_util.h"

using namespace loka;
using namespace loka::gguf_test;
using nlohmann::json;

namespace {

void check_scalar(const GgufValue& v, const json& e) {
  switch (v.type()) {
    case GgufType::kUint64: CHECK(v.as_uint() == e.get<uint64_t>()); break;
    case GgufType::kFloat32:
    case GgufType::kFloat64: CHECK(v.as_float() == e.get<double>()); break;
    case GgufType::kBool: CHECK(v.as_bool() == e.get<bool>()); break;
    case GgufType::kString: CHECK(v.as_string() == e.get<std::string>()); break;
    default: CHECK(v.as_int() == e.get<int64_t>()); break;
  }
}

// `e` holds "elem_type" and "value" (a list; nested arrays are objects of the same form).
void check_array(const GgufValue& v, const json& e) {
  REQUIRE(v.is_array());
  CHECK(gguf_type_name(v.elem_type()) == e.at("elem_type").get<std::string>());
  const json& values = e.at("value");
  REQUIRE(v.size() == values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    INFO("element " << i);
    const GgufValue el = v.at(i);
    CHECK(el.type() == v.elem_type());
    if (el.is_array()) {
      check_array(el, values[i]);
    } else {
      check_scalar(el, values[i]);
    }
  }
  // The whole-array conversions agree with the element views.
  const GgufType et = v.elem_type();
  if (et == GgufType::kString) {
    const std::vector<std::string_view> got = v.as_strings();
    CHECK(std::vector<std::string>(got.begin(), got.end()) ==
          values.get<std::vector<std::string>>());
  } else if (et == GgufType::kFloat32 || et == GgufType::kFloat64) {
    CHECK(v.as_floats() == values.get<std::vector<double>>());
  } else if (et == GgufType::kBool) {
    CHECK(v.as_bools() == values.get<std::vector<bool>>());
  } else if (v.at(0).is_integer() && et != GgufType::kUint64) {
    CHECK(v.as_ints() == values.get<std::vector<int64_t>>());
  }
}

void check_metadata(const GgufFile& f, const json& m) {
  const json& keys = m.at("keys");
  REQUIRE(f.num_metadata() == keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const json& e = keys[i];
    const std::string key = e.at("key").get<std::string>();
    INFO("key " << key);
    const GgufValue v = f.metadata(i);
    CHECK(v.key() == key);
    CHECK(gguf_type_name(v.type()) == e.at("type").get<std::string>());
    CHECK(f.get(key).file_offset() == v.file_offset());
    if (v.is_array()) {
      check_array(v, e);
    } else {
      check_scalar(v, e.at("value"));
    }
  }
}

// Values of a tensor of a plain or q8_0 dtype, as float64; q8_0 is dequantized from the
// ggml block layout (an f16 scale, then 32 int8), the way gguf.quants does it in float32.
std::vector<double> tensor_values(const Tensor& t) {
  const int64_t n = t.numel();
  std::vector<double> out(static_cast<size_t>(n));
  const auto* p = static_cast<const uint8_t*>(t.data());
  for (int64_t i = 0; i < n; ++i) {
    double& o = out[static_cast<size_t>(i)];
    switch (t.dtype()) {
      case DType::kF32: o = t.data_as<const float>()[i]; break;
      case DType::kF64: o = t.data_as<const double>()[i]; break;
      case DType::kF16: o = f16_to_f32(t.data_as<const uint16_t>()[i]); break;
      case DType::kBF16: o = bf16_to_f32(t.data_as<const uint16_t>()[i]); break;
      case DType::kI8: o = t.data_as<const int8_t>()[i]; break;
      case DType::kI16: o = t.data_as<const int16_t>()[i]; break;
      case DType::kI32: o = t.data_as<const int32_t>()[i]; break;
      case DType::kI64: o = static_cast<double>(t.data_as<const int64_t>()[i]); break;
      case DType::kQ8_0: {
        const uint8_t* block = p + (i / 32) * 34;
        uint16_t d;
        std::memcpy(&d, block, 2);
        o = f16_to_f32(d) * static_cast<float>(static_cast<int8_t>(block[2 + i % 32]));
        break;
      }
      default: FAIL("no reference conversion for " << dtype_name(t.dtype()));
    }
  }
  return out;
}

void check_tensors(const GgufFile& f, const json& m) {
  const json& tensors = m.at("tensors");
  REQUIRE(f.tensors().size() == tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    const json& e = tensors[i];
    const GgufTensorInfo& info = f.tensors()[i];
    const std::string name = e.at("name").get<std::string>();
    INFO("tensor " << name);
    CHECK(info.name == name);
    CHECK(&f.tensor_info(name) == &info);
    CHECK(ggml_type_name(info.type) == e.at("ggml_type").get<std::string>());
    CHECK(static_cast<uint32_t>(info.type) == e.at("type_id").get<uint32_t>());
    CHECK(info.shape.to_vector() == e.at("shape").get<std::vector<int64_t>>());
    CHECK(info.numel == e.at("n_elements").get<int64_t>());
    CHECK(info.nbytes == e.at("n_bytes").get<uint64_t>());
    CHECK(info.offset == e.at("offset").get<uint64_t>());
    CHECK(info.file_offset == e.at("file_offset").get<uint64_t>());
    CHECK(crc32_of(f.tensor_data(info), info.nbytes) == e.at("crc32").get<uint32_t>());

    const GgmlTypeInfo& ti = *ggml_type_info(info.type);
    if (!ti.dtype) {
      try {
        f.tensor(name);
        FAIL("expected kUnsupported");
      } catch (const Error& err) {
        CHECK(err.code() == ErrorCode::kUnsupported);
        CHECK_THAT(std::string(err.what()),
                   Catch::Contains(name) && Catch::Contains(std::string(ti.name)));
      }
      continue;
    }
    const Tensor t = f.tensor(name);
    CHECK(t.dtype() == *ti.dtype);
    CHECK(t.shape() == info.shape);
    CHECK(t.nbytes() == info.nbytes);
    CHECK(t.storage_kind() == StorageKind::kBorrowed);
    CHECK(t.data() == static_cast<const void*>(f.bytes()->data() + info.file_offset));
    CHECK(t.is_aligned(f.alignment()));
    if (e.contains("values")) {
      CHECK(tensor_values(t) == e.at("values").get<std::vector<double>>());
    }
  }
}

void check_file(const std::string& name, bool use_mmap) {
  const json m = load_json(data_dir() + "/" + name + ".json");
  FileLoadOptions opts;
  opts.use_mmap = use_mmap;
  const GgufFile f = GgufFile::open(data_dir() + "/" + name, opts);
  CHECK(f.bytes()->is_mapped() == use_mmap);
  CHECK(f.bytes()->size() == m.at("file_size").get<uint64_t>());
  CHECK(f.version() == m.at("version").get<uint32_t>());
  CHECK(f.alignment() == m.at("alignment").get<uint64_t>());
  CHECK(f.data_offset() == m.at("data_offset").get<uint64_t>());
  check_metadata(f, m);
  check_tensors(f, m);
}

}  // namespace

TEST_CASE("gguf: files written by GGUFWriter, every key and tensor", "[gguf]") {
  for (const char* name : {"tensors-v3-align64.gguf", "tensors-v2.gguf"}) {
    for (bool use_mmap : {true, false}) {
      INFO(name << (use_mmap ? " (mmap)" : " (read)"));
      check_file(name, use_mmap);
    }
  }
}

TEST_CASE("gguf: typed accessors name the key on a wrong type", "[gguf]") {
  const GgufFile f = GgufFile::open(data_dir() + "/tensors-v3-align64.gguf");
  auto expect_error = [](ErrorCode code, auto&& fn, const std::string& needle) {
    try {
      fn();
      FAIL("expected an error mentioning " << needle);
    } catch (const Error& e) {
      CHECK(e.code() == code);
      CHECK_THAT(std::string(e.what()), Catch::Contains(needle));
    }
  };
  expect_error(
      ErrorCode::kFormat, [&] { f.get_string("test.uint32"); },
      "metadata key 'test.uint32' has type uint32, expected string");
  expect_error(
      ErrorCode::kFormat, [&] { f.get_int("test.string"); }, "'test.string'");
  expect_error(
      ErrorCode::kFormat, [&] { f.get_float("test.int32"); }, "expected a float");
  expect_error(
      ErrorCode::kFormat, [&] { f.get_bool("test.uint8"); }, "'test.uint8'");
  expect_error(
      ErrorCode::kFormat, [&] { f.get_int("test.uint64"); }, "does not fit int64");
  expect_error(
      ErrorCode::kFormat, [&] { f.get_uint("test.int8"); }, "is negative");
  expect_error(
      ErrorCode::kFormat, [&] { f.get_array("test.uint8"); }, "expected array");
  expect_error(
      ErrorCode::kFormat, [&] { f.get_array("test.arr.int32").as_strings(); },
      "has type array of int32, expected array of string");
  expect_error(
      ErrorCode::kFormat, [&] { f.get_array("test.arr.uint64").as_ints(); }, "does not fit int64");
  expect_error(
      ErrorCode::kInvalidArgument, [&] { f.get_array("test.arr.int8").at(3); },
      "index 3 out of range");
  expect_error(
      ErrorCode::kNotFound, [&] { f.get("no.such.key"); }, "'no.such.key' not found");
  expect_error(
      ErrorCode::kNotFound, [&] { f.tensor("no.such.tensor"); }, "no.such.tensor");
  expect_error(
      ErrorCode::kFormat, [&] { f.get_int("test.string", 7); }, "'test.string'");

  CHECK(f.get_uint("test.uint64") == 9223372036854775813ull);
  CHECK(f.get_int("test.uint8") == 200);
  CHECK(f.get_int("absent", -3) == -3);
  CHECK(f.get_uint("absent", 3u) == 3u);
  CHECK(f.get_float("absent", 0.5) == 0.5);
  CHECK(f.get_bool("absent", true));
  CHECK(f.get_string("absent", "x") == "x");
  CHECK(f.get_string("general.architecture", "x") == "loka-test");
  CHECK_FALSE(f.has("absent"));
  CHECK_FALSE(f.find("absent").has_value());
  CHECK(f.get_array("test.arr.uint16").raw_bytes().size() == 4);
  CHECK(f.get_array("test.arr.string").string_at(2) == "\xC3\xBCn\xC3\xAF");
  CHECK(f.get_array("test.arr.nested3").at(0).at(1).as_ints() == std::vector<int64_t>{2, 3});
}

TEST_CASE("gguf: borrowed tensors keep the file bytes alive", "[gguf]") {
  Tensor t;
  std::vector<float> expect;
  {
    const GgufFile f = GgufFile::open(data_dir() + "/tensors-v3-align64.gguf");
    t = f.tensor("t.f32");
    const float* p = t.data_as<const float>();
    expect.assign(p, p + t.numel());
  }
  REQUIRE(t.numel() == 15);
  CHECK(std::vector<float>(t.data_as<const float>(), t.data_as<const float>() + 15) == expect);
}
