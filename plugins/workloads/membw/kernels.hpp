// SPDX-License-Identifier: MIT
// The four RAMspeed/STREAM bandwidth kernels over 64-bit integer arrays.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace membw {

// RAMspeed's INTmem works on `int`; membw uses 64-bit elements so a Copy moves the same
// bytes per element as STREAM's doubles and the figures compare with STREAM's directly.
// Unsigned, because repeated passes of the full sequence let values wrap around, which is
// defined for unsigned arithmetic only.
using element = std::uint64_t;

// The `k` of Scale and Triad (STREAM's scalar is 3.0 as well).
inline constexpr element scale_factor = 3;

// Elements in one 64-byte cache line: thread chunks start on a multiple of it, so no two
// threads ever write the same line and streaming stores stay 16-byte aligned.
inline constexpr std::size_t line_elements = 64 / sizeof(element);

// STREAM's data flow, so that each kernel's output is the next one's input and a skipped
// kernel changes the final values (see reference_model.hpp):
//   copy: c = a   scale: b = k*c   add: c = a + b   triad: a = b + k*c
enum class kernel { copy, scale, add, triad };
inline constexpr std::array<kernel, 4> all_kernels = {kernel::copy, kernel::scale, kernel::add,
                                                      kernel::triad};

const char* kernel_name(kernel k) noexcept;

// Bytes counted per element, as STREAM counts them: every array read plus the array
// written (the write-allocate read of the destination is not counted).
std::size_t bytes_per_element(kernel k) noexcept;

// Which arrays a kernel touches, as a mask of array_a | array_b | array_c.
inline constexpr unsigned array_a = 1u, array_b = 2u, array_c = 4u;
unsigned arrays_used(kernel k) noexcept;

// regular: ordinary stores (the CPU reads each destination line before writing it, as in
// RAMspeed's and STREAM's C loops). streaming: non-temporal stores that bypass the caches
// and skip that read, as glibc's memcpy does for copies larger than the caches.
enum class store_kind { regular, streaming };

// Whether `streaming` uses real non-temporal stores on this build's architecture (x86 with
// SSE2); elsewhere it falls back to regular stores and the run says so.
bool streaming_stores_available() noexcept;

struct arrays {
  element* a = nullptr;
  element* b = nullptr;
  element* c = nullptr;
};

// Runs kernel `k` over elements [begin, end) of `x`. Preconditions: the arrays the kernel
// uses are 16-byte aligned and `begin` is a multiple of 2 (chunks from the bandwidth run
// start on whole cache lines). Ends with a store fence after streaming stores, so the data
// is visible to other threads once the caller passes a barrier.
void run_kernel(kernel k, store_kind stores, const arrays& x, std::size_t begin,
                std::size_t end) noexcept;

}  // namespace membw
