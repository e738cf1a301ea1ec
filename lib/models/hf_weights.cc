// Hugging Face tensor names (model.layers.N.self_attn.q_proj.weight, ...) -> LlamaWeights.
#include "models/hf_weights.h"

#include "core/error.h"

namespace loka {
namespace {

class Binder : public WeightLookup {
 public:
  explicit Binder(const SafetensorsModel& st) : st_(st) {}

  Tensor matrix(const std::string& name, const Shape& shape) const override {
    Tensor t = find(name);
    check_weight(t, name, st_.shard_of(name).path(), shape);
    return t;
  }
  Tensor small(const std::string& name, const Shape& shape) const override {
    return small_f32(find(name), name, st_.shard_of(name).path(), shape);
  }

 private:
  Tensor find(const std::string& name) const {
    LOKA_CHECK(st_.contains(name), ErrorCode::kNotFound,
               st_.path() + ": tensor '" + name + "' is missing");
    return st_.tensor(name);
  }
  const SafetensorsModel& st_;
};

}  // namespace

LlamaWeights bind_hf_weights(const SafetensorsModel& st, const ModelHparams& h,
                             const std::function<void(double)>& progress) {
  return bind_llama_weights(Binder(st), h, kHfTensorNames, progress);
}

}  // namespace loka
