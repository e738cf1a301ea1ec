// CudaBackend::capture: the ops a function issues, recorded by stream capture into a CUDA
// graph that replays with one launch.
#include <utility>

#include "cuda_backend.h"
#include "cuda_check.h"

namespace loka::cuda {
namespace {

class CudaGraphWork final : public CapturedWork {
 public:
  CudaGraphWork(std::shared_ptr<DeviceContext> ctx, cudaGraphExec_t exec)
      : ctx_(std::move(ctx)), exec_(exec) {}
  ~CudaGraphWork() override {
    cudaSetDevice(ctx_->device());
    cudaStreamSynchronize(ctx_->stream());
    cudaGraphExecDestroy(exec_);
    // The graph's own allocations (op temporaries) stay cached for graphs until trimmed.
    cudaDeviceGraphMemTrim(ctx_->device());
  }
  CudaGraphWork(const CudaGraphWork&) = delete;
  CudaGraphWork& operator=(const CudaGraphWork&) = delete;

  void replay() override {
    ctx_->activate();
    LOKA_CUDA(cudaGraphLaunch(exec_, ctx_->stream()));
  }

 private:
  std::shared_ptr<DeviceContext> ctx_;
  cudaGraphExec_t exec_;
};

}  // namespace

std::unique_ptr<CapturedWork> CudaBackend::capture(std::function<void()> record) {
  if (profiler_.enabled()) return Backend::capture(std::move(record));
  ctx_->activate();
  // Thread-local mode: other threads' CUDA calls are not part of (and cannot break) it.
  LOKA_CUDA(cudaStreamBeginCapture(ctx_->stream(), cudaStreamCaptureModeThreadLocal));
  cudaGraph_t graph = nullptr;
  try {
    record();
  } catch (...) {
    cudaStreamEndCapture(ctx_->stream(), &graph);
    if (graph != nullptr) cudaGraphDestroy(graph);
    cudaGetLastError();  // the capture's own error, if it broke; the exception says more
    throw;
  }
  LOKA_CUDA(cudaStreamEndCapture(ctx_->stream(), &graph));
  cudaGraphExec_t exec = nullptr;
  const cudaError_t err = cudaGraphInstantiate(&exec, graph, 0);
  cudaGraphDestroy(graph);
  LOKA_CUDA(err);
  return std::make_unique<CudaGraphWork>(ctx_, exec);
}

}  // namespace loka::cuda
