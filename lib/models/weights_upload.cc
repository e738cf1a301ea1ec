// upload_llama_weights: tensor-by-tensor copies to the backend, shared tensors deduplicated.
#include "models/weights_upload.h"

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>
#include <vector>

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

// A host tensor and the device tensor it goes to.
struct Copy {
  Tensor from, to;
};

// The parts (matrices, or vectors) stacked row-wise in one new device tensor, each part then a
// row range of it (its copy planned in `copies`); undefined (parts left alone) unless they
// share dtype, rank and row length.
Tensor stack_rows(Backend& be, std::initializer_list<Tensor*> parts, std::vector<Copy>& copies) {
  const Tensor& first = **parts.begin();
  int64_t rows = 0;
  for (const Tensor* p : parts) {
    if (!p->defined() || p->ndim() < 1 || p->ndim() > 2 || p->ndim() != first.ndim() ||
        p->dtype() != first.dtype() || (p->ndim() == 2 && p->dim(1) != first.dim(1)) ||
        !p->is_contiguous()) {
      return {};
    }
    rows += p->dim(0);
  }
  Tensor stacked = be.alloc(first.dtype(), first.ndim() == 1 ? Shape{rows} : Shape{rows, first.dim(1)});
  int64_t at = 0;
  for (Tensor* p : parts) {
    const Tensor range = stacked.slice(0, at, at + p->dim(0));
    copies.push_back({*p, range});
    *p = range;
    at += p->dim(0);
  }
  return stacked;
}

}  // namespace

LlamaWeights upload_llama_weights(const LlamaWeights& w, Backend& be, const HostTensorCopy& copy) {
  // Every destination is allocated first (an out-of-memory error comes before any copy), then
  // the copies run in the order of their host addresses: the file's order.
  LlamaWeights out = w;
  std::vector<Copy> copies;
  for (LayerWeights& l : out.layers) {
    l.wqkv = stack_rows(be, {&l.wq, &l.wk, &l.wv}, copies);
    if (l.bq.defined()) l.bqkv = stack_rows(be, {&l.bq, &l.bk, &l.bv}, copies);
    l.w_gate_up = stack_rows(be, {&l.w_gate, &l.w_up}, copies);
  }
  std::map<const void*, Tensor> done;  // host data -> its device copy
  for_each_tensor(out, [&](Tensor& t) {
    if (!t.defined() || !t.device().is_host()) return;
    if (auto it = done.find(t.data()); it != done.end() && it->second.shape() == t.shape()) {
      t = it->second;
      return;
    }
    Tensor d = be.alloc(t.dtype(), t.shape());
    copies.push_back({t, d});
    done[t.data()] = d;
    t = d;
  });
  std::stable_sort(copies.begin(), copies.end(), [](const Copy& a, const Copy& b) {
    return std::less<const void*>()(a.from.data(), b.from.data());
  });
  for (const Copy& c : copies) {
    if (copy) {
      copy(c.from, c.to);
    } else {
      be.copy(c.from, c.to);
    }
  }
  return out;
}

}  // namespace loka
