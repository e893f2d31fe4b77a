// SPDX-License-Identifier: MIT
// Deterministic random protein text: a splitmix64 generator (same numbers on every
// compiler and machine, unlike std:: distributions) and residues drawn with the
// background frequencies of natural proteins.
#pragma once

#include <cstdint>
#include <string>

namespace hmmsearch_workload {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // A number in [0, n) for n >= 1 (multiply-shift; the tiny bias does not matter here).
  std::uint32_t below(std::uint32_t n);
  // A number in [lo, hi].
  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) { return lo + below(hi - lo + 1); }
  // True with probability per_mille / 1000.
  bool chance(std::uint32_t per_mille) { return below(1000) < per_mille; }

 private:
  std::uint64_t state_;
};

// One of the 20 standard amino acids, drawn with natural background frequencies.
char random_residue(SplitMix64& rng);

// `length` background residues.
std::string random_protein(SplitMix64& rng, std::size_t length);

}  // namespace hmmsearch_workload
