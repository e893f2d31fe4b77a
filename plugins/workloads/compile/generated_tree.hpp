// SPDX-License-Identifier: MIT
// The default source tree of the compile workload: a deterministic C project of many
// translation units plus headers and a Makefile, generated from a seed. Plain C++ with
// no benchlab dependency, so tests can generate, build and run a tree directly.
//
// The built program prints one line (expected_output()) that the generator computes in
// advance by evaluating every generated function, so a trial can prove that its build
// produced a working program, not just that make exited with 0.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace compile_tree {

// Bumped whenever the generated text or the program's output changes, so cached trees
// of an older generator are never reused.
inline constexpr std::uint32_t kGeneratorVersion = 1;

// The program the Makefile links (in the tree's top directory).
inline constexpr char kProgramName[] = "benchlab_tree";

// The default takes about 32 s of CPU to build at -O2 (0.13 s per unit), about 16 s
// with make -j2 on the idle 2-core reference machine (docs/workloads/compile.md).
struct TreeShape {
  std::uint32_t units = 250;                   // .c files besides main.c; 1 to 9999
  std::uint32_t functions_per_unit = 12;       // 1 to 99
  std::uint64_t seed = 0x62656e63686c6162ull;  // "benchlab"
};

struct TreeFile {
  std::string path;  // relative, '/'-separated: "Makefile", "src/unit_0000.c", ...
  std::string text;
};

// Every file of the tree, in a fixed order. Throws std::invalid_argument for a shape out
// of range.
std::vector<TreeFile> generate_tree(const TreeShape& shape);

// The exact stdout of the built program, newline included.
std::string expected_output(const TreeShape& shape);

// Writes the tree under `dir`, which is created; throws std::runtime_error naming the
// file that could not be written.
void write_tree(const std::filesystem::path& dir, const TreeShape& shape);

// The directory name a tree of this shape and generator version has in a cache.
std::string cache_key(const TreeShape& shape);

// The tree under cache_dir/cache_key(shape), generated on first use. Generation goes to
// a temporary directory renamed into place, so concurrent or interrupted generations
// never leave a half-written tree behind a valid name.
std::filesystem::path cached_tree(const std::filesystem::path& cache_dir, const TreeShape& shape);

}  // namespace compile_tree
