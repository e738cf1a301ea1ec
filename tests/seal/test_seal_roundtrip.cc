// Sealed containers: round trips for both suites and every key source; wrong keys fail first.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <functional>

#include "core/error.h"
#include "seal/seal_test_util.h"
#include "seal/sealed_file.h"
#include "test_util.h"

using namespace loka;
using namespace loka::seal;
using namespace loka::seal_test;

namespace {

const Suite kSuites[] = {Suite::kAes256Gcm, Suite::kSm4CtrHmacSm3};

ErrorCode code_of(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  FAIL("no error thrown");
  return ErrorCode::kInternal;
}

}  // namespace

TEST_CASE("seal: round trip of a multi-chunk file, both suites", "[seal]") {
  const std::string plain = random_bytes(5 * 65536 + 1234, 7);
  const std::string in = test::temp_path("rt_plain.bin");
  test::write_file(in, plain);
  for (Suite s : kSuites) {
    INFO(suite_name(s));
    const std::string out = test::temp_path("rt.lks");
    seal_small(in, out, s);
    const Header h = read_header(out);
    CHECK(h.suite == s);
    CHECK(h.chunk_log2 == 16);
    CHECK(h.chunk_count == (h.payload_size + 65535) / 65536);
    CHECK(h.chunk_count >= 6);
    CHECK(read_file(out).size() == h.file_size());
    // Nothing of the plaintext or its name is in the container.
    const std::string sealed = read_file(out);
    CHECK(sealed.find(plain.substr(1000, 64)) == std::string::npos);
    CHECK(sealed.find("rt_plain") == std::string::npos);

    const Unsealed u = Unsealed::open(out, key_source(), {.threads = 2});
    REQUIRE(u.files().size() == 1);
    CHECK(u.files()[0].name == "rt_plain.bin");
    CHECK(u.text(u.files()[0]) == plain);

    const std::string back = test::temp_path("rt_back.bin");
    const auto written = unseal_model(out, back, key_source(), 1);
    CHECK(written == std::vector<std::string>{back});
    CHECK(read_file(back) == plain);
  }
}

TEST_CASE("seal: a folder becomes one container with an encrypted manifest", "[seal]") {
  const std::string dir = test::temp_path("rt_folder");
  std::filesystem::create_directories(dir);
  test::write_file(dir + "/config.json", "{\"secret_model_name\": 1}");
  test::write_file(dir + "/model.safetensors", random_bytes(70000, 3));
  test::write_file(dir + "/tokenizer.json", random_bytes(100, 4));
  test::write_file(dir + "/notes.md", "not sealed");
  const auto files = files_to_seal(dir);
  CHECK(files.size() == 3);
  for (Suite s : kSuites) {
    const std::string out = test::temp_path("rt_folder.lks");
    seal_small(dir, out, s);
    const std::string sealed = read_file(out);
    CHECK(sealed.find("config.json") == std::string::npos);
    CHECK(sealed.find("secret_model_name") == std::string::npos);
    const Unsealed u = Unsealed::open(out, key_source());
    REQUIRE(u.files().size() == 3);
    for (const auto& e : u.files()) {
      CHECK(e.offset % kFileAlignment == 0);
      CHECK(u.text(e) == read_file(dir + "/" + e.name));
    }
    const std::string back = test::temp_path("rt_folder_back");
    unseal_model(out, back, key_source(), 2);
    CHECK(read_file(back + "/model.safetensors") == read_file(dir + "/model.safetensors"));
  }
}

TEST_CASE("seal: key sources (key file raw/hex, env, passphrase scrypt/PBKDF2, callback)", "[seal]") {
  const std::string in = test::temp_path("ks_plain.bin");
  test::write_file(in, random_bytes(100000, 9));
  const std::string out = test::temp_path("ks.lks");
  const auto key = test_key(5);
  const std::string raw_file = test::temp_path("ks_raw.key"), hex_file = test::temp_path("ks_hex.key");
  test::write_file(raw_file, std::string(key.begin(), key.end()));
  std::string hex;
  for (uint8_t b : key) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", b);
    hex += buf;
  }
  test::write_file(hex_file, hex + "\n");
  ::setenv("LOKA_TEST_SEAL_KEY", hex.c_str(), 1);

  for (Suite s : kSuites) {
    INFO(suite_name(s));
    seal_small(in, out, s, KeySource::file(raw_file));
    CHECK_NOTHROW(Unsealed::open(out, KeySource::file(hex_file)));
    CHECK_NOTHROW(Unsealed::open(out, KeySource::env("LOKA_TEST_SEAL_KEY")));
    std::string asked;
    CHECK_NOTHROW(Unsealed::open(out, KeySource::callback([&](const std::string& id, std::span<uint8_t> k) {
                                   asked = id;
                                   std::copy(key.begin(), key.end(), k.begin());
                                   return true;
                                 })));
    CHECK(code_of([&] { Unsealed::open(out, KeySource::passphrase("x")); }) == ErrorCode::kKey);

    SealOptions o;
    o.suite = s;
    o.chunk_log2 = 16;
    o.key_id = "kms/alias/model-7";
    o.kdf_p1 = 10;
    seal_model(in, out, KeySource::passphrase("correct horse"), o);
    CHECK(read_header(out).kdf == Kdf::kScrypt);
    CHECK(read_header(out).key_id == "kms/alias/model-7");
    CHECK_NOTHROW(Unsealed::open(out, KeySource::passphrase("correct horse")));
    std::string msg;
    CHECK(code_of([&] { Unsealed::open(out, KeySource::passphrase("correct horsf")); }, &msg) == ErrorCode::kKey);
    CHECK(msg.find("wrong key") != std::string::npos);
    CHECK(msg.find("kms/alias/model-7") != std::string::npos);
    CHECK(msg.find("horse") == std::string::npos);  // never the secret
    CHECK(code_of([&] { Unsealed::open(out, KeySource::file(raw_file)); }) == ErrorCode::kKey);

    o.kdf = Kdf::kPbkdf2Sha256;
    o.kdf_p1 = 1000;
    seal_model(in, out, KeySource::passphrase("pw"), o);
    CHECK(read_header(out).kdf == Kdf::kPbkdf2Sha256);
    CHECK_NOTHROW(Unsealed::open(out, KeySource::passphrase("pw")));
    CHECK(code_of([&] { Unsealed::open(out, KeySource::passphrase("pW")); }) == ErrorCode::kKey);
  }
  ::unsetenv("LOKA_TEST_SEAL_KEY");
}

TEST_CASE("seal: wrong or missing keys are key errors", "[seal]") {
  const std::string in = test::temp_path("wk_plain.bin");
  test::write_file(in, random_bytes(200000, 11));
  const std::string out = test::temp_path("wk.lks");
  for (Suite s : kSuites) {
    seal_small(in, out, s);
    CHECK(code_of([&] { Unsealed::open(out, key_source(2)); }) == ErrorCode::kKey);
    CHECK(code_of([&] { Unsealed::open(out, KeySource()); }) == ErrorCode::kKey);
    CHECK(code_of([&] { Unsealed::open(out, KeySource::file(test::temp_path("no_such.key"))); }) ==
          ErrorCode::kKey);
    CHECK(code_of([&] { Unsealed::open(out, KeySource::env("LOKA_TEST_UNSET_VARIABLE")); }) == ErrorCode::kKey);
    CHECK(code_of([&] {
            Unsealed::open(out, KeySource::callback([](const std::string&, std::span<uint8_t>) { return false; }));
          }) == ErrorCode::kKey);
    const std::string short_key = test::temp_path("short.key");
    test::write_file(short_key, "abcd");
    CHECK(code_of([&] { Unsealed::open(out, KeySource::file(short_key)); }) == ErrorCode::kKey);
  }
}

TEST_CASE("seal: bad seal options are rejected", "[seal]") {
  const std::string in = test::temp_path("opt_plain.bin");
  test::write_file(in, "x");
  SealOptions o;
  o.chunk_log2 = 15;
  CHECK(code_of([&] { seal_model(in, test::temp_path("o.lks"), key_source(), o); }) == ErrorCode::kInvalidArgument);
  o.chunk_log2 = 16;
  o.key_id = std::string(33, 'k');
  CHECK(code_of([&] { seal_model(in, test::temp_path("o.lks"), key_source(), o); }) == ErrorCode::kInvalidArgument);
  CHECK(code_of([&] { seal_model(in, test::temp_path("o.lks"), KeySource(), {}); }) == ErrorCode::kKey);
  CHECK(!std::filesystem::exists(test::temp_path("o.lks")));
}

TEST_CASE("seal: without a chunk size, AES takes 4 MiB chunks and SM4 64 KiB", "[seal]") {
  const std::string in = test::temp_path("default_chunk_plain.bin");
  test::write_file(in, random_bytes(200000, 3));
  for (Suite s : kSuites) {
    INFO(suite_name(s));
    SealOptions o;
    o.suite = s;
    o.kdf_p1 = 10;
    const std::string out = test::temp_path("default_chunk.lks");
    seal_model(in, out, key_source(1), o);
    const Header h = read_header(out);
    CHECK(h.chunk_size() == (s == Suite::kAes256Gcm ? uint64_t{4} << 20 : uint64_t{64} << 10));
    CHECK(h.chunk_count == (h.payload_size + h.chunk_size() - 1) / h.chunk_size());
  }
}
