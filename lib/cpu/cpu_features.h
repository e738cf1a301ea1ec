// What the host CPU can do, detected once at run time.
#pragma once

#include <string>

namespace loka::cpu {

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512_bf16 = false;
  bool avx512_vnni = false;
};

const CpuFeatures& cpu_features();
/// "avx512f avx512_bf16 ..." or "scalar".
std::string cpu_features_string();

}  // namespace loka::cpu
