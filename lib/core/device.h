// Where memory lives: the host or a numbered device of a named backend.
#pragma once

#include <string>
#include <string_view>

namespace loka {

enum class DeviceType { kCpu, kCuda };

struct Device {
  DeviceType type = DeviceType::kCpu;
  int index = 0;

  bool is_host() const { return type == DeviceType::kCpu; }
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  std::string str() const;  // "cpu", "cuda:0"
};

/// Parses "cpu", "cuda", "cuda:1"; throws Error(kInvalidArgument) otherwise.
Device parse_device(std::string_view text);

}  // namespace loka
