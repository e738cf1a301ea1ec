// Tensor storage, views and layout queries.
#include "core/tensor.h"

#include <cstdlib>
#include <cstring>

#include "core/error.h"

namespace loka {

std::shared_ptr<Storage> Storage::allocate_host(size_t bytes) {
  const size_t rounded = (bytes + kHostAlignment - 1) / kHostAlignment * kHostAlignment;
  void* p = std::aligned_alloc(kHostAlignment, rounded == 0 ? kHostAlignment : rounded);
  if (p == nullptr) {
    throw Error(ErrorCode::kOutOfMemory,
                "host allocation of " + std::to_string(bytes) + " bytes failed");
  }
  auto s = std::make_shared<Storage>();
  s->data = p;
  s->bytes = bytes;
  s->kind = StorageKind::kOwned;
  s->keepalive = std::shared_ptr<void>(p, std::free);
  return s;
}

std::shared_ptr<Storage> Storage::borrow(void* data, size_t bytes, std::shared_ptr<void> keepalive,
                                         Device device) {
  auto s = std::make_shared<Storage>();
  s->data = data;
  s->bytes = bytes;
  s->device = device;
  s->kind = device.is_host() ? StorageKind::kBorrowed : StorageKind::kDevice;
  s->keepalive = std::move(keepalive);
  return s;
}

Tensor::Tensor(DType dtype, Shape shape, Strides strides, std::shared_ptr<Storage> storage,
               size_t byte_offset)
    : dtype_(dtype),
      shape_(shape),
      strides_(strides),
      storage_(std::move(storage)),
      offset_(byte_offset) {
  LOKA_CHECK(shape_.size() == strides_.size(), ErrorCode::kInvalidArgument,
        "shape " + shape_.str() + " and strides " + strides_.str() + " differ in rank");
}

static size_t checked_nbytes(DType dtype, const Shape& shape) {
  const int64_t n = shape_numel(shape);
  if (is_quantized(dtype)) {
    const int64_t block = dtype_info(dtype).block_elems;
    LOKA_CHECK(shape.size() > 0 && shape[shape.size() - 1] % block == 0, ErrorCode::kInvalidArgument,
          "innermost extent of " + shape.str() + " is not a multiple of the " +
              std::string(dtype_name(dtype)) + " block size " + std::to_string(block));
  }
  auto bytes = dtype_bytes(dtype, static_cast<uint64_t>(n));
  LOKA_CHECK(bytes.has_value(), ErrorCode::kInvalidArgument,
        "byte size of " + std::string(dtype_name(dtype)) + shape.str() + " overflows");
  return *bytes;
}

Tensor Tensor::empty(DType dtype, const Shape& shape) {
  const size_t bytes = checked_nbytes(dtype, shape);
  return Tensor(dtype, shape, contiguous_strides(shape), Storage::allocate_host(bytes), 0);
}

Tensor Tensor::zeros(DType dtype, const Shape& shape) {
  Tensor t = empty(dtype, shape);
  std::memset(t.data(), 0, t.nbytes());
  return t;
}

Tensor Tensor::borrow(DType dtype, const Shape& shape, const void* data,
                      std::shared_ptr<void> keepalive, Device device) {
  const size_t bytes = checked_nbytes(dtype, shape);
  auto storage = Storage::borrow(const_cast<void*>(data), bytes, std::move(keepalive), device);
  return Tensor(dtype, shape, contiguous_strides(shape), std::move(storage), 0);
}

int64_t Tensor::numel() const { return shape_numel(shape_); }

size_t Tensor::nbytes() const { return checked_nbytes(dtype_, shape_); }

bool Tensor::is_contiguous() const {
  if (numel() == 0) return true;
  int64_t expect = 1;
  for (int i = shape_.size() - 1; i >= 0; --i) {
    if (shape_[i] == 1) continue;
    if (strides_[i] != expect) return false;
    expect *= shape_[i];
  }
  return true;
}

bool Tensor::is_aligned(size_t alignment) const {
  return reinterpret_cast<uintptr_t>(data()) % alignment == 0;
}

Device Tensor::device() const { return storage_ ? storage_->device : Device{}; }

StorageKind Tensor::storage_kind() const {
  return storage_ ? storage_->kind : StorageKind::kOwned;
}

void* Tensor::data() const {
  LOKA_CHECK(storage_ != nullptr, ErrorCode::kInvalidArgument, "tensor has no storage");
  return static_cast<char*>(storage_->data) + offset_;
}

int Tensor::norm_dim(int d) const {
  const int idx = d < 0 ? ndim() + d : d;
  LOKA_CHECK(idx >= 0 && idx < ndim(), ErrorCode::kInvalidArgument,
        "dimension " + std::to_string(d) + " out of range for " + describe());
  return idx;
}

Tensor Tensor::reshape(const Shape& shape) const {
  LOKA_CHECK(is_contiguous(), ErrorCode::kInvalidArgument,
        "reshape of non-contiguous tensor " + describe());
  LOKA_CHECK(shape_numel(shape) == numel(), ErrorCode::kInvalidArgument,
        "cannot reshape " + describe() + " to " + shape.str());
  return Tensor(dtype_, shape, contiguous_strides(shape), storage_, offset_);
}

Tensor Tensor::slice(int dim, int64_t start, int64_t end) const {
  const int d = norm_dim(dim);
  LOKA_CHECK(0 <= start && start <= end && end <= shape_[d], ErrorCode::kInvalidArgument,
        "slice [" + std::to_string(start) + ", " + std::to_string(end) + ") out of range for " +
            describe());
  LOKA_CHECK(!is_quantized(dtype_) || d != ndim() - 1, ErrorCode::kUnsupported,
        "slicing the innermost dimension of a block-quantized tensor");
  Shape s = shape_;
  s[d] = end - start;
  const int64_t elem_offset = start * strides_[d];
  auto bytes = dtype_bytes(dtype_, static_cast<uint64_t>(elem_offset));
  LOKA_CHECK(bytes.has_value(), ErrorCode::kInvalidArgument, "slice offset not on a block boundary");
  return Tensor(dtype_, s, strides_, storage_, offset_ + *bytes);
}

Tensor Tensor::select(int dim, int64_t index) const {
  const int d = norm_dim(dim);
  Tensor one = slice(d, index, index + 1);
  Shape s;
  Strides st;
  for (int i = 0; i < ndim(); ++i) {
    if (i == d) continue;
    s.push_back(shape_[i]);
    st.push_back(strides_[i]);
  }
  return Tensor(dtype_, s, st, storage_, one.offset_);
}

Tensor Tensor::transpose(int a, int b) const {
  const int da = norm_dim(a), db = norm_dim(b);
  LOKA_CHECK(!is_quantized(dtype_), ErrorCode::kUnsupported, "transpose of a block-quantized tensor");
  Shape s = shape_;
  Strides st = strides_;
  std::swap(s[da], s[db]);
  std::swap(st[da], st[db]);
  return Tensor(dtype_, s, st, storage_, offset_);
}

Tensor Tensor::contiguous() const {
  LOKA_CHECK(device().is_host(), ErrorCode::kUnsupported, "contiguous() of a device tensor");
  if (is_contiguous()) {
    Tensor out = empty(dtype_, shape_);
    std::memcpy(out.data(), data(), nbytes());
    return out;
  }
  Tensor out = empty(dtype_, shape_);
  const size_t esize = static_cast<size_t>(dtype_info(dtype_).block_bytes);
  const int64_t n = numel();
  const char* src = static_cast<const char*>(data());
  char* dst = static_cast<char*>(out.data());
  std::array<int64_t, kMaxDims> idx{};
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (int d = 0; d < ndim(); ++d) off += idx[d] * strides_[d];
    std::memcpy(dst + i * esize, src + off * static_cast<int64_t>(esize), esize);
    for (int d = ndim() - 1; d >= 0; --d) {
      if (++idx[d] < shape_[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

std::string Tensor::describe() const {
  return std::string(dtype_name(dtype_)) + shape_.str() + " " + device().str();
}

}  // namespace loka
