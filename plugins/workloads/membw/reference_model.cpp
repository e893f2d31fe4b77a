// SPDX-License-Identifier: MIT
#include "membw/reference_model.hpp"

#include <algorithm>

namespace membw {

element_values initial_values(std::size_t i) noexcept {
  // An odd multiplier is invertible modulo 2^64: distinct indices give distinct, non-zero
  // values of a.
  const element a = 0x9E3779B97F4A7C15ull * (static_cast<element>(i) + 1);
  const element c = a + 1;
  const element b = scale_factor * c + 1;
  return {a, b, c};
}

void apply(kernel k, element_values& v) noexcept {
  switch (k) {
    case kernel::copy:
      v.c = v.a;
      break;
    case kernel::scale:
      v.b = scale_factor * v.c;
      break;
    case kernel::add:
      v.c = v.a + v.b;
      break;
    case kernel::triad:
      v.a = v.b + scale_factor * v.c;
      break;
  }
}

element_values expected_values(std::size_t i, std::span<const kernel> sequence,
                               unsigned passes) noexcept {
  element_values v = initial_values(i);
  for (unsigned p = 0; p < passes; ++p) {
    for (kernel k : sequence) apply(k, v);
  }
  return v;
}

element_transform::element_transform(std::span<const kernel> sequence, unsigned passes) noexcept
    : m_{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}} {
  // One pass: the kernels' matrices applied in order (row = output a, b, c).
  constexpr element k = scale_factor;
  matrix pass = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  for (kernel step : sequence) {
    matrix km = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    switch (step) {
      case kernel::copy:  // c = a
        km[2][0] = 1, km[2][2] = 0;
        break;
      case kernel::scale:  // b = k*c
        km[1][1] = 0, km[1][2] = k;
        break;
      case kernel::add:  // c = a + b
        km[2][0] = 1, km[2][1] = 1, km[2][2] = 0;
        break;
      case kernel::triad:  // a = b + k*c
        km[0][0] = 0, km[0][1] = 1, km[0][2] = k;
        break;
    }
    matrix next;
    multiply(km, pass, next);
    std::copy(&next[0][0], &next[0][0] + 9, &pass[0][0]);
  }
  // m_ = pass^passes by squaring.
  for (unsigned n = passes; n != 0; n >>= 1) {
    matrix tmp;
    if (n & 1u) {
      multiply(pass, m_, tmp);
      std::copy(&tmp[0][0], &tmp[0][0] + 9, &m_[0][0]);
    }
    multiply(pass, pass, tmp);
    std::copy(&tmp[0][0], &tmp[0][0] + 9, &pass[0][0]);
  }
}

void element_transform::multiply(const matrix& left, const matrix& right, matrix& out) noexcept {
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      out[r][c] = left[r][0] * right[0][c] + left[r][1] * right[1][c] + left[r][2] * right[2][c];
    }
  }
}

element_values element_transform::operator()(const element_values& v) const noexcept {
  return {m_[0][0] * v.a + m_[0][1] * v.b + m_[0][2] * v.c,
          m_[1][0] * v.a + m_[1][1] * v.b + m_[1][2] * v.c,
          m_[2][0] * v.a + m_[2][1] * v.b + m_[2][2] * v.c};
}

void fill_initial(const arrays& x, std::size_t begin, std::size_t end) noexcept {
  for (std::size_t i = begin; i < end; ++i) {
    const element_values v = initial_values(i);
    if (x.a) x.a[i] = v.a;
    if (x.b) x.b[i] = v.b;
    if (x.c) x.c[i] = v.c;
  }
}

check_result check_range(const arrays& x, std::size_t begin, std::size_t end,
                         std::span<const kernel> sequence, unsigned passes) noexcept {
  const element_transform transform(sequence, passes);
  check_result result;
  for (std::size_t i = begin; i < end; ++i) {
    const element_values want = transform(initial_values(i));
    std::optional<mismatch> wrong;
    if (x.a && x.a[i] != want.a) wrong = mismatch{i, 'a', x.a[i], want.a};
    if (!wrong && x.b && x.b[i] != want.b) wrong = mismatch{i, 'b', x.b[i], want.b};
    if (!wrong && x.c && x.c[i] != want.c) wrong = mismatch{i, 'c', x.c[i], want.c};
    ++result.checked;
    if (wrong) {
      ++result.mismatches;
      if (!result.first) result.first = wrong;
    }
  }
  return result;
}

}  // namespace membw
