// SM4-CTR with the S-box computed by AES-NI (AESENCLAST between two affine maps, 4 blocks per
// 128-bit lane group): several times OpenSSL 3.0's generic C SM4 on CPUs without SM4 or GFNI
// instructions. OpenSSL's EVP sm4-ctr is the test oracle (tests/seal/test_sm4_fast.cc).
#pragma once

#include <cstddef>
#include <cstdint>

namespace loka::seal {

/// True when this CPU has the instructions sm4_ctr_xor needs (AES-NI, SSSE3, SSE4.1) and the
/// environment does not set LOKA_SEAL_SM4_OPENSSL.
bool sm4_fast_available();

/// out = in XOR SM4-CTR keystream(key, counter block `iv` incremented as a 128-bit big-endian
/// integer per block), as OpenSSL's sm4-ctr. `in` and `out` may be the same buffer.
/// Only call when sm4_fast_available().
void sm4_ctr_xor(const uint8_t key[16], const uint8_t iv[16], const uint8_t* in, uint8_t* out, size_t n);

}  // namespace loka::seal
