// Error type used inside loka: a status code plus a message that names the culprit.
#pragma once

#include <stdexcept>
#include <string>

namespace loka {

/// Families of failure. The C ABI maps each one to a status code.
enum class ErrorCode {
  kInvalidArgument,  // caller passed something unusable (shape, dtype, option)
  kNotFound,         // file, tensor, key or backend missing
  kIo,               // the OS refused (open, read, mmap)
  kFormat,           // a file is malformed, truncated or malicious
  kUnsupported,      // valid request this build or backend cannot do
  kUnavailable,      // a component (e.g. the CUDA backend) is not present
  kOutOfMemory,      // host or device allocation failed
  kInternal,         // a bug in loka
  kKey,              // no key, or the wrong key, for a sealed (encrypted) model file
  kIntegrity,        // a sealed file failed authentication: damaged or tampered with
};

const char* error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace loka

/// Throws loka::Error(code, message) when `condition` is false. A macro so the
/// message, often built from strings, is only evaluated on failure.
#define LOKA_CHECK(condition, code, message)                       \
  do {                                                             \
    if (!(condition)) throw ::loka::Error((code), (message));      \
  } while (0)

