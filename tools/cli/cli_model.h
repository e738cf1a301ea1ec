// Model loading for the `loka` subcommands: the bundled demo model by default, progress on a terminal.
#pragma once

#include <memory>
#include <string>

#include "cli_key.h"
#include "models/model.h"

namespace loka::cli {

/// The demo model's folder: next to an installed program (../share/loka/models/austen-6m)
/// or in the source tree it was built from. Throws kNotFound naming the places looked at.
std::string default_model_path();

/// Loads `path` ("" = the demo model; a sealed file needs `key`) onto `device` ("cpu",
/// "cuda:0"); prints progress on stderr only when it is a terminal.
std::shared_ptr<Model> load_model(const std::string& path, int threads, const KeyArgs& key = {},
                                  const std::string& device = "cpu");

}  // namespace loka::cli
