// oneDNN matmul engine (work in progress: filled in by the matmul kernel).
#include "cpu/matmul_engine.h"

namespace loka::cpu {

struct MatmulEngine::Impl {};

MatmulEngine::MatmulEngine(int) : impl_(std::make_unique<Impl>()) {}
MatmulEngine::~MatmulEngine() = default;
bool MatmulEngine::supports(const OpNode&) const { return false; }
void MatmulEngine::run(const OpNode&, ThreadPool&) {}

}  // namespace loka::cpu
