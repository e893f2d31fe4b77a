// SPDX-License-Identifier: MIT
// Energy, mean and peak of one channel over one window (channel_integral.h,
// docs/energy.md "Integral over a window"). Expected values are closed forms: the exact
// integral of an analytic power curve, or constant powers.
#include <catch2/catch.hpp>
#include <cmath>

#include "channel_curve.h"
#include "channel_integral.h"
#include "test_energy_support.hpp"

using benchlab::ChannelCurve;
using benchlab::integrate_window;
using benchlab::WindowIntegral;
using namespace energy_test;

namespace {

double relative_error(double got, double want) { return std::abs(got - want) / std::abs(want); }

}  // namespace

TEST_CASE("a sampled power curve integrates to the exact energy over an unaligned window",
          "[energy][integral]") {
  // P(t) = 50 + 30 sin(2 pi t / 3 s) at 10 Hz; the window starts and ends between samples.
  const ChannelSeries s = sampled(power("hwmon", "p"), sine_power, 0, 10, 0.1);
  const double b = 1.2345, e = 8.7777;
  const WindowIntegral w = integrate_window(s, at(b), at(e));
  REQUIRE(w.ok);
  const double exact = sine_energy(b, e);
  CHECK(relative_error(w.integral, exact) < 0.005);
  CHECK(relative_error(w.integral, exact) < 0.001);  // what docs/energy.md states
  CHECK(w.mean == Approx(w.integral / (e - b)).epsilon(1e-12));
  CHECK(w.coverage == 1.0);
  // The peak is the largest sample inside (t = 3.8 s and 6.8 s: 79.836 W), not the
  // curve's 80 W that falls between samples.
  CHECK(w.peak == Approx(sine_power(3.8)).epsilon(1e-9));
  CHECK(w.notes.empty());
}

TEST_CASE("an energy counter that wraps mid-window gives the exact energy", "[energy][integral]") {
  // The running total of the same curve as a counter of range 1000 J that wraps at 5 s.
  const double range = 1000;
  const double offset = range - sine_energy(0, 5);
  const ChannelSeries s = sampled(
      energy("rapl", "package-0", BL_DOMAIN_PACKAGE, "", "", range),
      [&](double t) { return std::fmod(offset + sine_energy(0, t), range); }, 0, 10, 0.1);
  REQUIRE(s.points[49].value > 990);  // just before the wrap
  REQUIRE(s.points[51].value < 10);   // just after
  const double b = 1.2345, e = 8.7777;
  const ChannelCurve curve(s);
  CHECK(curve.resets().empty());
  const WindowIntegral w = integrate_window(curve, at(b), at(e));
  REQUIRE(w.ok);
  const double exact = sine_energy(b, e);
  CHECK(relative_error(w.integral, exact) < 0.005);
  CHECK(relative_error(w.integral, exact) < 0.001);
  CHECK(w.mean == Approx(exact / (e - b)).epsilon(0.001));
  // Peak: the largest 0.1 s average rate, just under the curve's 80 W.
  CHECK(w.peak == Approx(sine_energy(0.7, 0.8) / 0.1).epsilon(1e-6));
  CHECK(w.notes.empty());
}

TEST_CASE("a counter that goes down with no wrap range is a reset that counts nothing",
          "[energy][integral]") {
  // 10 W; the counter restarts from 0 at 1.05 s (a driver reload).
  ChannelSeries s = sampled(
      energy("nvml", "gpu0.energy", BL_DOMAIN_GPU, "", "gpu0"),
      [](double t) { return t < 1.05 ? 10 * t : 10 * (t - 1.05); }, 0, 2, 0.1);
  const WindowIntegral w = integrate_window(s, at(0.2), at(1.8));
  REQUIRE(w.ok);
  CHECK(w.integral == Approx(16.0 - 1.0).epsilon(1e-9));  // [1.0, 1.1] s is lost
  CHECK(w.peak == Approx(10).epsilon(1e-9));              // the reset interval gives no rate
  REQUIRE(w.notes.size() == 1);
  CHECK_THAT(w.notes[0], Catch::Contains("no wrap range") && Catch::Contains("counts nothing"));
  // Outside the window the reset is not mentioned.
  CHECK(integrate_window(s, at(0.2), at(0.9)).notes.empty());
}

TEST_CASE("a small drop of a counter with a range is a glitch, not a wrap of the whole range",
          "[energy][integral]") {
  // Range 262144 J (RAPL-like). Adding the range to a 3 J drop would add 262 kJ.
  ChannelSeries s = sampled(
      energy("rapl", "package-0", BL_DOMAIN_PACKAGE, "", "", 262144),
      [](double t) { return 1000 + 20 * t - (t > 0.45 ? 5.0 : 0.0); }, 0, 1, 0.1);
  const WindowIntegral w = integrate_window(s, at(0.05), at(0.95));
  REQUIRE(w.ok);
  CHECK(w.integral == Approx(20 * 0.9 - 20 * 0.1).epsilon(1e-9));
  REQUIRE(w.notes.size() == 1);
  CHECK_THAT(w.notes[0], Catch::Contains("too far for a wrap at 262144"));
}

TEST_CASE("a window shorter than the sampling interval has a value when samples bracket it",
          "[energy][integral]") {
  const ChannelSeries p = constant_power(power("wall", "wall", BL_DOMAIN_WALL), 42, 0, 0.2);
  const ChannelSeries c =
      constant_power(energy("rapl", "package-0"), 42, 0, 0.2, 0.1, /*start=*/5000);
  for (const ChannelSeries* s : {&p, &c}) {
    const WindowIntegral w = integrate_window(*s, at(0.13), at(0.16));
    REQUIRE(w.ok);
    CHECK(w.coverage == 1.0);
    CHECK(w.integral == Approx(42 * 0.03).epsilon(1e-6));
    CHECK(w.mean == Approx(42).epsilon(1e-6));
    CHECK(w.peak == Approx(42).epsilon(1e-6));
  }
}

TEST_CASE("a window the samples cover less than 90% of has no value, and says why",
          "[energy][integral]") {
  const ChannelSeries s = constant_power(power("hwmon", "p"), 30, 0, 1);
  const WindowIntegral half = integrate_window(s, at(0.5), at(1.5));
  CHECK_FALSE(half.ok);
  CHECK(half.coverage == Approx(0.5));
  CHECK_THAT(half.missing,
             Catch::Contains("cover 50% of the window") && Catch::Contains("at least 90%"));
  // 95% covered: the value holds the edge reading over the last 5%.
  const WindowIntegral most = integrate_window(s, at(0.05), at(1.05));
  REQUIRE(most.ok);
  CHECK(most.coverage == Approx(0.95));
  CHECK(most.integral == Approx(30).epsilon(1e-9));
}

TEST_CASE("fewer than two samples, or an empty window, give no value", "[energy][integral]") {
  ChannelSeries one;
  one.info = power("hwmon", "p");
  one.points.push_back({at(0.5), 12});
  const WindowIntegral w = integrate_window(one, at(0), at(1));
  CHECK_FALSE(w.ok);
  CHECK_THAT(w.missing, Catch::Contains("1 sample with a reading; at least 2"));
  const ChannelSeries s = constant_power(power("hwmon", "p"), 30, 0, 1);
  const WindowIntegral empty = integrate_window(s, at(0.5), at(0.5));
  CHECK_FALSE(empty.ok);
  CHECK_THAT(empty.missing, Catch::Contains("empty"));
}

TEST_CASE("counter samples less than 1 ms apart do not make a peak of a quantisation step",
          "[energy][integral]") {
  // 10 W, with an extra reading 0.4 ms after the one at 0.1 s that caught one more 61 mJ
  // step: 152 W over that pair.
  ChannelSeries s;
  s.info = energy("rapl", "package-0");
  s.points = {{at(0), 0}, {at(0.1), 1.0}, {at(0.1004), 1.061}, {at(0.2), 2.0}, {at(0.3), 3.0}};
  const WindowIntegral w = integrate_window(s, at(0), at(0.3));
  REQUIRE(w.ok);
  CHECK(w.peak == Approx(10).epsilon(1e-9));
  CHECK(w.integral == Approx(3.0).epsilon(1e-12));  // the energy still uses every sample
}

TEST_CASE("samples out of order are sorted and NaN readings skipped", "[energy][integral]") {
  ChannelSeries s;
  s.info = power("hwmon", "p");
  s.points = {{at(0.2), 20}, {at(0), 20}, {at(0.1), std::nan("")}, {at(0.3), 20}, {at(0.1), 20}};
  const WindowIntegral w = integrate_window(s, at(0), at(0.3));
  REQUIRE(w.ok);
  CHECK(w.integral == Approx(6).epsilon(1e-12));
}

TEST_CASE("a probe's sample rows become one series per channel, without NaN readings",
          "[energy][series]") {
  const std::vector<ChannelInfo> channels = {power("nvml", "gpu0.power"),
                                             energy("nvml", "gpu0.energy")};
  const std::vector<benchlab::SampleRow> rows = {
      {at(0.2), {10, 1.0}},
      {at(0.1), {std::nan(""), 0.5}},  // out of order, no power reading
      {at(0.3), {30}},                 // a short row: no energy reading
  };
  const auto series = benchlab::series_from_rows(channels, rows);
  REQUIRE(series.size() == 2);
  CHECK(benchlab::channel_key(series[0].info) == "nvml.gpu0.power");
  REQUIRE(series[0].points.size() == 2);
  CHECK(series[0].points[0].t_ns == at(0.2));
  CHECK(series[0].points[1].value == 30);
  REQUIRE(series[1].points.size() == 2);
  CHECK(series[1].points[0].t_ns == at(0.1));
  CHECK(series[1].points[1].value == 1.0);
}
