// SPDX-License-Identifier: MIT
// An array of elements in its own anonymous mapping: page-aligned, and not yet backed by
// memory, so the thread that first writes a page decides which NUMA node holds it.
#pragma once

#include <cstddef>

#include "membw/kernels.hpp"

namespace membw {

class mapped_array {
 public:
  mapped_array() = default;
  // Throws std::system_error (ENOMEM when the address space or overcommit limit says no).
  explicit mapped_array(std::size_t elements);
  ~mapped_array();
  mapped_array(mapped_array&& other) noexcept;
  mapped_array& operator=(mapped_array&& other) noexcept;
  mapped_array(const mapped_array&) = delete;
  mapped_array& operator=(const mapped_array&) = delete;

  element* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return elements_; }

 private:
  void release() noexcept;
  element* data_ = nullptr;
  std::size_t elements_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace membw
