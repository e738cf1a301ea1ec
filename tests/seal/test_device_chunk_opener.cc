// DeviceChunkOpener, for both suites: a sealed payload's ranges opened on the GPU equal the
// plaintext, across chunk and window boundaries, while the host buffer of those bytes stays
// zero (never decrypted there); a damaged chunk, read or skipped, fails finish() naming it.
#include <catch2/catch.hpp>

#include <cstring>

#include "backend/registry.h"
#include "core/error.h"
#include "models/device_chunk_opener.h"
#include "seal/seal_test_util.h"
#include "seal/sealed_file.h"
#include "test_util.h"

using namespace loka;
using namespace loka::seal;
using namespace loka::seal_test;

namespace {

constexpr uint64_t kChunk = 65536;

std::string to_host_string(Backend& be, const Tensor& t) {
  Tensor h = Tensor::empty(DType::kU8, {static_cast<int64_t>(t.nbytes())});
  be.copy(t, h);
  return std::string(static_cast<const char*>(h.data()), t.nbytes());
}

// Payload ranges [offset, offset + size) of the one file, in ascending order.
struct Range {
  uint64_t offset, size;
};

}  // namespace

TEST_CASE("seal: chunks opened on the GPU equal the plaintext and never reach the host", "[seal][cuda]") {
  SKIP_WITHOUT_CUDA();
  const std::shared_ptr<Backend> be = create_backend(parse_device("cuda:0"));
  const std::string plain = random_bytes(11 * kChunk + 4321, 23);
  const Suite suite = GENERATE(Suite::kAes256Gcm, Suite::kSm4CtrHmacSm3);
  INFO(suite_name(suite));
  const std::string path = sealed_copy(plain, suite, "opener");
  REQUIRE(DeviceChunkOpener::available(*be, read_header(path)));
  const Unsealed u = Unsealed::open_streaming(path, key_source(), {.threads = 2, .on_demand = true});
  const ManifestEntry& e = u.files().at(0);
  const auto* file = u.bytes(e).data();
  // Windows of 3 chunks; ranges inside a chunk, across chunks, across windows, skipping some.
  DeviceChunkOpener opener(*be, u, 3 * kChunk);
  const std::vector<Range> ranges = {{0, 1000}, {5000, 2 * kChunk}, {4 * kChunk - 7, 3 * kChunk},
                                     {9 * kChunk + 11, 1}, {10 * kChunk, kChunk + 4321}};
  std::vector<Tensor> got;
  for (const Range& r : ranges) {
    const Tensor from = Tensor::borrow(DType::kU8, {static_cast<int64_t>(r.size)}, file + r.offset, nullptr);
    got.push_back(be->alloc(DType::kU8, {static_cast<int64_t>(r.size)}));
    opener.copy(from, got.back());
  }
  CHECK_NOTHROW(opener.finish());
  for (size_t i = 0; i < ranges.size(); ++i) {
    INFO("range " << i);
    CHECK(to_host_string(*be, got[i]) == plain.substr(ranges[i].offset, ranges[i].size));
    // The host copy of these bytes was never decrypted (outside the manifest's chunk).
    if (e.offset + ranges[i].offset >= kChunk) {
      CHECK(std::string(reinterpret_cast<const char*>(file + ranges[i].offset), ranges[i].size) ==
            std::string(ranges[i].size, '\0'));
    }
  }
  // Host memory that is not the payload is copied as it is.
  const std::string bytes = random_bytes(100, 5);
  const Tensor other = Tensor::empty(DType::kU8, {100});
  std::memcpy(other.data(), bytes.data(), 100);
  const Tensor dev = be->alloc(DType::kU8, {100});
  opener.copy(other, dev);
  CHECK(to_host_string(*be, dev) == std::string(static_cast<const char*>(other.data()), 100));
}

TEST_CASE("seal: a damaged chunk opened on the GPU fails finish(), read or skipped", "[seal][cuda]") {
  SKIP_WITHOUT_CUDA();
  const std::shared_ptr<Backend> be = create_backend(parse_device("cuda:0"));
  const std::string plain = random_bytes(8 * kChunk, 24);
  const Suite suite = GENERATE(Suite::kAes256Gcm, Suite::kSm4CtrHmacSm3);
  INFO(suite_name(suite));
  const Header h = read_header(sealed_copy(plain, suite, "opener"));
  for (uint64_t bad : {uint64_t{2}, uint64_t{6}}) {  // 2 is read below, 6 is not
    INFO("chunk " << bad);
    const std::string path = sealed_copy(plain, suite, "opener", static_cast<int64_t>(h.chunk_offset(bad) + 77));
    const Unsealed u = Unsealed::open_streaming(path, key_source(), {.threads = 2, .on_demand = true});
    const auto* file = u.bytes(u.files().at(0)).data();
    DeviceChunkOpener opener(*be, u, 2 * kChunk);
    const Tensor to = be->alloc(DType::kU8, {static_cast<int64_t>(3 * kChunk)});
    opener.copy(Tensor::borrow(DType::kU8, {static_cast<int64_t>(3 * kChunk)}, file + kChunk, nullptr), to);
    try {
      opener.finish();
      FAIL("a damaged chunk passed");
    } catch (const Error& err) {
      CHECK(err.code() == ErrorCode::kIntegrity);
      CHECK_THAT(err.what(), Catch::Contains("chunk " + std::to_string(bad) + " of"));
    }
  }
}
