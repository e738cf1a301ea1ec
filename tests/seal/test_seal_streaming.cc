// Streaming decryption (Unsealed::open_streaming): the bytes equal the plaintext, waited-for
// ranges come first, a damaged chunk is an error from the waits, dropping it early is clean;
// on a GPU a sealed model loads while it decrypts and gives the plaintext model's logits.
#include <catch2/catch.hpp>

#include <filesystem>

#include "core/error.h"
#include "models/model.h"
#include "seal/seal_test_util.h"
#include "seal/sealed_file.h"
#include "test_util.h"

using namespace loka;
using namespace loka::seal;
using namespace loka::seal_test;

TEST_CASE("seal: streaming decryption gives the plaintext, waited ranges first", "[seal]") {
  const std::string plain = random_bytes(9 * 65536 + 777, 17);
  for (Suite s : {Suite::kAes256Gcm, Suite::kSm4CtrHmacSm3}) {
    INFO(suite_name(s));
    const std::string path = sealed_copy(plain, s, "stream");
    const Unsealed u = Unsealed::open_streaming(path, key_source(), {.threads = 3});
    REQUIRE(u.files().size() == 1);
    const ManifestEntry& e = u.files()[0];
    const std::string_view text = u.text(e);
    // A range near the end, then one at the start, then everything.
    u.wait(e.offset + 8 * 65536, 1000);
    CHECK(text.substr(8 * 65536, 1000) == std::string_view(plain).substr(8 * 65536, 1000));
    u.wait_bytes(text.data() + 3, 70000);
    CHECK(text.substr(3, 70000) == std::string_view(plain).substr(3, 70000));
    u.prefetch_bytes(text.data() + 5 * 65536, 65536);
    const std::string elsewhere = "not in the payload";
    u.wait_bytes(elsewhere.data(), elsewhere.size());  // returns at once
    double last = 0;
    u.wait_all([&](double f) { last = f; });
    CHECK(text == plain);
    CHECK(last > 0.0);
  }
}

TEST_CASE("seal: on demand, only the chunks asked for are decrypted", "[seal]") {
  const std::string plain = random_bytes(9 * 65536 + 777, 21);
  const std::string path = sealed_copy(plain, Suite::kAes256Gcm, "stream");
  const Unsealed u = Unsealed::open_streaming(path, key_source(), {.threads = 3, .on_demand = true});
  const ManifestEntry& e = u.files().at(0);
  const std::string_view text = u.text(e);
  const uint64_t at = 5 * 65536 - e.offset;  // payload chunk 5, relative to the file
  u.wait_bytes(text.data() + at, 100);
  CHECK(text.substr(at, 100) == std::string_view(plain).substr(at, 100));
  u.prefetch_bytes(text.data() + at + 2 * 65536, 10);
  u.wait_bytes(text.data() + at + 2 * 65536, 10);
  // Chunks 6 and 8 were not asked for: their bytes were never decrypted.
  CHECK(text.substr(at + 65536, 65536) == std::string(65536, '\0'));
  CHECK(text.substr(at + 3 * 65536, 65536) == std::string(65536, '\0'));
  CHECK(u.container().size() == read_header(path).file_size());
  CHECK(u.cipher_key().size() == 32);
  u.wait_all();  // asks for everything
  CHECK(text == plain);
}

TEST_CASE("seal: streaming reports a damaged chunk from its waits", "[seal]") {
  const std::string plain = random_bytes(6 * 65536, 18);
  const std::string good = sealed_copy(plain, Suite::kAes256Gcm, "stream");
  const Header h = read_header(good);
  REQUIRE(h.chunk_count >= 6);
  // Chunk 4 damaged: the error names it, from open_streaming (when a worker met chunk 4
  // before the manifest was in) or from the waits, wait_all always.
  const std::string bad = sealed_copy(plain, Suite::kAes256Gcm, "stream", static_cast<int64_t>(h.chunk_offset(4) + 100));
  for (int attempt = 0; attempt < 5; ++attempt) {
    try {
      const Unsealed u = Unsealed::open_streaming(bad, key_source(), {.threads = 2});
      CHECK_THROWS_WITH(u.wait_all(), Catch::Contains("chunk 4"));
      CHECK_THROWS_WITH(u.wait(u.files()[0].offset + 4 * 65536, 10), Catch::Contains("chunk 4"));
    } catch (const Error& err) {
      CHECK(err.code() == ErrorCode::kIntegrity);
      CHECK_THAT(err.what(), Catch::Contains("chunk 4"));
    }
  }
  // The manifest's chunk damaged: open_streaming itself fails.
  const std::string bad0 = sealed_copy(plain, Suite::kAes256Gcm, "stream", static_cast<int64_t>(h.chunk_offset(0) + 5));
  CHECK_THROWS_WITH(Unsealed::open_streaming(bad0, key_source(), {.threads = 2}), Catch::Contains("chunk 0"));
}

TEST_CASE("seal: a streaming decryption dropped early stops cleanly", "[seal]") {
  const std::string path = sealed_copy(random_bytes(40 * 65536, 19), Suite::kSm4CtrHmacSm3, "stream");
  for (int i = 0; i < 5; ++i) {
    const Unsealed u = Unsealed::open_streaming(path, key_source(), {.threads = 4});
    CHECK(u.files().size() == 1);
  }  // destroyed while chunks are still decrypting
}

TEST_CASE("seal: a sealed model loads on the GPU while it decrypts", "[seal][cuda]") {
  SKIP_WITHOUT_CUDA();
  const std::string dir = test::source_data_dir() + "/models/llama3";
  REQUIRE(std::filesystem::exists(dir + "/config.json"));
  const std::vector<int32_t> ids{1, 5, 9, 42, 7, 100, 3};
  auto logits = [&](Model& m) {
    auto cache = m.new_cache(16);
    const Tensor t = m.forward(ids, *cache, true);
    return std::vector<float>(t.data_as<float>(), t.data_as<float>() + t.numel());
  };
  auto plain = Model::load(dir, {.device = "cuda:0"});
  // Both suites: the weights are opened on the GPU (the host decrypts only what it reads).
  for (Suite suite : {Suite::kAes256Gcm, Suite::kSm4CtrHmacSm3}) {
    INFO(suite_name(suite));
    const std::string out = test::temp_path("llama3_gpu.lks");
    seal_small(dir, out, suite);
    ModelLoadOptions o;
    o.device = "cuda:0";
    o.key = key_source();
    auto sealed = Model::load(out, o);
    CHECK(logits(*sealed) == logits(*plain));  // the same bytes uploaded: identical logits
    // A flipped bit in a weight chunk in the middle, and in the last chunk: an integrity
    // error naming it, no model.
    const Header h = read_header(out);
    const std::string original = read_file(out);
    for (uint64_t bad : {h.chunk_count / 2, h.chunk_count - 1}) {
      std::string bytes = original;
      bytes[h.chunk_offset(bad) + 1] ^= 0x01;
      test::write_file(out, bytes);
      try {
        Model::load(out, o);
        FAIL("loaded a damaged sealed model");
      } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::kIntegrity);
        CHECK_THAT(e.what(), Catch::Contains("chunk " + std::to_string(bad) + " of"));
      }
    }
  }
}
