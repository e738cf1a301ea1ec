// Helpers for the sealed-container tests: random files, keys, sealing with small chunks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "seal/key_source.h"
#include "seal/seal_writer.h"

namespace loka::seal_test {

/// Deterministic pseudo-random bytes.
std::string random_bytes(size_t n, uint32_t seed);
std::string read_file(const std::string& path);
/// A fixed 32-byte test key (a different one for each seed).
std::vector<uint8_t> test_key(uint8_t seed = 1);
seal::KeySource key_source(uint8_t seed = 1);
/// Seals `input` into `output` with 64 KiB chunks and the given suite.
void seal_small(const std::string& input, const std::string& output, seal::Suite suite,
                const seal::KeySource& key = key_source());
/// `plain` written to a temporary file named `name` and sealed with seal_small; the bit 0x10
/// of the byte at `flip` (if any) then inverted. Returns the sealed file's path.
std::string sealed_copy(const std::string& plain, seal::Suite suite, const std::string& name,
                        int64_t flip = -1);

}  // namespace loka::seal_test
