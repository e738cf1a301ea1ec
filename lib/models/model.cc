// Model::load: picks the loader for a path (Hugging Face folder or GGUF file).
#include "models/model.h"

#include "core/error.h"

namespace loka {

std::shared_ptr<Model> Model::load(const std::string& path, const ModelLoadOptions& options) {
  throw Error(ErrorCode::kUnsupported, path + ": model loading is not implemented yet");
}

}  // namespace loka
