// SPDX-License-Identifier: MIT
#include "protein_random.hpp"

#include <array>

namespace hmmsearch_workload {
namespace {

// Amino-acid frequencies of natural proteins in parts per thousand (close to the
// Robinson & Robinson background that BLAST and HMMER assume), summing to 1000.
constexpr std::array<std::pair<char, std::uint32_t>, 20> kBackground{{
    {'A', 74}, {'R', 52}, {'N', 45}, {'D', 53},  {'C', 25}, {'Q', 34}, {'E', 54},
    {'G', 74}, {'H', 26}, {'I', 68}, {'L', 100}, {'K', 58}, {'M', 25}, {'F', 47},
    {'P', 39}, {'S', 57}, {'T', 51}, {'W', 13},  {'Y', 32}, {'V', 73},
}};

constexpr std::uint32_t total_weight() {
  std::uint32_t sum = 0;
  for (const auto& [residue, weight] : kBackground) sum += weight;
  return sum;
}
static_assert(total_weight() == 1000);

// residue_table[i] for i in [0, 1000): a residue with its share of the slots.
constexpr std::array<char, 1000> make_table() {
  std::array<char, 1000> table{};
  std::size_t at = 0;
  for (const auto& [residue, weight] : kBackground)
    for (std::uint32_t i = 0; i < weight; ++i) table[at++] = residue;
  return table;
}
constexpr std::array<char, 1000> kResidueTable = make_table();

}  // namespace

std::uint64_t SplitMix64::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint32_t SplitMix64::below(std::uint32_t n) {
  return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
}

char random_residue(SplitMix64& rng) { return kResidueTable[rng.below(1000)]; }

std::string random_protein(SplitMix64& rng, std::size_t length) {
  std::string s(length, 'A');
  for (char& c : s) c = random_residue(rng);
  return s;
}

}  // namespace hmmsearch_workload
