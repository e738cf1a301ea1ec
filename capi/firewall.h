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

/// The caller's params over the defaults: a caller built against an older loka.h passes a
/// smaller struct_size and gets defaults for the fields it does not know.
template <class T>
T read_params(const T* given, void (*defaults)(T*), const char* function) {
  T out;
  defaults(&out);
  if (given == nullptr) return out;
  require(given->struct_size >= sizeof(size_t), function, "params->struct_size is not set");
  std::memcpy(static_cast<void*>(&out), given, std::min(given->struct_size, sizeof(T)));
  out.struct_size = sizeof(T);
  return out;
}

/// Writes the first struct_size bytes of `value` into the caller's `out` (struct_size kept).
template <class T>
void write_struct(T* out, T value, const char* function) {
  require(out->struct_size >= sizeof(size_t), function, "struct_size of the output is not set");
  value.struct_size = out->struct_size;
  std::memcpy(static_cast<void*>(out), &value, std::min(out->struct_size, sizeof(T)));
}

}  // namespace loka::capi
