# SPDX-License-Identifier: MIT
# Sanitizer and fuzzing builds (docs/hardening.md). Included by the top-level
# CMakeLists.txt before any target exists, so the flags reach every target of the tree:
# the core, the worker, the CLI, the plugins, the test plugins and the tests.
#
# BENCHLAB_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer (preset `asan`).
#   With g++ every executable and every plugin links the shared libasan/libubsan, so a
#   plugin dlopen'ed by the instrumented worker resolves its sanitizer symbols there and
#   plugins keep their -Wl,--no-undefined.
# BENCHLAB_FUZZ: clang's libFuzzer targets under tests/fuzz (preset `fuzz`). Everything is
#   compiled with coverage instrumentation (fuzzer-no-link) plus ASan and UBSan; only the
#   fuzz targets themselves link the libFuzzer runtime.
option(BENCHLAB_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(BENCHLAB_FUZZ "Build the libFuzzer targets of tests/fuzz (needs clang)" OFF)

set(BENCHLAB_SANITIZER_FLAGS
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)

if(BENCHLAB_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR
      "BENCHLAB_FUZZ needs clang for libFuzzer, but the compilers are "
      "${CMAKE_C_COMPILER_ID}/${CMAKE_CXX_COMPILER_ID}; configure a fresh build directory "
      "with CC=clang CXX=clang++ (the `fuzz` preset does this)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link ${BENCHLAB_SANITIZER_FLAGS})
  add_link_options(${BENCHLAB_SANITIZER_FLAGS})
elseif(BENCHLAB_SANITIZE)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # clang links the ASan runtime into executables only, so every plugin (linked with
    # -Wl,--no-undefined) would fail to link; g++ links the shared runtime everywhere.
    message(FATAL_ERROR
      "BENCHLAB_SANITIZE is supported with g++ only (clang cannot link the plugins against "
      "its static ASan runtime); configure with CC=gcc CXX=g++ (the `asan` preset does this)")
  endif()
  # The instrumentation makes g++ 12 see "maybe uninitialized" members inside libstdc++'s
  # <regex> and <functional> (false positives; the plain build keeps the warning as an
  # error). An explicit -Wno-... holds even though -Wall comes later on the command line.
  add_compile_options(${BENCHLAB_SANITIZER_FLAGS} -Wno-maybe-uninitialized)
  add_link_options(${BENCHLAB_SANITIZER_FLAGS})
endif()
