/* SPDX-License-Identifier: MIT */
// The energy part of the core, in one include: from probe samples to what a trial stores
// and what the runner decides on. Pure computation (no processes, no store); the
// definitions a reviewer checks the numbers against are docs/energy.md.
//  - channel_series.h     samples per channel (series_from_rows)
//  - channel_curve.h      a channel as a function of time: unwrap, interpolate, peaks
//  - channel_integral.h   one channel over one window: energy, mean, peak, coverage
//  - total_power_set.h    which channels add up to the total, counting nothing twice
//  - trial_energy.h       a trial's derived values (per channel, total, marks, per joule,
//                         idle-net)
//  - work_per_joule.h     rates and counts per joule
//  - idle_baseline.h      idle means with batch-means standard errors; combined_ci95
//  - throttle_detection.h whether the hardware throttled, and why
//  - cooldown.h           back near idle, or what still differs
#pragma once

#include "channel_curve.h"
#include "channel_integral.h"
#include "channel_series.h"
#include "cooldown.h"
#include "idle_baseline.h"
#include "throttle_detection.h"
#include "total_power_set.h"
#include "trial_energy.h"
#include "trial_value.h"
#include "work_per_joule.h"
