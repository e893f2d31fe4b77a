// SPDX-License-Identifier: MIT
// The open-loop arrival schedule (see arrival_schedule.hpp).
#include "serve-load/arrival_schedule.hpp"

#include <cmath>

namespace serve_load {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

ScheduleRandom::ScheduleRandom(std::uint64_t seed, std::uint32_t user) {
  // The user index goes through its own splitmix step so that users of one seed and
  // seeds of one user both give unrelated streams.
  std::uint64_t mix = seed;
  std::uint64_t state = splitmix64(mix) ^ (0xd1b54a32d192ed03ull * (std::uint64_t{user} + 1));
  for (std::uint64_t& word : s_) word = splitmix64(state);
}

std::uint64_t ScheduleRandom::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double ScheduleRandom::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

std::vector<std::uint64_t> arrival_offsets_ns(Arrival arrival, double rate, std::uint32_t count,
                                              std::uint64_t seed, std::uint32_t user,
                                              std::uint32_t users) {
  std::vector<std::uint64_t> offsets;
  offsets.reserve(count);
  const double mean_gap_s = 1.0 / rate;
  if (arrival == Arrival::constant) {
    const double phase = users > 0 ? static_cast<double>(user) / users : 0.0;
    for (std::uint32_t i = 0; i < count; ++i)
      offsets.push_back(static_cast<std::uint64_t>(std::llround((i + phase) * mean_gap_s * 1e9)));
    return offsets;
  }
  ScheduleRandom random(seed, user);
  double at_s = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    // Inverse CDF of the exponential; 1 - u is in (0, 1], so the log is finite.
    at_s += -std::log1p(-random.uniform()) * mean_gap_s;
    offsets.push_back(static_cast<std::uint64_t>(std::llround(at_s * 1e9)));
  }
  return offsets;
}

}  // namespace serve_load
