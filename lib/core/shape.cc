// Shape helpers with overflow checks.
#include "core/shape.h"

#include "core/error.h"

namespace loka {

Dims::Dims(std::initializer_list<int64_t> dims) {
  for (int64_t v : dims) push_back(v);
}

Dims::Dims(const std::vector<int64_t>& dims) {
  for (int64_t v : dims) push_back(v);
}

int64_t Dims::at(int i) const {
  const int idx = i < 0 ? n_ + i : i;
  LOKA_CHECK(idx >= 0 && idx < n_, ErrorCode::kInvalidArgument,
        "dimension index " + std::to_string(i) + " out of range for " + str());
  return d_[idx];
}

void Dims::push_back(int64_t v) {
  LOKA_CHECK(n_ < kMaxDims, ErrorCode::kInvalidArgument,
        "more than " + std::to_string(kMaxDims) + " dimensions");
  d_[n_++] = v;
}

bool Dims::operator==(const Dims& o) const {
  if (n_ != o.n_) return false;
  for (int i = 0; i < n_; ++i) {
    if (d_[i] != o.d_[i]) return false;
  }
  return true;
}

std::string Dims::str() const {
  std::string s = "[";
  for (int i = 0; i < n_; ++i) {
    if (i) s += ", ";
    s += std::to_string(d_[i]);
  }
  return s + "]";
}

int64_t shape_numel(const Shape& s) {
  int64_t n = 1;
  for (int i = 0; i < s.size(); ++i) {
    LOKA_CHECK(s[i] >= 0, ErrorCode::kInvalidArgument, "negative extent in shape " + s.str());
    LOKA_CHECK(!__builtin_mul_overflow(n, s[i], &n), ErrorCode::kInvalidArgument,
          "element count of shape " + s.str() + " overflows");
  }
  return n;
}

Strides contiguous_strides(const Shape& s) {
  Strides st;
  for (int i = 0; i < s.size(); ++i) st.push_back(0);
  int64_t acc = 1;
  for (int i = s.size() - 1; i >= 0; --i) {
    st[i] = acc;
    acc *= s[i] > 0 ? s[i] : 1;
  }
  return st;
}

}  // namespace loka
