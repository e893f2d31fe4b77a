// SPDX-License-Identifier: MIT
// Counts what the program allocates with operator new, so tests can say "reading this
// file allocated no more than N bytes": the global operator new and delete replaced by
// ones that add up the bytes of the largest request and the total. Include it in exactly
// one file of an executable.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace allocation_counter {

inline std::atomic<std::size_t> total{0};    // bytes requested since the last reset()
inline std::atomic<std::size_t> largest{0};  // the largest single request since then

inline void reset() {
  total = 0;
  largest = 0;
}

inline void* allocate(std::size_t size) {
  total += size;
  std::size_t seen = largest.load();
  while (size > seen && !largest.compare_exchange_weak(seen, size)) {
  }
  if (void* p = std::malloc(size != 0 ? size : 1)) return p;
  throw std::bad_alloc();
}

}  // namespace allocation_counter

#if defined(__SANITIZE_ADDRESS__)
#define ALLOCATION_COUNTER_SANITIZER_HOOKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ALLOCATION_COUNTER_SANITIZER_HOOKS 1
#endif
#endif

#ifdef ALLOCATION_COUNTER_SANITIZER_HOOKS
// Under AddressSanitizer its allocator owns new and delete, and libFuzzer's own code
// allocates through it: a replaced pair would free what the sanitizer's new returned.
// The sanitizer's malloc hooks see every allocation instead. Declared here: GCC's runtime
// has the function but GCC ships no allocator_interface.h (clang does).
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*,
                                                                             std::size_t),
                                                         void (*free_hook)(const volatile void*));

namespace allocation_counter {
inline void on_malloc(const volatile void*, std::size_t size) {
  total += size;
  std::size_t seen = largest.load();
  while (size > seen && !largest.compare_exchange_weak(seen, size)) {
  }
}
inline void on_free(const volatile void*) {}
inline const int installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}  // namespace allocation_counter
#else
void* operator new(std::size_t size) { return allocation_counter::allocate(size); }
void* operator new[](std::size_t size) { return allocation_counter::allocate(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif
