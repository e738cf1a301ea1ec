// Runtime ISA dispatch for vectorized loops: a function marked LOKA_VECTORIZE
// is compiled for AVX-512, AVX2+FMA+F16C and plain x86-64, and the loader
// picks the best clone for the running CPU (GCC function multiversioning).
// Loops inside are written so the compiler vectorizes them (`omp simd`).
#pragma once

#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define LOKA_VECTORIZE \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
// Sanitizer builds and other architectures: one portable clone.
#define LOKA_VECTORIZE
#endif

#define LOKA_SIMD _Pragma("omp simd")
