// SPDX-License-Identifier: MIT
// The idle baseline: means and their batch-means standard errors (idle_baseline.h;
// docs/energy.md "Idle baseline"). The autocorrelated case is checked against the spread
// of the means of many seeded AR(1) series, which is what a standard error must predict.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "idle_baseline.h"
#include "stats.h"
#include "test_energy_support.hpp"

using benchlab::IdleBaseline;
using benchlab::measure_idle_baseline;
using namespace energy_test;

namespace {

// Power around `mean` W at 10 Hz over [0, seconds], each sample phi times the last
// deviation plus fresh noise: autocorrelated like a real idle machine's readings.
ChannelSeries ar1_power(ChannelInfo info, std::mt19937_64& rng, double mean, double phi,
                        double noise_w, double seconds) {
  std::normal_distribution<double> eps(0, noise_w);
  double dev = eps(rng) / std::sqrt(1 - phi * phi);  // start in the stationary distribution
  return sampled(
      std::move(info),
      [&](double) {
        const double v = mean + dev;
        dev = phi * dev + eps(rng);
        return v;
      },
      0, seconds, 0.1);
}

}  // namespace

TEST_CASE("batch means give a standard error that matches the spread of autocorrelated means",
          "[energy][idle]") {
  // 400 idle windows of 30 s at 10 Hz, phi = 0.9 (correlation time ~2 s). The naive SEM
  // (sd / sqrt(n)) understates the spread of the means about 4-fold; batch means do not.
  std::mt19937_64 rng(20240518);
  std::vector<double> means, batch_sems, naive_sems;
  std::size_t covered = 0;
  const int windows = 400;
  for (int k = 0; k < windows; ++k) {
    const std::vector<ChannelSeries> c = {
        ar1_power(power("wall", "wall", BL_DOMAIN_WALL), rng, 40, 0.9, 1.0, 30)};
    const IdleBaseline base = measure_idle_baseline(c, at(0), at(30));
    REQUIRE(base.has_total);
    REQUIRE(base.total.batch_means);
    CHECK(base.total.dof == 9);
    means.push_back(base.total.mean);
    batch_sems.push_back(base.total.sem);
    std::vector<double> readings;
    for (const auto& p : c[0].points) readings.push_back(p.value);
    naive_sems.push_back(benchlab::summarize(readings).sd /
                         std::sqrt(static_cast<double>(readings.size())));
    const double t = benchlab::student_t_quantile(0.975, base.total.dof);
    if (std::abs(base.total.mean - 40) <= t * base.total.sem) ++covered;
  }
  const double spread = benchlab::summarize(means).sd;
  const double batch = benchlab::summarize(batch_sems).mean;
  const double naive = benchlab::summarize(naive_sems).mean;
  INFO("spread of the means " << spread << ", batch-means SEM " << batch << ", naive SEM " << naive
                              << ", 95% intervals holding 40 W: " << covered);
  CHECK(batch / spread > 0.75);
  CHECK(batch / spread < 1.25);
  CHECK(naive / spread < 0.4);
  CHECK(covered > 0.88 * windows);  // nominal 95%
}

TEST_CASE("the idle baseline has each channel's mean, the total's, and temperatures",
          "[energy][idle]") {
  std::mt19937_64 rng(7);
  const std::vector<ChannelSeries> c = {
      ar1_power(power("hwmon", "cpu"), rng, 8, 0.5, 0.2, 20),
      constant_power(energy("nvml", "gpu0.energy", BL_DOMAIN_GPU, "", "gpu0"), 15, 0, 20, 0.1,
                     123456),
      sampled(
          channel("hwmon", "coretemp.temp1", BL_QUANTITY_TEMPERATURE, BL_DOMAIN_PACKAGE),
          [](double) { return 41.5; }, 0, 20, 0.5),
      sampled(
          channel("cpufreq", "cpu0", BL_QUANTITY_FREQUENCY, BL_DOMAIN_CORE),
          [](double) { return 8e8; }, 0, 20, 0.1),
  };
  const IdleBaseline base = measure_idle_baseline(c, at(0), at(20));
  REQUIRE(base.channels.size() == 3);  // no frequency
  CHECK(base.find("nvml.gpu0.energy")->value.mean == Approx(15).epsilon(1e-9));
  CHECK(base.find("nvml.gpu0.energy")->value.sem == Approx(0).margin(1e-9));
  CHECK(base.find("hwmon.coretemp.temp1")->value.mean == Approx(41.5));
  CHECK(base.find("cpufreq.cpu0") == nullptr);
  REQUIRE(base.has_total);
  CHECK(base.total_channels == std::vector<std::string>{"hwmon.cpu", "nvml.gpu0.energy"});
  CHECK(base.total.mean == Approx(base.find("hwmon.cpu")->value.mean + 15).epsilon(1e-12));
  CHECK(base.total.sem == Approx(base.find("hwmon.cpu")->value.sem).epsilon(1e-9));
  CHECK(base.total.batch_means);
  // The temperature has 41 samples: batch means too; no warning at all.
  CHECK(base.warnings.empty());
}

TEST_CASE("fewer than 20 idle samples: the naive standard error, with a warning",
          "[energy][idle]") {
  // 1 Hz for 10 s: 11 samples alternating 9 and 11 W.
  const std::vector<ChannelSeries> c = {sampled(
      power("wall", "wall", BL_DOMAIN_WALL),
      [](double t) { return std::lround(t) % 2 == 0 ? 9.0 : 11.0; }, 0, 10, 1.0)};
  const IdleBaseline base = measure_idle_baseline(c, at(0), at(10));
  REQUIRE(base.has_total);
  CHECK_FALSE(base.total.batch_means);
  CHECK(base.total.dof == 10);
  // sd of six 9s and five 11s over sqrt(11).
  std::vector<double> v = {9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 9};
  CHECK(base.total.sem == Approx(benchlab::summarize(v).sd / std::sqrt(11.0)).epsilon(1e-12));
  REQUIRE(base.warnings.size() == 1);
  CHECK_THAT(base.warnings[0],
             Catch::StartsWith("wall.wall: 11 samples in the idle window, fewer than 20") &&
                 Catch::Contains("longer idle window"));
}

TEST_CASE("an idle window without samples of a channel of the total has no total",
          "[energy][idle]") {
  const std::vector<ChannelSeries> c = {
      constant_power(energy("rapl", "package-0"), 5, 0, 10),
      constant_power(energy("rapl", "dram", BL_DOMAIN_DRAM), 1, 8, 10),  // started late
  };
  const IdleBaseline base = measure_idle_baseline(c, at(0), at(10));
  CHECK_FALSE(base.has_total);
  CHECK(base.channels.size() == 1);
  REQUIRE(base.warnings.size() == 2);
  CHECK_THAT(base.warnings[0],
             Catch::StartsWith("rapl.dram: no idle value: the samples cover 20%"));
  CHECK(base.warnings[1] == "no idle total: rapl.dram of the total has no idle value");
}
