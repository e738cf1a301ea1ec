// upload_llama_weights: tensor-by-tensor copies to the backend, shared tensors deduplicated.
#include "models/weights_upload.h"

#include <map>

namespace loka {
namespace {

template <typename Fn>
void for_each_tensor(LlamaWeights& w, Fn&& fn) {
  fn(w.embed);
  fn(w.final_norm);
  fn(w.lm_head);
  for (LayerWeights& l : w.layers) {
    for (Tensor* t : {&l.attn_norm, &l.wq, &l.wk, &l.wv, &l.wo, &l.bq, &l.bk, &l.bv, &l.bo,
                      &l.q_norm, &l.k_norm, &l.ffn_norm, &l.w_gate, &l.w_up, &l.w_down}) {
      fn(*t);
    }
  }
}

}  // namespace

LlamaWeights upload_llama_weights(const LlamaWeights& w, Backend& be) {
  LlamaWeights out = w;
  std::map<const void*, Tensor> done;  // host data -> its device copy
  for_each_tensor(out, [&](Tensor& t) {
    if (!t.defined() || !t.device().is_host()) return;
    if (auto it = done.find(t.data()); it != done.end() && it->second.shape() == t.shape()) {
      t = it->second;
      return;
    }
    Tensor d = be.alloc(t.dtype(), t.shape());
    be.copy(t, d);
    done[t.data()] = d;
    t = d;
  });
  return out;
}

}  // namespace loka
