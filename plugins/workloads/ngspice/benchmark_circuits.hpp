// SPDX-License-Identifier: MIT
// The two circuits the ngspice workload simulates, generated at run time (nothing to
// install or find): transistor-level CMOS arithmetic in the spirit of the ISCAS'85 decks
// the Phoronix NGSpice test uses (C7552 is a 32-bit adder/comparator, C6288 a 16x16
// multiplier). Each comes with the logic levels its outputs must reach.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logic_testbench.hpp"

namespace ngspice_workload {

struct BenchCircuit {
  std::string name;         // the option value, e.g. "adder"
  std::string description;  // one line for people
  std::string deck;         // the complete ngspice input
  std::vector<LevelCheck> checks;
  int transistors = 0;
  std::size_t vectors = 0;
};

// Operand pairs applied one after another.
using OperandPairs = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

// A `bits`-wide ripple-carry adder of mirror full adders: sum and carry out checked
// after every pair (bits <= 63).
BenchCircuit make_ripple_adder(int bits, const OperandPairs& operands, VectorTiming timing);

// A `bits` x `bits` array multiplier (AND partial products, rows of ripple-carry adders):
// every product bit checked after every pair (bits <= 31).
BenchCircuit make_array_multiplier(int bits, const OperandPairs& operands, VectorTiming timing);

// The circuits of the `circuit` option, in the order the option lists them.
inline constexpr const char* kCircuitNames[] = {"adder", "multiplier"};

// The shipped circuit of that name; throws std::invalid_argument for another name.
BenchCircuit make_benchmark_circuit(std::string_view name);

}  // namespace ngspice_workload
