// C ABI tests of the versioned params structs: init functions sized by the caller, old (smaller) and newer (larger) clients.
#define LOKA_ALLOW_DEPRECATED  // the *_params_default compatibility test below
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "loka.h"

namespace {

const std::string kDemo = std::string(LOKA_SOURCE_DIR) + "/examples/models/austen-6m";
constexpr unsigned char kCanary = 0xA5;

// loka_model_params as loka.h declared it before the sealed-model key fields (commit b89ea71^).
struct model_params_before_keys {
  size_t struct_size;
  const char* device;
  int32_t threads;
  int32_t use_mmap;
  int32_t use_mlock;
  loka_progress_fn progress;
  void* progress_user_data;
};
static_assert(sizeof(model_params_before_keys) == offsetof(loka_model_params, key_fn));

// A struct of type T at the start of a larger buffer of canary bytes.
template <class T>
struct Guarded {
  static constexpr size_t kRoom = sizeof(T) + 64;
  alignas(std::max_align_t) unsigned char bytes[kRoom];
  Guarded() { std::memset(bytes, kCanary, kRoom); }
  T* get() { return reinterpret_cast<T*>(bytes); }
  // The first byte at or after `from` that is no longer the canary (kRoom: none).
  size_t first_written(size_t from) const {
    for (size_t i = from; i < kRoom; ++i)
      if (bytes[i] != kCanary) return i;
    return kRoom;
  }
};

loka_code take(loka_status* s, std::string* message = nullptr) {
  const loka_code c = loka_status_code(s);
  if (message) *message = loka_status_message(s);
  loka_status_free(s);
  return c;
}

// Every struct_size from the struct_size field alone to beyond the library's own struct: the
// library writes exactly min(size, sizeof(T)) bytes, the defaults' prefix (padding included:
// the library zeroes it, so no stray stack bytes reach the caller), and keeps size.
template <class T>
void check_prefix_sizes(loka_status* (*init)(T*, size_t)) {
  Guarded<T> full;
  REQUIRE(init(full.get(), sizeof(T)) == nullptr);
  CHECK(full.first_written(sizeof(T)) == full.kRoom);
  for (size_t size = sizeof(size_t); size <= sizeof(T) + 16; ++size) {
    INFO("struct_size " << size);
    Guarded<T> g;
    REQUIRE(init(g.get(), size) == nullptr);
    const size_t written = std::min(size, sizeof(T));
    CHECK(g.first_written(written) == g.kRoom);
    size_t stored = 0;
    std::memcpy(&stored, g.bytes, sizeof stored);
    CHECK(stored == size);
    CHECK(std::memcmp(g.bytes + sizeof(size_t), full.bytes + sizeof(size_t), written - sizeof(size_t)) == 0);
  }
}

template <class T>
void check_bad_args(loka_status* (*init)(T*, size_t), const char* name) {
  std::string msg;
  CHECK(take(init(nullptr, sizeof(T)), &msg) == LOKA_INVALID_ARGUMENT);
  CHECK(msg.find(name) != std::string::npos);
  CHECK(msg.find("NULL") != std::string::npos);
  for (size_t size : {size_t{0}, size_t{1}, sizeof(size_t) - 1}) {
    INFO("struct_size " << size);
    Guarded<T> g;
    CHECK(take(init(g.get(), size), &msg) == LOKA_INVALID_ARGUMENT);
    CHECK(g.first_written(0) == g.kRoom);  // not even struct_size is written
    CHECK(msg.find(name) != std::string::npos);
    CHECK(msg.find("struct_size " + std::to_string(size) + " is smaller than " +
                   std::to_string(sizeof(size_t))) != std::string::npos);
  }
}

void count_progress(double, void* user) { ++*static_cast<int*>(user); }

}  // namespace

TEST_CASE("capi params: init writes the caller's struct_size bytes, never more", "[capi]") {
  check_prefix_sizes(loka_model_params_init);
  check_prefix_sizes(loka_session_params_init);
  check_prefix_sizes(loka_generate_params_init);
}

TEST_CASE("capi params: init rejects NULL and a struct_size without room for struct_size", "[capi]") {
  check_bad_args(loka_model_params_init, "loka_model_params_init");
  check_bad_args(loka_session_params_init, "loka_session_params_init");
  check_bad_args(loka_generate_params_init, "loka_generate_params_init");
}

TEST_CASE("capi params: the INIT macros give the defaults loka.h documents", "[capi]") {
  loka_model_params m;
  REQUIRE(LOKA_MODEL_PARAMS_INIT(&m) == nullptr);
  CHECK(m.struct_size == sizeof m);
  CHECK(m.device == nullptr);
  CHECK(m.threads == 0);
  CHECK(m.use_mmap != 0);
  CHECK(m.use_mlock == 0);
  CHECK(m.progress == nullptr);
  CHECK((m.key_fn == nullptr && m.key_file == nullptr && m.passphrase == nullptr));
  loka_session_params s;
  REQUIRE(LOKA_SESSION_PARAMS_INIT(&s) == nullptr);
  CHECK(s.struct_size == sizeof s);
  CHECK(s.context_length == 0);
  loka_generate_params g;
  REQUIRE(LOKA_GENERATE_PARAMS_INIT(&g) == nullptr);
  CHECK(g.struct_size == sizeof g);
  CHECK(g.stop == nullptr);
  CHECK(g.stop_count == 0);
  CHECK(g.ignore_eos == 0);
}

TEST_CASE("capi params: the deprecated *_default functions still fill the library's struct", "[capi]") {
  loka_model_params_default(nullptr);
  loka_session_params_default(nullptr);
  loka_generate_params_default(nullptr);
  loka_model_params m, mi;
  loka_model_params_default(&m);
  REQUIRE(LOKA_MODEL_PARAMS_INIT(&mi) == nullptr);
  CHECK(m.struct_size == sizeof m);
  CHECK(m.use_mmap == mi.use_mmap);
  loka_generate_params g, gi;
  loka_generate_params_default(&g);
  REQUIRE(LOKA_GENERATE_PARAMS_INIT(&gi) == nullptr);
  CHECK(g.struct_size == sizeof g);
  CHECK((g.max_tokens == gi.max_tokens && g.temperature == gi.temperature && g.top_k == gi.top_k &&
         g.seed == gi.seed));
  loka_session_params s;
  loka_session_params_default(&s);
  CHECK(s.struct_size == sizeof s);
}

TEST_CASE("capi params: a client built before the key fields loads with their defaults", "[capi]") {
  // Its struct, initialized and filled in as that client would, in an allocation of exactly
  // its size (ASan: the library must not read past it).
  auto old = std::make_unique<model_params_before_keys>();
  std::memset(old.get(), kCanary, sizeof *old);
  REQUIRE(loka_model_params_init(reinterpret_cast<loka_model_params*>(old.get()), sizeof *old) == nullptr);
  CHECK(old->struct_size == sizeof *old);
  CHECK(old->device == nullptr);
  CHECK(old->use_mmap != 0);
  CHECK(old->progress == nullptr);
  int calls = 0;
  old->threads = 1;
  old->progress = count_progress;
  old->progress_user_data = &calls;
  loka_model* model = nullptr;
  std::string msg;
  const loka_code code = take(loka_model_load(kDemo.c_str(), reinterpret_cast<loka_model_params*>(old.get()), &model), &msg);
  INFO(msg);
  CHECK(code == LOKA_OK);
  CHECK(calls > 0);
  loka_model_free(model);

  // Bytes past its struct_size are not read: here two key sources, which would fail the load.
  loka_model_params p;
  REQUIRE(LOKA_MODEL_PARAMS_INIT(&p) == nullptr);
  p.key_file = "/nonexistent/key";
  p.passphrase = "not read";
  p.struct_size = sizeof(model_params_before_keys);
  model = nullptr;
  CHECK(take(loka_model_load(kDemo.c_str(), &p, &model), &msg) == LOKA_OK);
  loka_model_free(model);
  p.struct_size = sizeof p;  // the same struct read in full: the check works
  CHECK(take(loka_model_load(kDemo.c_str(), &p, &model), &msg) == LOKA_INVALID_ARGUMENT);
  CHECK(msg.find("at most one") != std::string::npos);
  CHECK(model == nullptr);
}

TEST_CASE("capi params: sessions and generation with old-size and newer-size params", "[capi]") {
  loka_model* model = nullptr;
  REQUIRE(loka_model_load(kDemo.c_str(), nullptr, &model) == nullptr);

  // Session params of struct_size alone: context_length (-1 would be rejected) is not read.
  loka_session_params sp;
  REQUIRE(LOKA_SESSION_PARAMS_INIT(&sp) == nullptr);
  sp.context_length = -1;
  std::string msg;
  loka_session* session = nullptr;
  CHECK(take(loka_session_create(model, &sp, &session), &msg) == LOKA_INVALID_ARGUMENT);
  sp.struct_size = sizeof(size_t);
  REQUIRE(take(loka_session_create(model, &sp, &session), &msg) == LOKA_OK);
  sp.struct_size = 4;
  loka_session* none = nullptr;
  CHECK(take(loka_session_create(model, &sp, &none), &msg) == LOKA_INVALID_ARGUMENT);
  CHECK(msg.find("loka_session_create") != std::string::npos);
  CHECK(msg.find("struct_size 4") != std::string::npos);

  // A client whose generate params end after temperature, in an allocation of exactly that
  // size; the fields it lacks (stop, stop_count) take their defaults.
  constexpr size_t kOld = offsetof(loka_generate_params, top_k);
  const auto old = std::make_unique<unsigned char[]>(kOld);
  std::memset(old.get(), kCanary, kOld);
  auto* gp = reinterpret_cast<loka_generate_params*>(old.get());
  REQUIRE(loka_generate_params_init(gp, kOld) == nullptr);
  gp->max_tokens = 5;
  gp->temperature = 0;
  loka_stats stats;
  stats.struct_size = sizeof stats;
  REQUIRE(take(loka_generate(session, "It is a truth", gp, nullptr, nullptr, &stats), &msg) == LOKA_OK);
  CHECK(stats.generated_tokens == 5);
  // Fields past it that would fail the call if read.
  loka_generate_params full;
  REQUIRE(LOKA_GENERATE_PARAMS_INIT(&full) == nullptr);
  full.max_tokens = 5;
  full.temperature = 0;
  full.stop = nullptr;
  full.stop_count = 3;
  CHECK(take(loka_generate(session, "It is a truth", &full, nullptr, nullptr, &stats), &msg) ==
        LOKA_INVALID_ARGUMENT);
  CHECK(msg.find("stop") != std::string::npos);
  full.struct_size = kOld;
  CHECK(take(loka_generate(session, "It is a truth", &full, nullptr, nullptr, &stats), &msg) == LOKA_OK);
  full.struct_size = 0;
  CHECK(take(loka_generate(session, "It is a truth", &full, nullptr, nullptr, &stats), &msg) ==
        LOKA_INVALID_ARGUMENT);
  CHECK(msg.find("loka_generate: params->struct_size 0") != std::string::npos);

  // A client built against a newer loka.h: a larger struct, its extra bytes ignored.
  Guarded<loka_generate_params> newer;
  REQUIRE(loka_generate_params_init(newer.get(), sizeof(loka_generate_params) + 16) == nullptr);
  CHECK(newer.first_written(sizeof(loka_generate_params)) == newer.kRoom);
  newer.get()->max_tokens = 3;
  newer.get()->temperature = 0;
  REQUIRE(take(loka_generate(session, "It is a truth", newer.get(), nullptr, nullptr, &stats), &msg) ==
          LOKA_OK);
  CHECK(stats.generated_tokens == 3);
  loka_session_free(session);
  loka_model_free(model);
}
