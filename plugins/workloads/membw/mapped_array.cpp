// SPDX-License-Identifier: MIT
#include "membw/mapped_array.hpp"

#include <sys/mman.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

namespace membw {

mapped_array::mapped_array(std::size_t elements) : elements_(elements) {
  if (elements == 0) return;
  bytes_ = elements * sizeof(element);
  void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    const int error = errno;
    throw std::system_error(error, std::generic_category(),
                            "cannot map an array of " + std::to_string(bytes_ >> 20) + " MiB");
  }
  data_ = static_cast<element*>(p);
}

mapped_array::~mapped_array() { release(); }

mapped_array::mapped_array(mapped_array&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      elements_(std::exchange(other.elements_, 0)),
      bytes_(std::exchange(other.bytes_, 0)) {}

mapped_array& mapped_array::operator=(mapped_array&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    elements_ = std::exchange(other.elements_, 0);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

void mapped_array::release() noexcept {
  if (data_ != nullptr) munmap(data_, bytes_);
  data_ = nullptr;
}

}  // namespace membw
