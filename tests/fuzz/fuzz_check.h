/* SPDX-License-Identifier: MIT */
// What every fuzz target shares: the libFuzzer entry point's signature and a check that
// turns a broken invariant into a crash, which is what libFuzzer (and the regression
// driver) report as a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

// Not assert(): it must hold in RelWithDebInfo builds too, where NDEBUG is set.
#define FUZZ_CHECK(cond)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)
