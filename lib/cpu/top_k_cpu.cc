// CPU top_k: per row, a size-k heap of the best elements so far; chunks whose
// elements cannot enter the heap are rejected by one vectorized pass.
#include <algorithm>
#include <cstdint>
#include <variant>
#include <vector>

#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/f32_view.h"
#include "cpu/kernel_registry.h"
#include "cpu/simd.h"

namespace loka::cpu {
namespace {

constexpr int64_t kChunk = 256;

struct Entry {
  float value;
  int32_t index;
};

/// The output order: larger value first, NaN above every number, then smaller index.
bool better(const Entry& a, const Entry& b) {
  const bool an = a.value != a.value, bn = b.value != b.value;
  if (an || bn) return an && (!bn || a.index < b.index);
  return a.value > b.value || (a.value == b.value && a.index < b.index);
}

/// How many of x[0, n) are above t or NaN.
LOKA_VECTORIZE int64_t count_candidates(const float* x, int64_t n, float t) {
  int64_t count = 0;
#pragma omp simd reduction(+ : count)
  for (int64_t i = 0; i < n; ++i) count += (x[i] > t) | (x[i] != x[i]);
  return count;
}

/// Fills heap (capacity k) with the row's best k, then sorts it best first.
/// Row = elements [base, base + n) of contiguous t.
void top_k_row(const Tensor& t, int64_t base, int64_t n, int64_t k, float* buf,
               std::vector<Entry>& heap) {
  heap.clear();
  for (int64_t i0 = 0; i0 < n; i0 += kChunk) {
    const int64_t len = std::min(kChunk, n - i0);
    const float* x = f32_view(t, base + i0, len, buf);
    // Later indices lose ties, so once the heap is full only values above its
    // worst (or NaNs, unless the worst is a NaN already) can enter.
    if (static_cast<int64_t>(heap.size()) == k) {
      const float worst = heap.front().value;
      if (worst != worst || count_candidates(x, len, worst) == 0) continue;
    }
    for (int64_t i = 0; i < len; ++i) {
      const Entry e{x[i], static_cast<int32_t>(i0 + i)};
      if (static_cast<int64_t>(heap.size()) < k) {
        heap.push_back(e);
        std::push_heap(heap.begin(), heap.end(), better);  // worst on top
      } else if (better(e, heap.front())) {
        std::pop_heap(heap.begin(), heap.end(), better);
        heap.back() = e;
        std::push_heap(heap.begin(), heap.end(), better);
      }
    }
  }
  std::sort_heap(heap.begin(), heap.end(), better);
}

bool supports_top_k(const OpNode& n) {
  if (n.src.size() != 1 || n.dst.size() != 2 || !std::holds_alternative<TopKParams>(n.params)) {
    return false;
  }
  const Tensor &x = n.src[0], &values = n.dst[0], &indices = n.dst[1];
  const int64_t k = std::get<TopKParams>(n.params).k;
  return x.is_contiguous() && values.is_contiguous() && indices.is_contiguous() &&
         is_float_dtype(x.dtype()) && values.dtype() == x.dtype() &&
         indices.dtype() == DType::kI32 && x.ndim() >= 1 && k >= 1 && k <= x.dim(-1) &&
         values.ndim() == x.ndim() && values.dim(-1) == k && indices.shape() == values.shape() &&
         values.numel() / k == x.numel() / x.dim(-1);
}

void run_top_k(const OpNode& n, CpuContext& ctx) {
  const Tensor &x = n.src[0], &values = n.dst[0], &indices = n.dst[1];
  const int64_t cols = x.dim(-1), k = std::get<TopKParams>(n.params).k;
  const int64_t rows = values.numel() / k;
  const size_t esize = dtype_info(x.dtype()).block_bytes;
  ctx.pool.parallel_for(rows, 1, [&](int64_t r0, int64_t r1) {
    float buf[kChunk];
    std::vector<Entry> heap;
    heap.reserve(static_cast<size_t>(k));
    std::vector<float> vals(static_cast<size_t>(k));
    for (int64_t r = r0; r < r1; ++r) {
      top_k_row(x, r * cols, cols, k, buf, heap);
      int32_t* idx = indices.data_as<int32_t>() + r * k;
      for (int64_t j = 0; j < k; ++j) {
        vals[j] = heap[j].value;
        idx[j] = heap[j].index;
      }
      from_f32(x.dtype(), vals.data(), static_cast<char*>(values.data()) + r * k * esize, k);
    }
  });
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kTopK, supports_top_k, run_top_k);

}  // namespace loka::cpu
