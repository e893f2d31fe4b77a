// SPDX-License-Identifier: MIT
// Throttling flags (throttle_detection.h; docs/energy.md "Throttling"): the hardware's own
// throttle channels, and a frequency that fell while a temperature sat at its limit; an
// ordinary frequency change is not throttling.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "test_energy_support.hpp"
#include "throttle_detection.h"

using benchlab::throttle_reason;
using namespace energy_test;

namespace {

ChannelInfo temperature(std::string probe, std::string id, double limit, std::string device = "") {
  return channel(std::move(probe), std::move(id), BL_QUANTITY_TEMPERATURE, BL_DOMAIN_PACKAGE,
                 BL_CHANNEL_INSTANT, "", std::move(device), 0, limit);
}

ChannelInfo frequency(std::string probe, std::string id, double limit, std::string device = "") {
  return channel(std::move(probe), std::move(id), BL_QUANTITY_FREQUENCY, BL_DOMAIN_CORE,
                 BL_CHANNEL_INSTANT, "", std::move(device), 0, limit);
}

// Rises from 60 °C to 99 °C between 1 and 2 s and stays there.
double heating(double t) { return t < 1 ? 60 : t < 2 ? 60 + 39 * (t - 1) : 99; }
// 5.0 GHz, down to 2.1 GHz from 2.5 s.
double slowing(double t) { return t < 2.5 ? 5.0e9 : 2.1e9; }

}  // namespace

TEST_CASE("a throttle flag or a rising throttle counter flags the trial", "[energy][throttle]") {
  const std::vector<ChannelSeries> flag = {sampled(
      channel("nvml", "gpu0.throttle", BL_QUANTITY_THROTTLE, BL_DOMAIN_GPU),
      [](double t) { return t > 2.0 && t < 2.3 ? 1.0 : 0.0; }, 0, 5, 0.1)};
  CHECK(throttle_reason(flag, at(1), at(4)) ==
        "nvml.gpu0.throttle reported throttling (value 1 at +1.100 s)");
  CHECK(throttle_reason(flag, at(3), at(4)).empty());

  const std::vector<ChannelSeries> counter = {sampled(
      channel("cpufreq", "throttle.package", BL_QUANTITY_THROTTLE, BL_DOMAIN_PACKAGE,
              BL_CHANNEL_COUNTER),
      [](double t) { return t < 2.05 ? 17.0 : 20.0; }, 0, 5, 0.1)};
  CHECK(throttle_reason(counter, at(1), at(4)) ==
        "cpufreq.throttle.package counted 3 throttling events during the trial");
  CHECK(throttle_reason(counter, at(2.5), at(4)).empty());
  // A sum that drops (a CPU went offline) is no throttling.
  const std::vector<ChannelSeries> dropping = {sampled(
      channel("cpufreq", "throttle.core", BL_QUANTITY_THROTTLE, BL_DOMAIN_CORE, BL_CHANNEL_COUNTER),
      [](double t) { return t < 2.05 ? 40.0 : 30.0; }, 0, 5, 0.1)};
  CHECK(throttle_reason(dropping, at(1), at(4)).empty());
}

TEST_CASE("a frequency that falls while the temperature is at its limit flags the trial",
          "[energy][throttle]") {
  const std::vector<ChannelSeries> c = {
      sampled(temperature("hwmon", "coretemp.temp1", 100), heating, 0, 5, 0.1),
      sampled(frequency("cpufreq", "cluster-0", 0), slowing, 0, 5, 0.1),
  };
  CHECK(throttle_reason(c, at(0.5), at(4)) ==
        "cpufreq.cluster-0 fell to 2.1 GHz (max 5.0 GHz) while hwmon.coretemp.temp1 was at "
        "99 °C (limit 100 °C)");
  // With a limit the reference is the limit, even before the trial saw the maximum.
  const std::vector<ChannelSeries> limited = {
      c[0], sampled(frequency("cpufreq", "cluster-0", 5.5e9), slowing, 0, 5, 0.1)};
  CHECK_THAT(throttle_reason(limited, at(3), at(4)),
             Catch::StartsWith("cpufreq.cluster-0 fell to 2.1 GHz (limit 5.5 GHz)"));
}

TEST_CASE(
    "a frequency change at a normal temperature, or heat without a fall, is not "
    "throttling",
    "[energy][throttle]") {
  const std::vector<ChannelSeries> cool = {
      sampled(
          temperature("hwmon", "coretemp.temp1", 100), [](double) { return 70.0; }, 0, 5, 0.1),
      sampled(frequency("cpufreq", "cluster-0", 0), slowing, 0, 5, 0.1),
  };
  CHECK(throttle_reason(cool, at(0.5), at(4)).empty());
  const std::vector<ChannelSeries> hot_steady = {
      sampled(temperature("hwmon", "coretemp.temp1", 100), heating, 0, 5, 0.1),
      sampled(
          frequency("cpufreq", "cluster-0", 0), [](double) { return 4.8e9; }, 0, 5, 0.1),
  };
  CHECK(throttle_reason(hot_steady, at(0.5), at(4)).empty());
  // Heat and the fall at different times: 98.5 °C until 2 s, the fall from 2.5 s.
  const std::vector<ChannelSeries> apart = {
      sampled(
          temperature("hwmon", "coretemp.temp1", 100), [](double t) { return t < 2 ? 98.5 : 60.0; },
          0, 5, 0.1),
      sampled(frequency("cpufreq", "cluster-0", 0), slowing, 0, 5, 0.1),
  };
  CHECK(throttle_reason(apart, at(0.5), at(4)).empty());
  // No limit known: a temperature alone can never say throttling.
  const std::vector<ChannelSeries> no_limit = {
      sampled(
          temperature("hwmon", "nvme.temp1", 0), [](double) { return 99.0; }, 0, 5, 0.1),
      sampled(frequency("cpufreq", "cluster-0", 0), slowing, 0, 5, 0.1),
  };
  CHECK(throttle_reason(no_limit, at(0.5), at(4)).empty());
}

TEST_CASE("a GPU's heat does not explain another device's frequency", "[energy][throttle]") {
  const std::vector<ChannelSeries> c = {
      sampled(
          temperature("nvml", "gpu0.temp", 90, "gpu0"), [](double) { return 89.0; }, 0, 5, 0.1),
      sampled(
          frequency("nvml", "gpu1.clock.graphics", 2.0e9, "gpu1"),
          [](double t) { return t < 2.5 ? 1.9e9 : 1.2e9; }, 0, 5, 0.1),
      sampled(
          frequency("nvml", "gpu0.clock.graphics", 2.0e9, "gpu0"), [](double) { return 1.95e9; }, 0,
          5, 0.1),
  };
  CHECK(throttle_reason(c, at(0.5), at(4)).empty());
  // A frequency channel with no device pairs with any temperature; two falling channels
  // give the deepest fall and a count.
  std::vector<ChannelSeries> cpus = {
      sampled(temperature("hwmon", "coretemp.temp1", 100), heating, 0, 5, 0.1),
      sampled(frequency("cpufreq", "cpu0", 0), slowing, 0, 5, 0.1),
      sampled(
          frequency("cpufreq", "cpu1", 0), [](double t) { return t < 3 ? 5e9 : 1.2e9; }, 0, 5, 0.1),
  };
  CHECK(throttle_reason(cpus, at(0.5), at(4)) ==
        "cpufreq.cpu1 fell to 1.2 GHz (max 5.0 GHz) while hwmon.coretemp.temp1 was at 99 °C "
        "(limit 100 °C) (and 1 more frequency channel)");
}
