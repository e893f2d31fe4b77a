// SPDX-License-Identifier: MIT
#include "benchmark_circuits.hpp"

#include <stdexcept>

#include "cmos_library.hpp"

namespace ngspice_workload {
namespace {

bool bit(std::uint64_t value, int index) { return ((value >> index) & 1u) != 0; }

// Bit `index` of a function of each operand pair, one value per vector.
template <typename F>
std::vector<bool> bit_per_vector(const OperandPairs& operands, int index, F&& f) {
  std::vector<bool> values;
  values.reserve(operands.size());
  for (const auto& [a, b] : operands) values.push_back(bit(f(a, b), index));
  return values;
}

std::string net(const char* prefix, int index) { return prefix + std::to_string(index); }

// Deterministic operand pairs: the hard cases first (a carry through every bit, no
// carry at all, all ones), then splitmix64 values masked to the width.
OperandPairs operand_pairs(int bits, std::size_t count) {
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  OperandPairs pairs = {
      {0, 0},
      {mask, 1},
      {0xAAAAAAAAAAAAAAAAull & mask, 0x5555555555555555ull & mask},
      {mask, mask},
      {std::uint64_t{1} << (bits - 1), std::uint64_t{1} << (bits - 1)},
  };
  std::uint64_t state = 0x6e677370696365ull;  // "ngspice"
  while (pairs.size() < count) {
    auto next = [&state] {
      std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return z ^ (z >> 31);
    };
    const std::uint64_t a = next() & mask;
    pairs.emplace_back(a, next() & mask);
  }
  pairs.resize(count);
  return pairs;
}

}  // namespace

BenchCircuit make_ripple_adder(int bits, const OperandPairs& operands, VectorTiming timing) {
  if (bits < 1 || bits > 63) throw std::invalid_argument("adder width must be 1..63 bits");
  LogicTestbench bench(std::to_string(bits) + "-bit ripple-carry adder, CMOS mirror full adders",
                       operands.size(), timing);
  const auto sum = [](std::uint64_t a, std::uint64_t b) { return a + b; };
  for (int i = 0; i < bits; ++i) {
    bench.drive(net("a", i), bit_per_vector(operands, i, [](auto a, auto) { return a; }));
    bench.drive(net("b", i), bit_per_vector(operands, i, [](auto, auto b) { return b; }));
  }
  for (int i = 0; i < bits; ++i) {
    // Carry in of bit 0 is ground; c<i> is the carry into bit i.
    const std::string carry_in = i == 0 ? "0" : net("c", i);
    bench.add_line("xfa" + std::to_string(i) + " " + net("a", i) + " " + net("b", i) + " " +
                   carry_in + " " + net("s", i) + " " + net("c", i + 1) + " vdd " + kFullAdder);
  }
  for (int i = 0; i < bits; ++i) bench.expect(net("s", i), bit_per_vector(operands, i, sum));
  bench.expect(net("c", bits), bit_per_vector(operands, bits, sum), "cout");

  BenchCircuit c;
  c.deck = bench.deck();
  c.checks = bench.checks();
  c.transistors = bits * kFullAdderTransistors;
  c.vectors = operands.size();
  return c;
}

BenchCircuit make_array_multiplier(int bits, const OperandPairs& operands, VectorTiming timing) {
  if (bits < 2 || bits > 31) throw std::invalid_argument("multiplier width must be 2..31 bits");
  LogicTestbench bench(std::to_string(bits) + "x" + std::to_string(bits) +
                           " array multiplier, CMOS AND gates and mirror full adders",
                       operands.size(), timing);
  for (int i = 0; i < bits; ++i) {
    bench.drive(net("a", i), bit_per_vector(operands, i, [](auto a, auto) { return a; }));
    bench.drive(net("b", i), bit_per_vector(operands, i, [](auto, auto b) { return b; }));
  }
  // Partial products pp<i>_<j> = a<i> AND b<j>, weight i + j.
  auto pp = [](int i, int j) { return "pp" + std::to_string(i) + "_" + std::to_string(j); };
  for (int j = 0; j < bits; ++j)
    for (int i = 0; i < bits; ++i)
      bench.add_line("xand" + std::to_string(i) + "_" + std::to_string(j) + " " + net("a", i) +
                     " " + net("b", j) + " " + pp(i, j) + " vdd " + kAnd2);

  // The running sum, as the net that holds each weight: row 0 is b0's partial products;
  // row j adds b<j>'s at weights j..j+bits-1 with a ripple-carry adder whose carry out
  // becomes weight j+bits.
  std::vector<std::string> weight_net;
  for (int i = 0; i < bits; ++i) weight_net.push_back(pp(i, 0));
  int adders = 0;
  for (int j = 1; j < bits; ++j) {
    const std::string row = std::to_string(j);
    std::string carry = "0";
    for (int k = 0; k < bits; ++k) {
      const int weight = j + k;
      // Row 1's top weight has no running-sum bit yet: it is a zero.
      const std::string addend =
          weight < static_cast<int>(weight_net.size()) ? weight_net[weight] : "0";
      const std::string sum = "r" + row + "_" + std::to_string(weight);
      const std::string carry_out = k == bits - 1 ? "r" + row + "_" + std::to_string(j + bits)
                                                  : "c" + row + "_" + std::to_string(k + 1);
      bench.add_line("xfa" + row + "_" + std::to_string(k) + " " + addend + " " + pp(k, j) + " " +
                     carry + " " + sum + " " + carry_out + " vdd " + kFullAdder);
      ++adders;
      if (weight < static_cast<int>(weight_net.size()))
        weight_net[weight] = sum;
      else
        weight_net.push_back(sum);
      carry = carry_out;
    }
    weight_net.push_back(carry);
  }
  const auto product = [](std::uint64_t a, std::uint64_t b) { return a * b; };
  for (int w = 0; w < 2 * bits; ++w)
    bench.expect(weight_net[w], bit_per_vector(operands, w, product), net("p", w));

  BenchCircuit c;
  c.deck = bench.deck();
  c.checks = bench.checks();
  c.transistors = bits * bits * kAnd2Transistors + adders * kFullAdderTransistors;
  c.vectors = operands.size();
  return c;
}

BenchCircuit make_benchmark_circuit(std::string_view name) {
  // Sizes chosen so each simulation takes several seconds on a 2-core machine
  // (docs/workloads/ngspice.md); periods leave the slowest ripple time to settle.
  if (name == "adder") {
    BenchCircuit c = make_ripple_adder(32, operand_pairs(32, 12), {8e-9, 50e-12, 50e-12});
    c.name = "adder";
    c.description = "32-bit ripple-carry adder, " + std::to_string(c.transistors) +
                    " transistors, " + std::to_string(c.vectors) + " input vectors";
    return c;
  }
  if (name == "multiplier") {
    BenchCircuit c = make_array_multiplier(8, operand_pairs(8, 5), {5e-9, 50e-12, 50e-12});
    c.name = "multiplier";
    c.description = "8x8 array multiplier, " + std::to_string(c.transistors) + " transistors, " +
                    std::to_string(c.vectors) + " input vectors";
    return c;
  }
  throw std::invalid_argument("unknown circuit '" + std::string(name) +
                              "'; the ngspice workload has 'adder' and 'multiplier'");
}

}  // namespace ngspice_workload
