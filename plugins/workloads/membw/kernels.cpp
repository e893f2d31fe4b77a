// SPDX-License-Identifier: MIT
// Compiled with -O2 and without loop-pattern distribution (see CMakeLists.txt): the loops
// below must stay loops of 16-byte vector loads and stores, never become memcpy calls.
#include "membw/kernels.hpp"

#if defined(__SSE2__) && (defined(__x86_64__) || defined(__i386__))
#include <emmintrin.h>
#define MEMBW_HAVE_STREAMING_STORES 1
#else
#define MEMBW_HAVE_STREAMING_STORES 0
#endif

namespace membw {
namespace {

// Two elements: SSE2 on x86-64, NEON on AArch64, so every 64-bit target moves 16 bytes per
// instruction without needing CPU-specific builds. Wider vectors do not raise DRAM
// bandwidth: it is bounded by outstanding cache-line misses, not by instruction width.
// may_alias: these vectors read and write memory that is also accessed as `element`.
typedef element vec __attribute__((vector_size(16), may_alias, aligned(16)));

inline vec load(const element* p) { return *reinterpret_cast<const vec*>(p); }

template <store_kind S>
inline void store(element* p, vec v) {
#if MEMBW_HAVE_STREAMING_STORES
  if constexpr (S == store_kind::streaming) {
    _mm_stream_si128(reinterpret_cast<__m128i*>(p), reinterpret_cast<__m128i>(v));
    return;
  }
#endif
  *reinterpret_cast<vec*>(p) = v;
}

// One iteration handles a full cache line of every array (4 vectors of 2 elements), so a
// streaming store always writes whole lines, which is what lets it skip the line read.
constexpr std::size_t step = 8;
static_assert(step == line_elements);

template <store_kind S>
void copy(const element* __restrict a, element* __restrict c, std::size_t i, std::size_t end) {
  for (; i + step <= end; i += step) {
    store<S>(c + i, load(a + i));
    store<S>(c + i + 2, load(a + i + 2));
    store<S>(c + i + 4, load(a + i + 4));
    store<S>(c + i + 6, load(a + i + 6));
  }
  for (; i < end; ++i) c[i] = a[i];
}

template <store_kind S>
void scale(const element* __restrict c, element* __restrict b, std::size_t i, std::size_t end) {
  for (; i + step <= end; i += step) {
    store<S>(b + i, load(c + i) * scale_factor);
    store<S>(b + i + 2, load(c + i + 2) * scale_factor);
    store<S>(b + i + 4, load(c + i + 4) * scale_factor);
    store<S>(b + i + 6, load(c + i + 6) * scale_factor);
  }
  for (; i < end; ++i) b[i] = scale_factor * c[i];
}

template <store_kind S>
void add(const element* __restrict a, const element* __restrict b, element* __restrict c,
         std::size_t i, std::size_t end) {
  for (; i + step <= end; i += step) {
    store<S>(c + i, load(a + i) + load(b + i));
    store<S>(c + i + 2, load(a + i + 2) + load(b + i + 2));
    store<S>(c + i + 4, load(a + i + 4) + load(b + i + 4));
    store<S>(c + i + 6, load(a + i + 6) + load(b + i + 6));
  }
  for (; i < end; ++i) c[i] = a[i] + b[i];
}

template <store_kind S>
void triad(const element* __restrict b, const element* __restrict c, element* __restrict a,
           std::size_t i, std::size_t end) {
  for (; i + step <= end; i += step) {
    store<S>(a + i, load(b + i) + load(c + i) * scale_factor);
    store<S>(a + i + 2, load(b + i + 2) + load(c + i + 2) * scale_factor);
    store<S>(a + i + 4, load(b + i + 4) + load(c + i + 4) * scale_factor);
    store<S>(a + i + 6, load(b + i + 6) + load(c + i + 6) * scale_factor);
  }
  for (; i < end; ++i) a[i] = b[i] + scale_factor * c[i];
}

template <store_kind S>
void dispatch(kernel k, const arrays& x, std::size_t begin, std::size_t end) {
  switch (k) {
    case kernel::copy:
      copy<S>(x.a, x.c, begin, end);
      break;
    case kernel::scale:
      scale<S>(x.c, x.b, begin, end);
      break;
    case kernel::add:
      add<S>(x.a, x.b, x.c, begin, end);
      break;
    case kernel::triad:
      triad<S>(x.b, x.c, x.a, begin, end);
      break;
  }
}

}  // namespace

const char* kernel_name(kernel k) noexcept {
  switch (k) {
    case kernel::copy:
      return "copy";
    case kernel::scale:
      return "scale";
    case kernel::add:
      return "add";
    case kernel::triad:
      return "triad";
  }
  return "?";
}

std::size_t bytes_per_element(kernel k) noexcept {
  switch (k) {
    case kernel::copy:
    case kernel::scale:
      return 2 * sizeof(element);
    case kernel::add:
    case kernel::triad:
      return 3 * sizeof(element);
  }
  return 0;
}

unsigned arrays_used(kernel k) noexcept {
  switch (k) {
    case kernel::copy:
      return array_a | array_c;
    case kernel::scale:
      return array_b | array_c;
    case kernel::add:
    case kernel::triad:
      return array_a | array_b | array_c;
  }
  return 0;
}

bool streaming_stores_available() noexcept { return MEMBW_HAVE_STREAMING_STORES != 0; }

void run_kernel(kernel k, store_kind stores, const arrays& x, std::size_t begin,
                std::size_t end) noexcept {
  if (begin >= end) return;
  if (stores == store_kind::streaming && MEMBW_HAVE_STREAMING_STORES) {
    dispatch<store_kind::streaming>(k, x, begin, end);
#if MEMBW_HAVE_STREAMING_STORES
    // Non-temporal stores are weakly ordered: fence them before the caller's barrier so
    // the next kernel (on any thread) reads the values just written.
    _mm_sfence();
#endif
  } else {
    dispatch<store_kind::regular>(k, x, begin, end);
  }
}

}  // namespace membw
