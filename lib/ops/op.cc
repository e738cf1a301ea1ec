// Op names and node descriptions.
#include "ops/op.h"

namespace loka {

const char* op_name(OpKind kind) {
  switch (kind) {
    case OpKind::kMatMul: return "matmul";
    case OpKind::kEmbedding: return "embedding";
    case OpKind::kRmsNorm: return "rms_norm";
    case OpKind::kRope: return "rope";
    case OpKind::kSoftmax: return "softmax";
    case OpKind::kAttention: return "attention";
    case OpKind::kSwiGLU: return "swiglu";
    case OpKind::kGelu: return "gelu";
    case OpKind::kAdd: return "add";
    case OpKind::kMul: return "mul";
    case OpKind::kConvert: return "convert";
    case OpKind::kArgmax: return "argmax";
    case OpKind::kTopK: return "top_k";
    case OpKind::kSetRows: return "set_rows";
    case OpKind::kSample: return "sample";
    case OpKind::kFusedMatVec: return "fused_matvec";
    case OpKind::kOpenChunks: return "open_chunks";
  }
  return "?";
}

std::string OpNode::describe() const {
  auto list = [](const std::vector<Tensor>& ts) {
    std::string s;
    for (size_t i = 0; i < ts.size(); ++i) {
      if (i) s += ", ";
      s += ts[i].defined() ? std::string(dtype_name(ts[i].dtype())) + ts[i].shape().str() : "-";
    }
    return s;
  };
  return std::string(op_name(kind)) + "(" + list(src) + ") -> " + list(dst);
}

}  // namespace loka
