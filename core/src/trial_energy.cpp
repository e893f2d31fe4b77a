// SPDX-License-Identifier: MIT
// A trial's probe samples -> its derived values (trial_energy.h; docs/energy.md).
#include "trial_energy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "channel_curve.h"
#include "channel_integral.h"
#include "work_per_joule.h"

namespace benchlab {
namespace {

bool is_power(const ChannelInfo& c) {
  return c.quantity == BL_QUANTITY_POWER || c.quantity == BL_QUANTITY_ENERGY;
}

TrialValue value(std::string name, std::string unit, double v) {
  TrialValue t;
  t.name = std::move(name);
  t.unit = std::move(unit);
  t.direction = BL_LOWER_IS_BETTER;
  t.value = v;
  return t;
}

// One power or energy channel of the trial.
struct Channel {
  std::size_t index = 0;  // into TrialEnergyInput::channels
  std::string key;
  ChannelCurve curve;
  WindowIntegral whole;
};

// The sum over `spans` of one channel's integral; nullopt (and the reason) when a span has
// no value.
std::optional<double> integral_over(const Channel& c, const MarkedWindows& mark,
                                    std::string& missing) {
  double sum = 0;
  for (const auto& [b, e] : mark.spans) {
    const WindowIntegral w = integrate_window(c.curve, b, e);
    if (!w.ok) {
      missing = w.missing;
      return std::nullopt;
    }
    sum += w.integral;
  }
  return sum;
}

}  // namespace

std::vector<MarkedWindows> marked_windows(std::span<const Mark> marks, const MeasuredWindow& w) {
  std::vector<MarkedWindows> out;
  if (!w.complete()) return out;
  std::vector<Mark> sorted(marks.begin(), marks.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Mark& a, const Mark& b) { return a.t_ns < b.t_ns; });
  for (std::size_t k = 0; k < sorted.size(); ++k) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const MarkedWindows& m) { return m.name == sorted[k].name; });
    if (it == out.end()) {
      out.push_back({sorted[k].name, {}});
      it = out.end() - 1;
    }
    const std::uint64_t b = std::max(sorted[k].t_ns, w.begin_ns);
    const std::uint64_t e =
        std::min(k + 1 < sorted.size() ? sorted[k + 1].t_ns : w.end_ns, w.end_ns);
    if (e > b) it->spans.emplace_back(b, e);
  }
  return out;
}

TrialEnergy trial_energy(const TrialEnergyInput& in) {
  TrialEnergy r;
  const MeasuredWindow& w = in.window;
  if (!w.complete() || w.duration_ns() == 0) {
    r.notes.push_back("no energy values: the trial has no measured window (run() did not return)");
    return r;
  }
  const std::uint64_t b = w.begin_ns, e = w.end_ns;
  const double duration_s = seconds_between(e, b);

  // Per channel.
  std::vector<Channel> channels;
  for (std::size_t i = 0; i < in.channels.size(); ++i) {
    const ChannelSeries& s = in.channels[i];
    if (!is_power(s.info)) continue;
    Channel c{i, channel_key(s.info), ChannelCurve(s), {}};
    c.whole = integrate_window(c.curve, b, e);
    channels.push_back(std::move(c));
  }
  for (const Channel& c : channels) {
    for (const std::string& note : c.whole.notes) r.notes.push_back(c.key + ": " + note);
    if (!c.whole.ok) {
      r.notes.push_back(fmt::format("energy.{}: no value: {}", c.key, c.whole.missing));
      continue;
    }
    r.values.push_back(value("energy." + c.key, "J", c.whole.integral));
    r.values.push_back(value("power." + c.key + ".mean", "W", c.whole.mean));
    if (std::isfinite(c.whole.peak)) {
      r.values.push_back(value("power." + c.key + ".peak", "W", c.whole.peak));
    } else {
      r.notes.push_back(fmt::format(
          "power.{}.peak: no value: every interval of the counter in the window is a reset",
          c.key));
    }
  }

  // The total.
  std::vector<ChannelInfo> infos;
  for (const ChannelSeries& s : in.channels) infos.push_back(s.info);
  r.total = select_total_power_set(infos);
  r.total_description = describe(r.total, infos);
  const auto member = [&](std::size_t index) -> const Channel& {
    return *std::find_if(channels.begin(), channels.end(),
                         [&](const Channel& c) { return c.index == index; });
  };
  std::optional<double> total_j;
  if (r.total.members.empty()) {
    r.notes.push_back("energy.total: no value: no power or energy channel");
  } else {
    double sum = 0;
    std::vector<const ChannelCurve*> curves;
    std::string missing;
    for (std::size_t i : r.total.members) {
      const Channel& c = member(i);
      if (!c.whole.ok && missing.empty()) missing = c.key + ": " + c.whole.missing;
      sum += c.whole.integral;
      curves.push_back(&c.curve);
    }
    if (!missing.empty()) {
      r.notes.push_back("energy.total: no value: " + missing);
    } else {
      total_j = sum;
      r.values.push_back(value("energy.total", "J", sum));
      r.values.push_back(value("power.total.mean", "W", sum / duration_s));
      r.values.push_back(value("power.total.peak", "W", peak_of_sum(curves, b, e)));
    }
  }

  // Work per joule.
  if (total_j) {
    for (TrialValue& v : work_per_joule(in.workload, *total_j, *total_j / duration_s)) {
      r.values.push_back(std::move(v));
    }
  }

  // Idle-net energy.
  if (in.idle && total_j) {
    const IdleBaseline& idle = *in.idle;
    std::vector<std::string> keys;
    for (std::size_t i : r.total.members) keys.push_back(channel_key(infos[i]));
    if (!idle.has_total) {
      r.notes.push_back("energy.total.net: no value: the idle baseline has no total");
    } else if (keys != idle.total_channels) {
      r.notes.push_back(
          fmt::format("energy.total.net: no value: the idle total was {} and the trial's is {}",
                      fmt::join(idle.total_channels, " + "), fmt::join(keys, " + ")));
    } else {
      TrialValue net = value("energy.total.net", "J", *total_j - idle.total.mean * duration_s);
      net.systematic_u = duration_s * idle.total.sem;
      net.systematic_dof = idle.total.dof;
      r.values.push_back(std::move(net));
    }
  }

  // Per marked window, last: a mark cannot take the name of a value above.
  std::vector<TrialValue> mark_values;
  for (const MarkedWindows& mark : marked_windows(in.marks, w)) {
    if (mark.name == "net") {  // energy.total.net is the idle-net energy
      r.notes.push_back(
          "mark net: no values: the name is reserved (energy.total.net is the "
          "idle-net energy); rename the mark");
      continue;
    }
    if (mark.spans.empty()) {
      r.notes.push_back(fmt::format("mark {}: its window is empty; no values", mark.name));
      continue;
    }
    double length_s = 0;
    for (const auto& [mb, me] : mark.spans) length_s += seconds_between(me, mb);
    std::vector<std::optional<double>> per_channel;
    for (const Channel& c : channels) {
      std::string missing;
      per_channel.push_back(integral_over(c, mark, missing));
      if (per_channel.back()) {
        mark_values.push_back(
            value(fmt::format("energy.{}.{}", c.key, mark.name), "J", *per_channel.back()));
      } else if (c.whole.ok) {  // else said above
        r.notes.push_back(fmt::format("energy.{}.{}: no value: {}", c.key, mark.name, missing));
      }
    }
    if (!total_j) continue;
    double sum = 0;
    bool complete = true;
    for (std::size_t i : r.total.members) {
      const auto pos = std::find_if(channels.begin(), channels.end(),
                                    [&](const Channel& c) { return c.index == i; }) -
                       channels.begin();
      if (!per_channel[pos])
        complete = false;
      else
        sum += *per_channel[pos];
    }
    if (!complete) {
      r.notes.push_back(fmt::format(
          "energy.total.{}: no value: a channel of the total has none in that window", mark.name));
      continue;
    }
    mark_values.push_back(value(fmt::format("energy.total.{}", mark.name), "J", sum));
    mark_values.push_back(
        value(fmt::format("power.total.{}.mean", mark.name), "W", sum / length_s));
  }

  for (TrialValue& v : mark_values) r.values.push_back(std::move(v));

  // No derived value may take a name the workload or an earlier value uses (a mark named
  // "net" would be energy.total.net; one named "core" energy.rapl.package-0.core).
  std::set<std::string> taken;
  for (const TrialValue& v : in.workload) taken.insert(v.name);
  std::vector<TrialValue> kept;
  for (TrialValue& v : r.values) {
    if (taken.insert(v.name).second) {
      kept.push_back(std::move(v));
    } else {
      r.notes.push_back(
          fmt::format("{}: left out: the name is already taken by another value "
                      "of this trial (rename the mark or metric)",
                      v.name));
    }
  }
  r.values = std::move(kept);
  return r;
}

}  // namespace benchlab
