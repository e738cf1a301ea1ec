// Device names.
#include "core/device.h"

#include <charconv>

#include "core/error.h"

namespace loka {

std::string Device::str() const {
  if (type == DeviceType::kCpu) return "cpu";
  return "cuda:" + std::to_string(index);
}

Device parse_device(std::string_view text) {
  if (text == "cpu") return {DeviceType::kCpu, 0};
  if (text == "cuda") return {DeviceType::kCuda, 0};
  constexpr std::string_view kCudaPrefix = "cuda:";
  if (text.substr(0, kCudaPrefix.size()) == kCudaPrefix) {
    std::string_view num = text.substr(kCudaPrefix.size());
    int index = -1;
    auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), index);
    if (ec == std::errc() && ptr == num.data() + num.size() && index >= 0) {
      return {DeviceType::kCuda, index};
    }
  }
  throw Error(ErrorCode::kInvalidArgument,
              "unknown device '" + std::string(text) + "' (expected cpu, cuda or cuda:N)");
}

}  // namespace loka
