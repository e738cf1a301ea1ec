// The encrypted manifest at the start of a sealed payload: names, offsets and sizes of the files.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace loka::seal {

inline constexpr uint64_t kFileAlignment = 4096;  // payload offset of every file

struct ManifestEntry {
  std::string name;  // relative path with '/' separators
  uint64_t offset = 0;  // in the payload
  uint64_t size = 0;
};

/// Encodes a manifest and fills each entry's offset (files follow it, 4096-aligned, in order).
/// Returns the manifest bytes; *payload_size gets the total payload size.
std::vector<uint8_t> encode_manifest(std::vector<ManifestEntry>& entries, uint64_t* payload_size);

/// The manifest's size in bytes from its first 24 bytes (the field parse_manifest checks).
uint64_t manifest_size(std::span<const uint8_t, 24> first);

/// Parses and checks the manifest at the start of a decrypted payload: names (non-empty, no
/// NUL, no absolute path, no '..', no duplicates), ascending non-overlapping aligned ranges
/// inside the payload. Throws Error(kFormat) naming the entry.
std::vector<ManifestEntry> parse_manifest(std::span<const uint8_t> payload, const std::string& what);

}  // namespace loka::seal
