// Internal state of GgufFile, shared by the parser and the accessors.
#pragma once

#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "formats/gguf_file.h"

namespace loka {

struct GgufFile::Impl {
  struct Entry {
    std::string_view key;  // points into the file bytes
    uint64_t key_offset;
    detail::GgufNode node;
  };

  std::shared_ptr<FileBytes> bytes;
  uint32_t version = 0;
  uint64_t alignment = kGgufDefaultAlignment;
  uint64_t data_offset = 0;
  GgufValueStore store;
  std::vector<Entry> entries;
  std::unordered_map<std::string_view, size_t> entry_index;
  std::vector<GgufTensorInfo> tensors;
  std::unordered_map<std::string_view, size_t> tensor_index;
};

/// Parses and validates the whole file structure (gguf_parse.cc).
std::shared_ptr<GgufFile::Impl> parse_gguf(std::shared_ptr<FileBytes> bytes);

}  // namespace loka
