// Sharded safetensors (model.safetensors.index.json) and single-file model folders.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "formats/safetensors_model.h"
#include "formats/test_safetensors_util.h"

using namespace loka;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kShard1 = "model-00001-of-00002.safetensors";
const std::string kShard2 = "model-00002-of-00002.safetensors";

std::string sharded_dir() { return st_test::data_dir() + "/sharded"; }

// A temp copy of the sharded fixture whose index is replaced by `index`.
void copy_with_index(const st_test::TempDir& dir, const json& index) {
  for (const auto& s : {kShard1, kShard2}) fs::copy_file(sharded_dir() + "/" + s, dir.file(s));
  st_test::write_bytes(dir.file("model.safetensors.index.json"), index.dump());
}

json fixture_index() {
  std::ifstream in(sharded_dir() + "/model.safetensors.index.json");
  return json::parse(in);
}

void expect_error(const std::string& path, ErrorCode code, const std::string& needle) {
  try {
    (void)SafetensorsModel::open(path);
    FAIL("no error, expected '" << needle << "'");
  } catch (const Error& e) {
    INFO("got: " << e.what());
    CHECK(e.code() == code);
    CHECK(std::string(e.what()).find(needle) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("safetensors model: two shards via the index, folder or index path", "[safetensors]") {
  const json m = st_test::manifest()["sharded"];
  for (const std::string& path : {sharded_dir(), sharded_dir() + "/model.safetensors.index.json"}) {
    for (const bool use_mmap : {true, false}) {
      INFO(path << " mmap=" << use_mmap);
      const auto model = SafetensorsModel::open(path, FileLoadOptions{.use_mmap = use_mmap});
      CHECK(model.shards().size() == 2);
      CHECK(model.index_metadata()["total_size"] == m["total_size"]);
      size_t count = 0;
      for (const auto& [shard, want] : m["shards"].items()) {
        for (const auto& [name, w] : want["tensors"].items()) {
          INFO("tensor " << name);
          ++count;
          REQUIRE(model.contains(name));
          CHECK(fs::path(model.shard_of(name).path()).filename() == shard);
          CHECK(safetensors_dtype_name(model.info(name).dtype) == w["dtype"].get<std::string>());
          const std::string bytes = st_test::from_hex(w["hex"]);
          const Tensor t = model.tensor(name);
          CHECK(t.shape().to_vector() == w["shape"].get<std::vector<int64_t>>());
          REQUIRE(t.nbytes() == bytes.size());
          CHECK(std::memcmp(t.data(), bytes.data(), bytes.size()) == 0);
          if (t.dtype() == DType::kF32) {
            CHECK(t.data_as<float>()[1] == w["values"][1].get<double>());
          }
        }
      }
      CHECK(model.size() == count);
      CHECK(model.tensor_names().size() == count);
      CHECK_FALSE(model.contains("model.layers.1.mlp.up_proj.weight"));
    }
  }
}

TEST_CASE("safetensors model: a folder with one model.safetensors, or a file path",
          "[safetensors]") {
  st_test::TempDir dir;
  const std::string src = st_test::data_dir() + "/numpy_dtypes.safetensors";
  fs::copy_file(src, dir.file("model.safetensors"));
  const json want = st_test::manifest()["files"]["numpy_dtypes.safetensors"]["tensors"];
  for (const std::string& path : {dir.path().string(), src}) {
    const auto model = SafetensorsModel::open(path);
    CHECK(model.shards().size() == 1);
    CHECK(model.index_metadata().is_null());
    CHECK(model.size() == want.size());
    CHECK(model.tensor("i32").data_as<int32_t>()[11] == want["i32"]["values"][11].get<int32_t>());
  }
}

TEST_CASE("safetensors model: inconsistent or hostile indexes", "[safetensors]") {
  st_test::TempDir dir;
  const std::string index_path = dir.file("model.safetensors.index.json");
  json index = fixture_index();

  SECTION("a tensor mapped to a shard that lacks it") {
    index["weight_map"]["model.norm.weight"] = kShard1;
    copy_with_index(dir, index);
    expect_error(dir.path().string(), ErrorCode::kFormat,
                 "tensor 'model.norm.weight' is mapped to shard");
  }
  SECTION("a tensor the index names but no shard holds") {
    index["weight_map"]["model.ghost.weight"] = kShard2;
    copy_with_index(dir, index);
    expect_error(index_path, ErrorCode::kFormat, "'model.ghost.weight' is mapped to shard");
  }
  SECTION("a missing shard file") {
    copy_with_index(dir, index);
    fs::remove(dir.file(kShard2));
    expect_error(index_path, ErrorCode::kNotFound, "shard '" + kShard2 + "'");
  }
  SECTION("a tensor present in two shards") {
    // A third shard that also holds model.norm.weight (f64[6]).
    const std::string h = R"({"model.norm.weight":{"dtype":"F64","shape":[6],)"
                          R"("data_offsets":[0,48]},"extra":{"dtype":"U8","shape":[8],)"
                          R"("data_offsets":[48,56]}})";
    copy_with_index(dir, index);
    st_test::write_bytes(dir.file("third.safetensors"), st_test::st_image(h, std::string(56, 'q')));
    index["weight_map"]["extra"] = "third.safetensors";
    st_test::write_bytes(index_path, index.dump());
    expect_error(index_path, ErrorCode::kFormat, "'model.norm.weight' is in two shards");
  }
  SECTION("shard paths that leave the folder") {
    copy_with_index(dir, index);
    for (const std::string& bad :
         {"../" + kShard1, "sub/../../" + kShard1, dir.file(kShard1), std::string()}) {
      index["weight_map"]["model.norm.weight"] = bad;
      st_test::write_bytes(index_path, index.dump());
      expect_error(index_path, ErrorCode::kFormat, "weight_map['model.norm.weight']");
    }
  }
  SECTION("malformed index JSON") {
    copy_with_index(dir, index);
    st_test::write_bytes(index_path, R"({"weight_map":{"a":"x.safetensors","a":"y.safetensors"}})");
    expect_error(index_path, ErrorCode::kFormat, "duplicate key 'a'");
    st_test::write_bytes(index_path, R"({"weight_map":["x"]})");
    expect_error(index_path, ErrorCode::kFormat, "'weight_map' missing or not an object");
    st_test::write_bytes(index_path, R"({"weight_map":{"a":3}})");
    expect_error(index_path, ErrorCode::kFormat, "weight_map['a'] is JSON unsigned integer");
    st_test::write_bytes(index_path, R"({"metadata":"x","weight_map":{}})");
    expect_error(index_path, ErrorCode::kFormat, "'metadata' is JSON string");
    st_test::write_bytes(index_path, "{\"weight_map\": {");
    expect_error(index_path, ErrorCode::kFormat, "invalid JSON");
  }
  SECTION("a folder with no weights") {
    expect_error(dir.path().string(), ErrorCode::kNotFound, "has neither");
  }
  SECTION("a corrupt shard names itself") {
    copy_with_index(dir, index);
    st_test::write_bytes(dir.file(kShard1), "short");
    expect_error(index_path, ErrorCode::kFormat, kShard1 + "' (holding '");
  }
}
