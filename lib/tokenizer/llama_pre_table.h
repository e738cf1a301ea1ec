// GGUF tokenizer.ggml.pre names -> pre-tokenizer regex lists, transcribed from llama.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loka::tok {

struct LlamaPreTokenizer {
  std::vector<std::string> regexes;  // applied in sequence, each splitting the previous pieces
  bool ignore_merges = false;        // a word that is a token is not merged
  bool byte_encode = true;           // GPT-2 byte-level mapping of the pieces
  bool escape_spaces = false;        // ' ' -> U+2581 before splitting (SPM-style BPE)
  bool add_bos = false;              // default for tokenizer.ggml.add_bos_token
};

/// The pre-tokenizer llama.cpp (src/llama-vocab.cpp) uses for a BPE vocabulary whose
/// tokenizer.ggml.pre is `name` ("" means "default"); nullptr for an unknown name.
const LlamaPreTokenizer* find_llama_pre_tokenizer(std::string_view name);

}  // namespace loka::tok
