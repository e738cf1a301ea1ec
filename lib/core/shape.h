// Shapes and strides: up to kMaxDims dimensions, outermost first (row-major).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace loka {

constexpr int kMaxDims = 8;

/// A fixed-capacity list of int64 extents, outermost dimension first.
class Dims {
 public:
  Dims() = default;
  Dims(std::initializer_list<int64_t> dims);
  explicit Dims(const std::vector<int64_t>& dims);

  int size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t operator[](int i) const { return d_[i]; }
  int64_t& operator[](int i) { return d_[i]; }
  /// Index from the back for negative i (-1 is the innermost dimension).
  int64_t at(int i) const;
  void push_back(int64_t v);
  const int64_t* begin() const { return d_.data(); }
  const int64_t* end() const { return d_.data() + n_; }
  std::vector<int64_t> to_vector() const { return {begin(), end()}; }
  bool operator==(const Dims& o) const;
  bool operator!=(const Dims& o) const { return !(*this == o); }
  std::string str() const;  // "[2, 3, 4]"

 private:
  std::array<int64_t, kMaxDims> d_{};
  int n_ = 0;
};

using Shape = Dims;
using Strides = Dims;  // in elements, not bytes

/// Product of the extents; throws Error(kInvalidArgument) on a negative extent
/// or on overflow of int64.
int64_t shape_numel(const Shape& s);

/// Row-major (C-contiguous) strides for `s`.
Strides contiguous_strides(const Shape& s);

}  // namespace loka
