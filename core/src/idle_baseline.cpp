// SPDX-License-Identifier: MIT
// Idle means and their standard errors by batch means (idle_baseline.h; docs/energy.md,
// "Idle baseline").
#include "idle_baseline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "channel_curve.h"
#include "channel_integral.h"
#include "stats.h"
#include "total_power_set.h"

namespace benchlab {
namespace {

bool wanted(const ChannelInfo& c) {
  return c.quantity == BL_QUANTITY_POWER || c.quantity == BL_QUANTITY_ENERGY ||
         c.quantity == BL_QUANTITY_TEMPERATURE;
}

std::size_t samples_inside(const ChannelSeries& s, std::uint64_t b, std::uint64_t e) {
  return static_cast<std::size_t>(std::count_if(s.points.begin(), s.points.end(), [&](auto& p) {
    return p.t_ns >= b && p.t_ns <= e && std::isfinite(p.value);
  }));
}

// Batch k of `batches` equal parts of [b, e].
std::uint64_t batch_edge(std::uint64_t b, std::uint64_t e, std::size_t k, std::size_t batches) {
  const long double f = static_cast<long double>(k) / static_cast<long double>(batches);
  return b + static_cast<std::uint64_t>(std::llround(f * static_cast<long double>(e - b)));
}

std::vector<double> batch_means(const ChannelCurve& curve, std::uint64_t b, std::uint64_t e,
                                std::size_t batches) {
  std::vector<double> means;
  for (std::size_t k = 0; k < batches; ++k) {
    const std::uint64_t lo = batch_edge(b, e, k, batches), hi = batch_edge(b, e, k + 1, batches);
    means.push_back(curve.integral(lo, hi) / seconds_between(hi, lo));
  }
  return means;
}

// The values whose spread the naive SEM takes: readings inside the window, or a running
// total's rate on each piece between its breakpoints.
std::vector<double> naive_values(const ChannelCurve& curve, const ChannelSeries& s, std::uint64_t b,
                                 std::uint64_t e) {
  std::vector<double> v;
  if (!curve.cumulative()) {
    for (const ChannelPoint& p : s.points) {
      if (p.t_ns >= b && p.t_ns <= e && std::isfinite(p.value)) v.push_back(p.value);
    }
    return v;
  }
  std::vector<std::uint64_t> times{b, e};
  curve.breakpoints(b, e, times);
  std::sort(times.begin(), times.end());
  for (std::size_t k = 0; k + 1 < times.size(); ++k) {
    v.push_back(curve.segment_ends(times[k], times[k + 1]).first);
  }
  return v;
}

IdleMean from_spread(double mean, std::span<const double> values, bool batch_means) {
  IdleMean m;
  m.mean = mean;
  m.batch_means = batch_means;
  if (values.size() < 2) return m;
  m.sem = summarize(values).sd / std::sqrt(static_cast<double>(values.size()));
  m.dof = static_cast<double>(values.size() - 1);
  return m;
}

}  // namespace

const IdleChannel* IdleBaseline::find(const std::string& key) const {
  for (const IdleChannel& c : channels) {
    if (channel_key(c.info) == key) return &c;
  }
  return nullptr;
}

IdleBaseline measure_idle_baseline(std::span<const ChannelSeries> channels, std::uint64_t b,
                                   std::uint64_t e, std::size_t batches) {
  IdleBaseline base;
  base.begin_ns = b;
  base.end_ns = e;
  batches = std::max<std::size_t>(batches, 2);

  struct Member {
    bool ok = false;
    IdleMean value;
    std::vector<double> batches;  // empty unless batch means were used
  };
  std::vector<Member> members(channels.size());
  for (std::size_t i = 0; i < channels.size(); ++i) {
    const ChannelSeries& s = channels[i];
    if (!wanted(s.info)) continue;
    const std::string key = channel_key(s.info);
    const ChannelCurve curve(s);
    const WindowIntegral whole = integrate_window(curve, b, e);
    if (!whole.ok) {
      base.warnings.push_back(fmt::format("{}: no idle value: {}", key, whole.missing));
      continue;
    }
    for (const std::string& note : whole.notes) base.warnings.push_back(key + ": " + note);
    IdleChannel c;
    c.info = s.info;
    c.samples = samples_inside(s, b, e);
    Member& m = members[i];
    m.ok = true;
    if (c.samples >= kMinIdleSamplesForBatches) {
      m.batches = batch_means(curve, b, e, batches);
      c.value = from_spread(whole.mean, m.batches, true);
    } else {
      const std::vector<double> v = naive_values(curve, s, b, e);
      c.value = from_spread(whole.mean, v, false);
      base.warnings.push_back(fmt::format(
          "{}: {} samples in the idle window, fewer than {} for batch means: its standard "
          "error treats them as independent, which understates it when they are correlated; "
          "a longer idle window gives a sound one",
          key, c.samples, kMinIdleSamplesForBatches));
      if (v.size() < 2) {
        base.warnings.push_back(
            fmt::format("{}: too few samples for any standard error; it counts as 0", key));
      }
    }
    m.value = c.value;
    base.channels.push_back(std::move(c));
  }

  std::vector<ChannelInfo> infos;
  for (const ChannelSeries& s : channels) infos.push_back(s.info);
  const TotalPowerSet set = select_total_power_set(infos);
  if (set.members.empty()) {
    base.warnings.push_back("no idle total: no power or energy channel");
    return base;
  }
  for (std::size_t i : set.members) {
    base.total_channels.push_back(channel_key(infos[i]));
    if (!members[i].ok) {
      base.warnings.push_back(
          fmt::format("no idle total: {} of the total has no idle value", channel_key(infos[i])));
      return base;
    }
  }
  base.has_total = true;
  const bool all_batches = std::all_of(set.members.begin(), set.members.end(),
                                       [&](std::size_t i) { return !members[i].batches.empty(); });
  double mean = 0;
  for (std::size_t i : set.members) mean += members[i].value.mean;
  if (all_batches) {
    // Batch sums keep the correlation between the channels in the spread.
    std::vector<double> sums(batches, 0.0);
    for (std::size_t i : set.members) {
      for (std::size_t k = 0; k < batches; ++k) sums[k] += members[i].batches[k];
    }
    base.total = from_spread(mean, sums, true);
  } else {
    // Some channel has only its naive SEM: combine as if independent.
    double var = 0, dof = 0;
    bool first = true;
    for (std::size_t i : set.members) {
      const IdleMean& v = members[i].value;
      var += v.sem * v.sem;
      dof = first ? v.dof : std::min(dof, v.dof);
      first = false;
    }
    base.total.mean = mean;
    base.total.sem = std::sqrt(var);
    base.total.dof = dof;
  }
  return base;
}

double combined_ci95(double ci95, double systematic_u, double systematic_dof) {
  if (!(systematic_u > 0)) return ci95;
  const double t = systematic_dof >= 1
                       ? student_t_quantile(0.975, systematic_dof)
                       : student_t_quantile(0.975, std::numeric_limits<double>::infinity());
  const double s = t * systematic_u;
  return std::sqrt(ci95 * ci95 + s * s);
}

}  // namespace benchlab
