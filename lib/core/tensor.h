// Tensor: dtype + shape + strides over storage that is owned, borrowed (e.g.
// from an mmap'd file) or on a device.
//
// Alignment: storage allocated by loka on the host is 64-byte aligned (a cache
// line, an AVX-512 register). Borrowed storage has whatever alignment its
// source gives (GGUF: the file's general.alignment, 32 by default; safetensors:
// 8 bytes at best); kernels may rely only on element alignment, which the
// readers check, and ask `is_aligned()` before taking a faster path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/device.h"
#include "core/dtype.h"
#include "core/shape.h"

namespace loka {

constexpr size_t kHostAlignment = 64;

enum class StorageKind { kOwned, kBorrowed, kDevice };

/// A span of bytes and whatever keeps it alive.
struct Storage {
  void* data = nullptr;
  size_t bytes = 0;
  Device device;
  StorageKind kind = StorageKind::kOwned;
  std::shared_ptr<void> keepalive;  // frees or unmaps on last release

  /// Host memory, kHostAlignment-aligned, uninitialised. Throws kOutOfMemory.
  static std::shared_ptr<Storage> allocate_host(size_t bytes);
  /// Memory owned by someone else; `keepalive` holds it (may be null).
  static std::shared_ptr<Storage> borrow(void* data, size_t bytes, std::shared_ptr<void> keepalive,
                                         Device device = {});
};

class Tensor {
 public:
  Tensor() = default;
  Tensor(DType dtype, Shape shape, Strides strides, std::shared_ptr<Storage> storage,
         size_t byte_offset);

  /// New contiguous host tensor, uninitialised.
  static Tensor empty(DType dtype, const Shape& shape);
  /// New contiguous host tensor filled with zero bytes.
  static Tensor zeros(DType dtype, const Shape& shape);
  /// Contiguous tensor over memory it does not own; `keepalive` holds it.
  static Tensor borrow(DType dtype, const Shape& shape, const void* data,
                       std::shared_ptr<void> keepalive, Device device = {});

  bool defined() const { return storage_ != nullptr; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  const Strides& strides() const { return strides_; }
  int ndim() const { return shape_.size(); }
  int64_t dim(int i) const { return shape_.at(i); }
  int64_t numel() const;
  /// Bytes spanned by a contiguous tensor of this shape and dtype.
  size_t nbytes() const;
  bool is_contiguous() const;
  bool is_aligned(size_t alignment) const;
  Device device() const;
  StorageKind storage_kind() const;
  const std::shared_ptr<Storage>& storage() const { return storage_; }
  size_t byte_offset() const { return offset_; }

  void* data() const;
  template <typename T>
  T* data_as() const { return static_cast<T*>(data()); }

  /// Same data, new shape; requires a contiguous tensor and equal numel.
  Tensor reshape(const Shape& shape) const;
  /// View of [start, end) along `dim`.
  Tensor slice(int dim, int64_t start, int64_t end) const;
  /// View with `dim` removed, at `index`.
  Tensor select(int dim, int64_t index) const;
  /// View with dimensions a and b swapped.
  Tensor transpose(int a, int b) const;
  /// A contiguous host copy (same dtype).
  Tensor contiguous() const;

  std::string describe() const;  // "bf16[2, 3] cpu"

 private:
  int norm_dim(int d) const;

  DType dtype_ = DType::kF32;
  Shape shape_;
  Strides strides_;
  std::shared_ptr<Storage> storage_;
  size_t offset_ = 0;
};

}  // namespace loka
