// The exception firewall of the C ABI: statuses, the guard that turns exceptions into them, params copies.
#pragma once

#include <algorithm>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "loka.h"
#include "loka/loka.hpp"

struct loka_status {
  loka_code code;
  std::string message;
};

namespace loka::capi {

/// A new status (or a static out-of-memory one when even that allocation fails).
loka_status* make_status(loka_code code, const char* message) noexcept;

/// Thrown inside the firewall for a bad argument to a C function.
inline void require(bool ok, const char* function, const char* what) {
  if (!ok) throw api::Error(api::ErrorCode::kInvalidArgument, std::string(function) + ": " + what);
}

/// Runs `f`; any exception becomes a status, nothing escapes.
template <class F>
loka_status* guard(F&& f) noexcept {
  try {
    f();
    return nullptr;
  } catch (const api::Error& e) {
    return make_status(static_cast<loka_code>(static_cast<int>(e.code()) + 1), e.what());
  } catch (const std::bad_alloc&) {
    return make_status(LOKA_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return make_status(LOKA_INTERNAL, e.what());
  } catch (...) {
    return make_status(LOKA_INTERNAL, "unknown exception");
  }
}

/// The first struct_size bytes of `value` into the caller's `out`, struct_size set: never a
/// byte past what the caller said it has (struct_size >= sizeof(size_t) checked before).
template <class T>
void write_prefix(T* out, size_t struct_size, const T& value) {
  std::memcpy(static_cast<void*>(out), &value, std::min(struct_size, sizeof(T)));
  out->struct_size = struct_size;
}

/// The error for a struct_size too small to hold even the struct_size field.
[[noreturn]] void throw_struct_size(const char* function, const char* what, size_t struct_size);

/// loka_*_params_init: the defaults (from `fill`, which also zeroes the padding, so that no
/// stray bytes reach the caller) into the caller's struct of its own header's size.
template <class T>
void init_params(T* out, size_t struct_size, void (*fill)(T*), const char* function) {
  require(out != nullptr, function, "params is NULL");
  if (struct_size < sizeof(size_t)) throw_struct_size(function, "struct_size", struct_size);
  T value;
  fill(&value);
  write_prefix(out, struct_size, value);
}

/// The caller's params over the defaults: a caller built against an older loka.h passes a
/// smaller struct_size and gets defaults for the fields it does not know.
template <class T>
T read_params(const T* given, void (*fill)(T*), const char* function) {
  T out;
  fill(&out);
  if (given == nullptr) return out;
  if (given->struct_size < sizeof(size_t)) throw_struct_size(function, "params->struct_size", given->struct_size);
  std::memcpy(static_cast<void*>(&out), given, std::min(given->struct_size, sizeof(T)));
  out.struct_size = sizeof(T);
  return out;
}

/// Writes the first struct_size bytes of `value` into the caller's `out` (struct_size kept).
template <class T>
void write_struct(T* out, const T& value, const char* function) {
  if (out->struct_size < sizeof(size_t)) throw_struct_size(function, "struct_size of the output", out->struct_size);
  write_prefix(out, out->struct_size, value);
}

}  // namespace loka::capi
