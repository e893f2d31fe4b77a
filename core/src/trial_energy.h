/* SPDX-License-Identifier: MIT */
// From a trial's probe samples to the values the trial stores (docs/energy.md): energy,
// mean and peak power per channel and for the total, per marked phase, work per joule and
// idle-net energy. They go in as ordinary trial values, so statistics, CI and JSON treat
// them like the workload's own.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "channel_series.h"
#include "idle_baseline.h"
#include "measured_window.h"
#include "total_power_set.h"
#include "trial_value.h"

namespace benchlab {

struct TrialEnergyInput {
  // Every channel of every probe (any quantity; only POWER and ENERGY give values), with
  // the samples around the trial: at least those from right before to right after it.
  std::span<const ChannelSeries> channels;
  MeasuredWindow window;
  std::span<const Mark> marks;  // the trial's marks, any order
  // The workload's values of this trial: for work per joule, and so that no derived value
  // takes a name the workload uses.
  std::span<const TrialValue> workload;
  const IdleBaseline* idle = nullptr;  // gives energy.total.net when set
};

struct TrialEnergy {
  // energy.<probe>.<channel> [J], power.<probe>.<channel>.mean|.peak [W];
  // energy.total [J], power.total.mean|.peak [W];
  // per mark: energy.total.<mark> [J], power.total.<mark>.mean [W],
  //   energy.<probe>.<channel>.<mark> [J];
  // <metric>.per_joule [<stem>/J]; energy.total.net [J] with its systematic_u.
  // All lower-is-better but the per-joule values, which keep their metric's direction.
  std::vector<TrialValue> values;
  TotalPowerSet total;            // indices into TrialEnergyInput::channels
  std::string total_description;  // describe(total, ...), for the log
  // Why a value is missing, counter resets, a mark name that would clash: one sentence
  // each, naming the value or channel.
  std::vector<std::string> notes;
};

TrialEnergy trial_energy(const TrialEnergyInput& in);

// The parts of the measured window that each mark name covers: a mark's window runs until
// the next mark (by time) or the window's end, clipped to the window; a name marked more
// than once gets each of its windows. Names in the order they were first marked; empty
// windows are dropped (a name whose windows are all empty has none).
struct MarkedWindows {
  std::string name;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;  // [begin_ns, end_ns)
};
std::vector<MarkedWindows> marked_windows(std::span<const Mark> marks, const MeasuredWindow& w);

}  // namespace benchlab
