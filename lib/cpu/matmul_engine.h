// oneDNN matmul for the CPU backend: engine, stream and a cache of primitives
// keyed by shape and dtypes, so each shape is planned once.
#pragma once

#include <memory>

#include "ops/op.h"

namespace loka {
class ThreadPool;
}

namespace loka::cpu {

class MatmulEngine {
 public:
  explicit MatmulEngine(int threads);
  ~MatmulEngine();
  MatmulEngine(const MatmulEngine&) = delete;
  MatmulEngine& operator=(const MatmulEngine&) = delete;

  bool supports(const OpNode& node) const;
  void run(const OpNode& node, ThreadPool& pool);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loka::cpu
