/* SPDX-License-Identifier: MIT */
// Work per joule: a workload's rate or count divided by the trial's power or energy
// (docs/energy.md, "Work per joule"). `tok/s` over `power.total.mean` [W = J/s] gives
// tok/J; a count of `tokens` over `energy.total` [J] gives tokens/J.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trial_value.h"

namespace benchlab {

enum class WorkUnit { none, rate, count };

// rate: a unit ending in "/s" with a stem before it ("tok/s", "MB/s", "frames/s");
// count: one of tokens, token, tok, frames, frame, images, image, items, item, requests,
// request, ops, op. Anything else (times, percents, unknown units): none.
WorkUnit classify_work_unit(std::string_view unit);

// `<metric>.per_joule` [<stem>/J] for each workload value with a rate or count unit,
// direction kept. energy_j and mean_power_w must be > 0 (else nothing is returned).
std::vector<TrialValue> work_per_joule(std::span<const TrialValue> workload, double energy_j,
                                       double mean_power_w);

}  // namespace benchlab
