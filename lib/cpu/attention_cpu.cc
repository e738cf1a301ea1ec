// CPU attention: per (query, head) an online softmax over blocks of keys
// (flash-style: running max and sum, one pass), in f32. Query heads that share
// a kv head are processed together so each K/V row is converted once per block.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/kernel_registry.h"
#include "cpu/row_math.h"
#include "cpu/simd.h"
#include "cpu/vec_math.h"

namespace loka::cpu {
namespace {

constexpr int64_t kBlock = 32;  // keys per block: scores, K and V rows stay in L1/L2

/// Rows of a [rows, heads, dim] tensor whose last dimension is contiguous.
struct RowView {
  const char* base;
  int64_t stride0, stride1;  // elements
  DType dtype;
  size_t esize;
  explicit RowView(const Tensor& t)
      : base(static_cast<const char*>(t.data())),
        stride0(t.strides()[0]),
        stride1(t.strides()[1]),
        dtype(t.dtype()),
        esize(dtype_info(t.dtype()).block_bytes) {}
  const char* row(int64_t i, int64_t h) const {
    return base + (i * stride0 + h * stride1) * static_cast<int64_t>(esize);
  }
  /// Rows [s0, s0 + nb) of head h as f32 rows `ld` floats apart: in place
  /// for f32, else converted into buf (rows of `dim`).
  const float* rows_f32(int64_t s0, int64_t nb, int64_t h, int64_t dim, float* buf,
                        int64_t* ld) const {
    if (dtype == DType::kF32) {
      *ld = stride0;
      return reinterpret_cast<const float*>(row(s0, h));
    }
    for (int64_t b = 0; b < nb; ++b) to_f32(dtype, row(s0 + b, h), buf + b * dim, dim);
    *ld = dim;
    return buf;
  }
};

/// sc[b] = q . k[b] for nb key rows of length d, `ld` floats apart. Four
/// rows at a time: four independent sums hide the FMA latency.
LOKA_VECTORIZE void block_scores(const float* q, const float* k, int64_t ld, int64_t nb,
                                 int64_t d, float* sc) {
  int64_t b = 0;
  for (; b + 4 <= nb; b += 4) {
    const float *k0 = k + b * ld, *k1 = k0 + ld, *k2 = k1 + ld, *k3 = k2 + ld;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
    for (int64_t i = 0; i < d; ++i) {
      s0 += q[i] * k0[i];
      s1 += q[i] * k1[i];
      s2 += q[i] * k2[i];
      s3 += q[i] * k3[i];
    }
    sc[b] = s0;
    sc[b + 1] = s1;
    sc[b + 2] = s2;
    sc[b + 3] = s3;
  }
  for (; b < nb; ++b) {
    const float* kb = k + b * ld;
    float sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int64_t i = 0; i < d; ++i) sum += q[i] * kb[i];
    sc[b] = sum;
  }
}

LOKA_VECTORIZE float block_max(const float* x, int64_t n) {
  float m = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : m)
  for (int64_t i = 0; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;
}

/// x[i] = exp(x[i] - m); returns the sum.
LOKA_VECTORIZE float exp_shifted(float* x, float m, int64_t n) {
  float sum = 0;
#pragma omp simd reduction(+ : sum)
  for (int64_t i = 0; i < n; ++i) {
    x[i] = exp_f32(x[i] - m);
    sum += x[i];
  }
  return sum;
}

/// acc += sum_b p[b] v[b] for nb value rows of length dv, `ld` floats apart;
/// four rows per pass over acc.
LOKA_VECTORIZE void block_accumulate(float* acc, const float* p, const float* v, int64_t ld,
                                     int64_t nb, int64_t dv) {
  int64_t b = 0;
  for (; b + 4 <= nb; b += 4) {
    const float *v0 = v + b * ld, *v1 = v0 + ld, *v2 = v1 + ld, *v3 = v2 + ld;
    const float w0 = p[b], w1 = p[b + 1], w2 = p[b + 2], w3 = p[b + 3];
    LOKA_SIMD
    for (int64_t i = 0; i < dv; ++i) acc[i] += w0 * v0[i] + w1 * v1[i] + w2 * v2[i] + w3 * v3[i];
  }
  for (; b < nb; ++b) {
    const float w = p[b];
    const float* vb = v + b * ld;
    LOKA_SIMD
    for (int64_t i = 0; i < dv; ++i) acc[i] += w * vb[i];
  }
}

struct Shapes {
  int64_t t, hq, d, s, hkv, dv, group;
  float scale;
  bool causal;
};

/// Per-thread scratch, sized for one kv group: nothing here grows with T or S.
struct Scratch {
  std::vector<float> q, acc, m, l, sc, k, v;
  explicit Scratch(const Shapes& sh)
      : q(sh.group * sh.d), acc(sh.group * sh.dv), m(sh.group), l(sh.group),
        sc(sh.group * kBlock), k(kBlock * sh.d), v(kBlock * sh.dv) {}
};

/// Query heads [h0, h0 + nh) of query t, all on kv head h0 / group.
void attend_run(const Shapes& sh, const RowView& q, const RowView& k, const RowView& v,
                const Tensor& out, int64_t t, int64_t h0, int64_t nh, Scratch& w) {
  const int64_t kvh = h0 / sh.group;
  for (int64_t j = 0; j < nh; ++j) {
    to_f32(q.dtype, q.row(t, h0 + j), &w.q[j * sh.d], sh.d);
    scale_row(&w.q[j * sh.d], sh.scale, sh.d);
    w.m[j] = -std::numeric_limits<float>::infinity();
    w.l[j] = 0;
    std::fill_n(&w.acc[j * sh.dv], sh.dv, 0.0f);
  }
  const int64_t keys = sh.causal ? sh.s - sh.t + t + 1 : sh.s;
  for (int64_t s0 = 0; s0 < keys; s0 += kBlock) {
    const int64_t nb = std::min(kBlock, keys - s0);
    int64_t ldk = 0, ldv = 0;
    const float* kr = k.rows_f32(s0, nb, kvh, sh.d, w.k.data(), &ldk);
    for (int64_t j = 0; j < nh; ++j) {
      float* sc = &w.sc[j * kBlock];
      block_scores(&w.q[j * sh.d], kr, ldk, nb, sh.d, sc);
      const float m_new = std::max(w.m[j], block_max(sc, nb));
      const float correction = exp_f32(w.m[j] - m_new);  // 0 on the first block
      w.l[j] = w.l[j] * correction + exp_shifted(sc, m_new, nb);
      if (correction != 1.0f) scale_row(&w.acc[j * sh.dv], correction, sh.dv);
      w.m[j] = m_new;
    }
    const float* vr = v.rows_f32(s0, nb, kvh, sh.dv, w.v.data(), &ldv);
    for (int64_t j = 0; j < nh; ++j) {
      block_accumulate(&w.acc[j * sh.dv], &w.sc[j * kBlock], vr, ldv, nb, sh.dv);
    }
  }
  const size_t eo = dtype_info(out.dtype()).block_bytes;
  for (int64_t j = 0; j < nh; ++j) {
    scale_row(&w.acc[j * sh.dv], 1.0f / w.l[j], sh.dv);
    char* dst = static_cast<char*>(out.data()) + ((t * sh.hq + h0 + j) * sh.dv) * eo;
    from_f32(out.dtype(), &w.acc[j * sh.dv], dst, sh.dv);
  }
}

bool inner_contiguous(const Tensor& t) {
  return t.ndim() == 3 && (t.strides()[2] == 1 || t.dim(2) == 1) && is_float_dtype(t.dtype());
}

// The optional fourth source: i32[1] in host memory, the number of kv positions that count.
bool kv_len_ok(const OpNode& n) {
  if (n.src.size() == 3) return true;
  const Tensor& len = n.src[3];
  return n.src.size() == 4 && len.dtype() == DType::kI32 && len.numel() == 1 &&
         len.device().is_host();
}

bool supports_attention(const OpNode& n) {
  if ((n.src.size() != 3 && n.src.size() != 4) || !kv_len_ok(n) || n.dst.size() != 1 ||
      !std::holds_alternative<AttentionParams>(n.params)) {
    return false;
  }
  const Tensor &q = n.src[0], &k = n.src[1], &v = n.src[2], &out = n.dst[0];
  if (!inner_contiguous(q) || !inner_contiguous(k) || !inner_contiguous(v)) return false;
  const bool causal = std::get<AttentionParams>(n.params).causal;
  return k.dim(2) == q.dim(2) && v.dim(0) == k.dim(0) && v.dim(1) == k.dim(1) &&
         k.dim(1) >= 1 && k.dim(0) >= 1 && q.dim(1) % k.dim(1) == 0 &&
         (!causal || k.dim(0) >= q.dim(0)) && out.is_contiguous() &&
         is_float_dtype(out.dtype()) && out.shape() == Shape{q.dim(0), q.dim(1), v.dim(2)};
}

void run_attention(const OpNode& n, CpuContext& ctx) {
  const Tensor &q = n.src[0], &out = n.dst[0];
  const auto& p = std::get<AttentionParams>(n.params);
  Tensor k = n.src[1], v = n.src[2];
  if (n.src.size() == 4) {  // read now: a recorded step sees the length of its replay
    const int64_t len = *n.src[3].data_as<const int32_t>();
    const int64_t low = p.causal ? std::max<int64_t>(q.dim(0), 1) : 1;
    LOKA_CHECK(len >= low && len <= k.dim(0), ErrorCode::kInvalidArgument,
               "attention: kv_len " + std::to_string(len) + " is outside [" +
                   std::to_string(low) + ", " + std::to_string(k.dim(0)) + "]");
    k = k.slice(0, 0, len);
    v = v.slice(0, 0, len);
  }
  Shapes sh{q.dim(0), q.dim(1), q.dim(2), k.dim(0), k.dim(1), v.dim(2), 0, p.scale, p.causal};
  sh.group = sh.hq / sh.hkv;
  const RowView qv(q), kv(k), vv(v);
  // Items are (query, head) pairs. The pool hands each thread one contiguous
  // range, so queries are visited in the order 0, T-1, 1, T-2, ... to give
  // every range a similar share of causal work.
  ctx.pool.parallel_for(sh.t * sh.hq, 1, [&](int64_t i0, int64_t i1) {
    Scratch w(sh);
    for (int64_t i = i0; i < i1;) {
      const int64_t j = i / sh.hq, h = i % sh.hq;
      const int64_t t = j % 2 == 0 ? j / 2 : sh.t - 1 - j / 2;
      const int64_t group_end = (h / sh.group + 1) * sh.group;
      const int64_t nh = std::min(group_end - h, i1 - i);
      attend_run(sh, qv, kv, vv, out, t, h, nh, w);
      i += nh;
    }
  });
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kAttention, supports_attention, run_attention);

}  // namespace loka::cpu
