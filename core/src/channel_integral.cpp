// SPDX-License-Identifier: MIT
// One channel over one window, with the coverage rule and the reasons (channel_integral.h).
#include "channel_integral.h"

#include <fmt/format.h>

namespace benchlab {

WindowIntegral integrate_window(const ChannelCurve& curve, std::uint64_t b, std::uint64_t e) {
  WindowIntegral r;
  if (e <= b) {
    r.missing = "the window is empty (it ends where it begins)";
    return r;
  }
  if (curve.size() < 2) {
    r.missing = fmt::format("{} sample{} with a reading; at least 2 are needed", curve.size(),
                            curve.size() == 1 ? "" : "s");
    return r;
  }
  const double length_s = seconds_between(e, b);
  r.coverage = curve.coverage(b, e);
  if (r.coverage < kMinCoverage) {
    r.missing = fmt::format(
        "the samples cover {:.0f}% of the window, at least {:.0f}% is needed (samples from "
        "{:+.3f} s to {:+.3f} s of a {:.3f} s window)",
        r.coverage * 100, kMinCoverage * 100, seconds_between(curve.first_ns(), b),
        seconds_between(curve.last_ns(), b), length_s);
    return r;
  }
  r.ok = true;
  r.integral = curve.integral(b, e);
  r.mean = r.integral / length_s;
  r.peak = curve.peak(b, e);
  for (const CounterReset& reset : curve.resets()) {
    if (reset.to_ns <= b || reset.from_ns >= e) continue;
    r.notes.push_back(fmt::format(
        "the counter went down from {} to {} between {:+.3f} s and {:+.3f} s of the window "
        "({}): that {:.3f} s counts nothing, so the energy is low",
        reset.from_value, reset.to_value, seconds_between(reset.from_ns, b),
        seconds_between(reset.to_ns, b),
        curve.info().counter_range > 0
            ? fmt::format("too far for a wrap at {}", curve.info().counter_range)
            : std::string("it declares no wrap range, so this is a reset"),
        seconds_between(reset.to_ns, reset.from_ns)));
  }
  return r;
}

WindowIntegral integrate_window(const ChannelSeries& series, std::uint64_t b, std::uint64_t e) {
  return integrate_window(ChannelCurve(series), b, e);
}

}  // namespace benchlab
