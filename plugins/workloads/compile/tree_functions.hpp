// SPDX-License-Identifier: MIT
// The C functions of the generated compile tree, each drawn at random from a few shapes
// that make an optimizing compiler work (loops to unroll and vectorize, structs to
// scalarize, switches to lower, small sorts and matrix products), and each evaluable
// here in C++ so the generator knows what the built program must print.
//
// Only uint32_t arithmetic appears in the C text, with shift counts in [1, 31]: every
// result is defined by the C standard, so any conforming compiler at any optimization
// level must give the value evaluate() computes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace compile_tree {

// SplitMix64 (Steele et al.): the generator's only source of choices, so a tree is a
// pure function of its seed on every platform (std:: distributions are not).
class TreeRandom {
 public:
  explicit TreeRandom(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::uint32_t u32() { return static_cast<std::uint32_t>(next() >> 32); }
  std::uint32_t odd32() { return u32() | 1u; }
  // Uniform in [lo, hi].
  std::uint32_t between(std::uint32_t lo, std::uint32_t hi);

 private:
  std::uint64_t state_;
};

enum class FunctionKind { hash_loop, struct_state, switch_machine, sort_array, matrix, calls };

// Which function another one calls: unit index and function index within the unit.
struct FunctionRef {
  std::uint32_t unit = 0, index = 0;
};

// One statement of a switch_machine case, over its state h, acc and counter i.
struct SwitchOp {
  std::uint8_t code = 0;  // see kSwitchOps in tree_functions.cpp
  std::uint32_t k = 0;    // constant (odd where it multiplies)
  std::uint32_t r = 1;    // shift or rotate count in [1, 31]
};

struct FunctionSpec {
  FunctionKind kind = FunctionKind::hash_loop;
  std::uint32_t unit = 0, index = 0;
  std::uint32_t iterations = 0;  // loop trip count
  std::uint32_t length = 0;      // array length, matrix dimension or switch case count
  std::uint32_t k[3] = {};       // constants
  std::uint32_t shift[2] = {};   // shift and rotate counts, each in [1, 31]
  std::vector<SwitchOp> ops;     // switch_machine: two per case
  FunctionRef callee[2];         // calls: two functions that call no others
};

// C name of a function: unit_0042_f07.
std::string function_name(std::uint32_t unit, std::uint32_t index);

// Draws the spec of function `index` of `unit`. `callable` lists the functions it may
// call (earlier, non-calling ones); a calls function is only drawn when it is not empty.
FunctionSpec draw_function(TreeRandom& random, std::uint32_t unit, std::uint32_t index,
                           const std::vector<FunctionRef>& callable);

// The C definition (with any helper struct and static function it needs).
std::string emit_c(const FunctionSpec& spec);

// The value the C function returns for `x`. `all` holds every unit's functions, indexed
// [unit][index], for the callees of a calls function.
std::uint32_t evaluate(const FunctionSpec& spec, std::uint32_t x,
                       const std::vector<std::vector<FunctionSpec>>& all);

// Shared by the C text (common.h) and the evaluator.
inline std::uint32_t rotl32(std::uint32_t x, std::uint32_t r) {
  return (x << r) | (x >> (32u - r));
}
inline std::uint32_t mix32(std::uint32_t h) {
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  h *= 0x846ca68bu;
  h ^= h >> 16;
  return h;
}

}  // namespace compile_tree
