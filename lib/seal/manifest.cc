// Manifest encoding/parsing: "LKSMANI1", count, size, then (offset, size, name) per file.
#include "seal/manifest.h"

#include <cstring>
#include <set>

#include "core/error.h"

namespace loka::seal {
namespace {

constexpr char kManifestMagic[8] = {'L', 'K', 'S', 'M', 'A', 'N', 'I', '1'};

void put(std::vector<uint8_t>& out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint64_t get(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

uint64_t align(uint64_t v) { return (v + kFileAlignment - 1) / kFileAlignment * kFileAlignment; }

}  // namespace

std::vector<uint8_t> encode_manifest(std::vector<ManifestEntry>& entries, uint64_t* payload_size) {
  uint64_t size = 24;
  for (const auto& e : entries) size += 18 + e.name.size();
  uint64_t at = align(size);
  for (auto& e : entries) {
    e.offset = at;
    at = align(at + e.size);
  }
  std::vector<uint8_t> out(kManifestMagic, kManifestMagic + 8);
  put(out, entries.size(), 4);
  put(out, 0, 4);
  put(out, size, 8);
  for (const auto& e : entries) {
    put(out, e.offset, 8);
    put(out, e.size, 8);
    put(out, e.name.size(), 2);
    out.insert(out.end(), e.name.begin(), e.name.end());
  }
  *payload_size = entries.empty() ? size : entries.back().offset + entries.back().size;
  return out;
}

uint64_t manifest_size(std::span<const uint8_t, 24> first) { return get(first.data() + 16, 8); }

std::vector<ManifestEntry> parse_manifest(std::span<const uint8_t> p, const std::string& what) {
  const std::string m = what + ": manifest";
  LOKA_CHECK(p.size() >= 24 && std::memcmp(p.data(), kManifestMagic, 8) == 0, ErrorCode::kFormat,
             m + " does not start with 'LKSMANI1'");
  const uint64_t count = get(p.data() + 8, 4);
  const uint64_t size = get(p.data() + 16, 8);
  LOKA_CHECK(count >= 1 && count <= 65536, ErrorCode::kFormat,
             m + ": " + std::to_string(count) + " entries (1..65536 allowed)");
  LOKA_CHECK(size >= 24 && size <= p.size(), ErrorCode::kFormat,
             m + ": size " + std::to_string(size) + " exceeds the payload");
  std::vector<ManifestEntry> out;
  std::set<std::string> names;
  uint64_t at = 24, end_prev = size;
  for (uint64_t i = 0; i < count; ++i) {
    const std::string e = m + " entry " + std::to_string(i);
    LOKA_CHECK(at + 18 <= size, ErrorCode::kFormat, e + " runs past the manifest's end");
    ManifestEntry entry;
    entry.offset = get(p.data() + at, 8);
    entry.size = get(p.data() + at + 8, 8);
    const uint64_t len = get(p.data() + at + 16, 2);
    at += 18;
    LOKA_CHECK(len >= 1 && at + len <= size, ErrorCode::kFormat, e + ": bad name length");
    entry.name.assign(reinterpret_cast<const char*>(p.data() + at), len);
    at += len;
    const std::string& n = entry.name;
    const bool bad_name = n.find('\0') != std::string::npos || n.front() == '/' || n == ".." ||
                          n.starts_with("../") || n.ends_with("/..") ||
                          n.find("/../") != std::string::npos || n.find('\\') != std::string::npos;
    LOKA_CHECK(!bad_name, ErrorCode::kFormat, e + ": name '" + n + "' is not a safe relative path");
    LOKA_CHECK(names.insert(n).second, ErrorCode::kFormat, e + ": name '" + n + "' appears twice");
    LOKA_CHECK(entry.offset % kFileAlignment == 0 && entry.offset >= end_prev &&
                   entry.offset <= p.size() && entry.size <= p.size() - entry.offset,
               ErrorCode::kFormat,
               e + " ('" + n + "'): range [" + std::to_string(entry.offset) + ", +" +
                   std::to_string(entry.size) + ") is unaligned, overlapping or outside the payload");
    end_prev = entry.offset + entry.size;
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace loka::seal
