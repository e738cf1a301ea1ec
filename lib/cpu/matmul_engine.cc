// oneDNN 2.x matmul: primitives cached per (shape, strides, dtypes); weights whose dtype the
// CPU cannot multiply natively are widened to f32 per call in large column blocks, so the
// model keeps them in place (e.g. in the mmap) in their own dtype.
#include "cpu/matmul_engine.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <oneapi/dnnl/dnnl.hpp>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/cpu_features.h"

// libdnnl is built with the OpenMP runtime (DNNL_CPU_RUNTIME == OMP) and pulls in libgomp;
// weak references let us size its team without making libloka link OpenMP itself.
extern "C" {
int omp_get_max_threads(void) __attribute__((weak));
void omp_set_num_threads(int n) __attribute__((weak));
}

namespace loka::cpu {
namespace {

static_assert(DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP,
              "MatmulEngine sizes oneDNN's thread team through OpenMP");

// OpenMP's thread count is a per-thread setting: set it for this call, restore the caller's.
// It must also hold while a primitive is created, since oneDNN plans its blocking for the
// thread count seen then.
class ScopedOmpThreads {
 public:
  explicit ScopedOmpThreads(int n) {
    if (omp_get_max_threads == nullptr || omp_set_num_threads == nullptr) return;
    saved_ = omp_get_max_threads();
    if (saved_ != n) omp_set_num_threads(n);
  }
  ~ScopedOmpThreads() {
    if (saved_ > 0 && omp_get_max_threads() != saved_) omp_set_num_threads(saved_);
  }
  ScopedOmpThreads(const ScopedOmpThreads&) = delete;
  ScopedOmpThreads& operator=(const ScopedOmpThreads&) = delete;

 private:
  int saved_ = 0;
};

// Entries kept before the cache is emptied (prefill chunks of many sizes must not grow it
// without bound; oneDNN keeps its own cache of compiled kernels behind this one).
constexpr size_t kMaxCachedPrimitives = 512;

dnnl::memory::data_type dnnl_type(DType t) {
  switch (t) {
    case DType::kF32: return dnnl::memory::data_type::f32;
    case DType::kF16: return dnnl::memory::data_type::f16;
    case DType::kBF16: return dnnl::memory::data_type::bf16;
    default:
      throw Error(ErrorCode::kUnsupported,
                  "matmul: no oneDNN type for dtype " + std::string(dtype_name(t)));
  }
}

struct Key {
  int64_t M, N, K, lda, wk, wn, ldc;
  DType src, wei;
  bool operator==(const Key& o) const {
    return M == o.M && N == o.N && K == o.K && lda == o.lda && wk == o.wk && wn == o.wn &&
           ldc == o.ldc && src == o.src && wei == o.wei;
  }
};

struct KeyHash {
  size_t operator()(const Key& k) const {
    size_t h = static_cast<size_t>(k.src) * 31 + static_cast<size_t>(k.wei);
    for (int64_t v : {k.M, k.N, k.K, k.lda, k.wk, k.wn, k.ldc}) {
      h ^= std::hash<int64_t>()(v) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    }
    return h;
  }
};

struct Entry {
  dnnl::memory::desc src, wei, dst;
  dnnl::matmul prim;
  std::string impl;
};

// dst[i] = src[i] converted between float dtypes, through f32 when neither side is f32.
void convert_row(DType from, const void* src, DType to, void* dst, int64_t n, float* tmp) {
  if (to == DType::kF32) {
    to_f32(from, src, static_cast<float*>(dst), n);
  } else if (from == DType::kF32) {
    from_f32(to, static_cast<const float*>(src), dst, n);
  } else {
    to_f32(from, src, tmp, n);
    from_f32(to, tmp, dst, n);
  }
}

size_t esize(DType t) { return static_cast<size_t>(dtype_info(t).block_bytes); }

// Grow-only memory for converted operands. Reused across calls: a fresh allocation of tens of
// MiB is a fresh mmap whose page faults cost more than the conversion itself.
struct Scratch {
  std::unique_ptr<char[]> data;
  size_t size = 0;
  char* get(size_t bytes) {
    if (bytes > size) {
      data.reset();
      data.reset(new char[bytes]);
      size = bytes;
    }
    return data.get();
  }
};

}  // namespace

struct MatmulEngine::Impl {
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  int threads = 1;
  int64_t weight_block_bytes = 0;
  bool bf16_native = false, f16_native = false;
  std::mutex mu;
  std::unordered_map<Key, std::shared_ptr<const Entry>, KeyHash> cache;
  std::vector<std::unique_ptr<Scratch>> idle;  // one per concurrent caller, under mu

  std::unique_ptr<Scratch> take_scratch() {
    std::lock_guard<std::mutex> lock(mu);
    if (idle.empty()) return std::make_unique<Scratch>();
    std::unique_ptr<Scratch> s = std::move(idle.back());
    idle.pop_back();
    return s;
  }
  void give_scratch(std::unique_ptr<Scratch> s) {
    std::lock_guard<std::mutex> lock(mu);
    idle.push_back(std::move(s));
  }

  // A scratch buffer for one call, handed back when the call ends.
  class Lease {
   public:
    explicit Lease(Impl& impl) : impl_(impl), s_(impl.take_scratch()) {}
    ~Lease() { impl_.give_scratch(std::move(s_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    char* get(size_t bytes) { return s_->get(bytes); }

   private:
    Impl& impl_;
    std::unique_ptr<Scratch> s_;
  };

  std::shared_ptr<const Entry> primitive(const Key& k) {
    {
      std::lock_guard<std::mutex> lock(mu);
      auto it = cache.find(k);
      if (it != cache.end()) return it->second;
    }
    auto e = std::make_shared<Entry>();
    e->src = dnnl::memory::desc({k.M, k.K}, dnnl_type(k.src), {k.lda, 1});
    e->wei = dnnl::memory::desc({k.K, k.N}, dnnl_type(k.wei), {k.wk, k.wn});
    e->dst = dnnl::memory::desc({k.M, k.N}, dnnl::memory::data_type::f32, {k.ldc, 1});
    ScopedOmpThreads omp(threads);
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(e->src, e->wei, e->dst), eng);
    e->impl = pd.impl_info_str();
    e->prim = dnnl::matmul(pd);
    std::lock_guard<std::mutex> lock(mu);
    if (cache.size() >= kMaxCachedPrimitives) cache.clear();
    cache.emplace(k, e);
    return e;
  }

  // Whether oneDNN multiplies dtype t natively here (a reference implementation does not count).
  bool native(DType t) {
    try {
      return primitive({64, 64, 64, 64, 1, 64, 64, t, t})->impl.find("ref") == std::string::npos;
    } catch (const dnnl::error&) {
      return false;
    }
  }

  void execute(const Key& k, const void* a, const void* w, float* c) {
    std::shared_ptr<const Entry> e = primitive(k);
    dnnl::memory src(e->src, eng, const_cast<void*>(a));
    dnnl::memory wei(e->wei, eng, const_cast<void*>(w));
    dnnl::memory dst(e->dst, eng, c);
    dnnl::stream stream(eng);
    ScopedOmpThreads omp(threads);
    e->prim.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}});
    stream.wait();
  }
};

// The default weight block is large: each oneDNN call repacks the activations and a narrow N
// runs inefficiently. Measured on an AVX2 EPYC (gemm:jit), 512x4096x4096 with bf16 weights:
// 1 MiB blocks 10 GFLOP/s, 16 MiB 19, whole (64 MiB) 25, against 21-29 for f32 weights. The
// cap bounds the scratch for very wide weights such as an LM head.
MatmulEngine::MatmulEngine(int threads, int64_t weight_block_bytes)
    : impl_(std::make_unique<Impl>()) {
  impl_->threads = std::max(1, threads);
  impl_->weight_block_bytes = weight_block_bytes;
  // bf16 only with AVX512-BF16: elsewhere oneDNN 2.6 emulates it, slower than widening to f32.
  impl_->bf16_native = cpu_features().avx512_bf16 && impl_->native(DType::kBF16);
  impl_->f16_native = impl_->native(DType::kF16);
}

MatmulEngine::~MatmulEngine() = default;

DType MatmulEngine::compute_dtype(DType a_dtype, DType b_dtype) const {
  if (b_dtype == DType::kBF16 && impl_->bf16_native) return DType::kBF16;
  if (b_dtype == DType::kF16 && impl_->f16_native) return DType::kF16;
  return DType::kF32;
}

namespace {

// The key of the product with operands in dtype ct, a packed or strided, weights in place.
Key make_key(const GemmArgs& g, DType ct, int64_t lda) {
  // oneDNN recognises plain layouts by their strides; a unit dimension's stride is free, so
  // give it the dense value.
  const int64_t wk = g.K == 1 ? g.N : g.b_sk, wn = g.N == 1 ? g.K : g.b_sn;
  return {g.M, g.N, g.K, g.M == 1 ? g.K : lda, wk, wn, g.M == 1 ? g.N : g.ldc, ct, ct};
}

}  // namespace

std::string MatmulEngine::implementation(const GemmArgs& g) {
  const DType ct = compute_dtype(g.a_dtype, g.b_dtype);
  try {
    return impl_->primitive(make_key(g, ct, g.lda))->impl;
  } catch (const dnnl::error& e) {
    return std::string("none (") + e.what() + ")";
  }
}

void MatmulEngine::gemm(const GemmArgs& g, ThreadPool& pool) {
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K <= 0) {
    for (int64_t m = 0; m < g.M; ++m) std::fill_n(g.c + m * g.ldc, g.N, 0.0f);
    return;
  }
  LOKA_CHECK(g.b_sn == 1 || g.b_sk == 1, ErrorCode::kInvalidArgument,
             "matmul engine: weights need a unit stride along n or k");
  const DType ct = compute_dtype(g.a_dtype, g.b_dtype);
  try {
    // Scratch: the activations converted to ct (if needed), then one block of widened weights.
    const int64_t nb_max =
        std::clamp<int64_t>(impl_->weight_block_bytes / (g.K * 4) / 16 * 16, 16, g.N);
    const size_t a_bytes =
        g.a_dtype == ct ? 0 : (static_cast<size_t>(g.M * g.K) * esize(ct) + 63) / 64 * 64;
    const size_t w_bytes = g.b_dtype == ct ? 0 : static_cast<size_t>(nb_max * g.K) * 4;
    Impl::Lease scratch(*impl_);
    char* const buf = scratch.get(a_bytes + w_bytes);

    // Activations in the compute dtype: used in place, or converted row by row.
    const void* a = g.a;
    int64_t lda = g.lda;
    if (g.a_dtype != ct) {
      pool.parallel_for(g.M, 1, [&](int64_t m0, int64_t m1) {
        std::vector<float> tmp(static_cast<size_t>(g.K));
        for (int64_t m = m0; m < m1; ++m) {
          convert_row(g.a_dtype, static_cast<const char*>(g.a) + m * g.lda * esize(g.a_dtype), ct,
                      buf + m * g.K * esize(ct), g.K, tmp.data());
        }
      });
      a = buf;
      lda = g.K;
    }
    if (g.b_dtype == ct) {
      impl_->execute(make_key(g, ct, lda), a, g.b, g.c);
      return;
    }
    // Weights widened to f32 one block of columns at a time.
    float* const w = reinterpret_cast<float*>(buf + a_bytes);
    const bool rows_along_k = g.b_sk == 1;  // b is [N, K]: each column n is a run of K
    const size_t be = esize(g.b_dtype);
    const char* b = static_cast<const char*>(g.b);
    for (int64_t n0 = 0; n0 < g.N; n0 += nb_max) {
      const int64_t nb = std::min(nb_max, g.N - n0);
      if (rows_along_k) {
        pool.parallel_for(nb, 1, [&](int64_t i0, int64_t i1) {
          for (int64_t i = i0; i < i1; ++i) {
            to_f32(g.b_dtype, b + (n0 + i) * g.b_sn * be, w + i * g.K, g.K);
          }
        });
      } else {
        pool.parallel_for(g.K, 1, [&](int64_t k0, int64_t k1) {
          for (int64_t k = k0; k < k1; ++k) {
            to_f32(g.b_dtype, b + (k * g.b_sk + n0) * be, w + k * nb, nb);
          }
        });
      }
      GemmArgs blk = g;
      blk.N = nb;
      blk.b_sk = rows_along_k ? 1 : nb;
      blk.b_sn = rows_along_k ? g.K : 1;
      impl_->execute(make_key(blk, ct, lda), a, w, g.c + n0);
    }
  } catch (const dnnl::error& e) {
    throw Error(ErrorCode::kInternal, std::string("matmul: oneDNN failed for ") +
                                          std::to_string(g.M) + "x" + std::to_string(g.N) + "x" +
                                          std::to_string(g.K) + ": " + e.what());
  }
}

}  // namespace loka::cpu
