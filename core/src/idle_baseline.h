/* SPDX-License-Identifier: MIT */
// The machine's idle power and temperatures, measured over an idle window before the first
// test (--idle-baseline), with the standard error of each mean by the batch-means method
// (samples of an idle machine are autocorrelated, so the naive SEM is too small). Trials
// use it for idle-net energy (trial_energy.h) and the cool-down wait (cooldown.h).
// Definitions: docs/energy.md, "Idle baseline".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "channel_series.h"

namespace benchlab {

inline constexpr std::size_t kIdleBatches = 10;
// Fewer samples than this in the window: the naive SEM, with a warning.
inline constexpr std::size_t kMinIdleSamplesForBatches = 20;

struct IdleMean {
  double mean = 0;           // W for POWER and ENERGY channels and the total; °C for temperatures
  double sem = 0;            // standard error of `mean`; 0 when it could not be estimated
  double dof = 0;            // degrees of freedom of `sem`: batches - 1, or samples - 1
  bool batch_means = false;  // false: the naive SEM (too few samples)
};

struct IdleChannel {
  ChannelInfo info;
  std::size_t samples = 0;  // inside the idle window
  IdleMean value;
};

struct IdleBaseline {
  std::uint64_t begin_ns = 0, end_ns = 0;
  // Every POWER, ENERGY and TEMPERATURE channel with a value over the window.
  std::vector<IdleChannel> channels;
  bool has_total = false;
  IdleMean total;                           // the total set's power (total_power_set.h)
  std::vector<std::string> total_channels;  // channel_key() of each channel of the total
  // For the operator: channels without a value and why, naive SEMs, a missing total.
  std::vector<std::string> warnings;

  // The channel with that channel_key(), or nullptr.
  const IdleChannel* find(const std::string& key) const;
};

// Measures the baseline over [b, e] from `channels` (any quantities; the others are
// ignored), in `batches` equal batches.
IdleBaseline measure_idle_baseline(std::span<const ChannelSeries> channels, std::uint64_t b,
                                   std::uint64_t e, std::size_t batches = kIdleBatches);

// The 95% half-width of a result's mean whose trial values all carry one shared systematic
// error of standard uncertainty `systematic_u` (the mean over the trials of
// TrialValue::systematic_u) with `systematic_dof` degrees of freedom, beside the random
// half-width `ci95` of the trials' spread (stats.h): sqrt(ci95² + (t · u)²), t the 97.5%
// Student t quantile at systematic_dof (the normal 1.96 when it is below 1).
double combined_ci95(double ci95, double systematic_u, double systematic_dof);

}  // namespace benchlab
