// SPDX-License-Identifier: MIT
// What every element must hold after a bandwidth run: the kernels' formulas evaluated one
// element at a time, used to verify the arrays after timing.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "membw/kernels.hpp"

namespace membw {

struct element_values {
  element a = 0, b = 0, c = 0;
  bool operator==(const element_values&) const = default;
};

// Initial contents of element i, distinct per index (so a chunk written at the wrong
// offset shows) and chosen so that no kernel's result equals what its destination held
// before: c != a (copy), b != k*c (scale), c != a + b (add), a != b + k*c (triad) for
// every index below 2^59, i.e. every array that fits in memory. A kernel that skipped its
// stores therefore always fails verification.
element_values initial_values(std::size_t i) noexcept;

// One kernel's formula applied to one element.
void apply(kernel k, element_values& v) noexcept;

// Element i after `passes` passes of `sequence` (each pass runs the sequence in order).
element_values expected_values(std::size_t i, std::span<const kernel> sequence,
                               unsigned passes) noexcept;

// The effect of `passes` passes of `sequence` on one element as a 3x3 matrix over the
// integers modulo 2^64: every kernel is linear in (a, b, c), so the whole run is one
// matrix, raised to the number of passes by squaring. Checking an element then costs the
// same for 1 pass as for 1000; expected_values stays the plain definition it must match.
class element_transform {
 public:
  element_transform(std::span<const kernel> sequence, unsigned passes) noexcept;
  element_values operator()(const element_values& v) const noexcept;

 private:
  using matrix = element[3][3];
  static void multiply(const matrix& left, const matrix& right, matrix& out) noexcept;
  matrix m_;
};

// Writes initial_values into elements [begin, end) of the non-null arrays of `x`.
void fill_initial(const arrays& x, std::size_t begin, std::size_t end) noexcept;

struct mismatch {
  std::size_t index = 0;
  char array = '?';  // 'a', 'b' or 'c'
  element got = 0, expected = 0;
};

struct check_result {
  std::size_t checked = 0;     // elements compared (in every non-null array)
  std::size_t mismatches = 0;  // elements with at least one wrong array
  std::optional<mismatch> first;
};

// Compares elements [begin, end) of the non-null arrays of `x` with what `passes` passes
// of `sequence` leave there (expected_values, computed through element_transform).
check_result check_range(const arrays& x, std::size_t begin, std::size_t end,
                         std::span<const kernel> sequence, unsigned passes) noexcept;

}  // namespace membw
