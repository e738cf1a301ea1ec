// CPU embedding: ids checked against the table, then rows gathered and
// converted to the output dtype.
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/kernel_registry.h"

namespace loka::cpu {
namespace {

// "ids[1, 3]" for flat index 7 of ids[2, 4].
std::string id_position(const Shape& shape, int64_t flat) {
  std::vector<int64_t> index(static_cast<size_t>(shape.size()));
  for (int d = shape.size() - 1; d >= 0; --d) {
    index[static_cast<size_t>(d)] = flat % shape[d];
    flat /= shape[d];
  }
  std::string s = "ids[";
  for (size_t i = 0; i < index.size(); ++i) s += (i ? ", " : "") + std::to_string(index[i]);
  return s + "]";
}

bool supports_embedding(const OpNode& n) {
  if (n.src.size() != 2 || n.dst.size() != 1) return false;
  const Tensor &table = n.src[0], &ids = n.src[1], &out = n.dst[0];
  if (!table.is_contiguous() || !ids.is_contiguous() || !out.is_contiguous()) return false;
  if (!is_float_dtype(table.dtype()) || !is_float_dtype(out.dtype())) return false;
  if (ids.dtype() != DType::kI32 || table.ndim() != 2) return false;
  Shape want = ids.shape();
  if (want.size() >= kMaxDims) return false;
  want.push_back(table.dim(1));
  return out.shape() == want;
}

void run_embedding(const OpNode& n, CpuContext& ctx) {
  const Tensor &table = n.src[0], &ids = n.src[1], &out = n.dst[0];
  const int64_t vocab = table.dim(0), d = table.dim(1), count = ids.numel();
  const int32_t* id = ids.data_as<const int32_t>();
  for (int64_t i = 0; i < count; ++i) {
    if (id[i] < 0 || id[i] >= vocab) {
      throw Error(ErrorCode::kInvalidArgument,
                  "embedding: id " + std::to_string(id[i]) + " at " + id_position(ids.shape(), i) +
                      " is outside the table's range [0, " + std::to_string(vocab) + ")");
    }
  }
  const size_t et = dtype_info(table.dtype()).block_bytes;
  const size_t eo = dtype_info(out.dtype()).block_bytes;
  const char* src = static_cast<const char*>(table.data());
  char* dst = static_cast<char*>(out.data());
  ctx.pool.parallel_for(count, 16, [&](int64_t i0, int64_t i1) {
    std::vector<float> row;
    for (int64_t i = i0; i < i1; ++i) {
      const char* from = src + id[i] * d * et;
      char* to = dst + i * d * eo;
      if (table.dtype() == out.dtype()) {
        std::memcpy(to, from, static_cast<size_t>(d) * et);
      } else if (out.dtype() == DType::kF32) {
        to_f32(table.dtype(), from, reinterpret_cast<float*>(to), d);
      } else {
        row.resize(static_cast<size_t>(d));
        to_f32(table.dtype(), from, row.data(), d);
        from_f32(out.dtype(), row.data(), to, d);
      }
    }
  });
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kEmbedding, supports_embedding, run_embedding);

}  // namespace loka::cpu
