// The default Backend::capture: replaying runs the recorded function again.
#include "backend/backend.h"

#include <utility>

namespace loka {
namespace {

class Rerun final : public CapturedWork {
 public:
  explicit Rerun(std::function<void()> record) : record_(std::move(record)) {}
  void replay() override { record_(); }

 private:
  std::function<void()> record_;
};

}  // namespace

std::unique_ptr<CapturedWork> Backend::capture(std::function<void()> record) {
  return std::make_unique<Rerun>(std::move(record));
}

}  // namespace loka
