// SPDX-License-Identifier: MIT
// The cool-down predicate (cooldown.h; docs/energy.md "Cool-down"): back near idle when
// every temperature is within its margin of idle and the total power within
// max(10%, 2 W) of idle, and otherwise a line that says what still differs.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cooldown.h"
#include "test_energy_support.hpp"

using benchlab::cooldown_state;
using benchlab::CooldownState;
using benchlab::IdleBaseline;
using benchlab::IdleChannel;
using namespace energy_test;

namespace {

IdleBaseline baseline(double idle_w, double idle_c) {
  IdleBaseline base;
  IdleChannel t;
  t.info = channel("hwmon", "coretemp.temp1", BL_QUANTITY_TEMPERATURE, BL_DOMAIN_PACKAGE);
  t.info.label = "Package id 0";
  t.value.mean = idle_c;
  base.channels.push_back(t);
  base.has_total = true;
  base.total.mean = idle_w;
  base.total_channels = {"rapl.package-0"};
  return base;
}

// The last 3 s: package power `watts`, temperature `celsius`.
std::vector<ChannelSeries> recent(double watts, double celsius) {
  ChannelInfo t = channel("hwmon", "coretemp.temp1", BL_QUANTITY_TEMPERATURE, BL_DOMAIN_PACKAGE);
  t.label = "Package id 0";
  return {constant_power(energy("rapl", "package-0"), watts, 0, 3, 0.1, 5000),
          sampled(
              t, [&](double) { return celsius; }, 0, 3, 0.5)};
}

CooldownState check(double idle_w, double idle_c, double watts, double celsius) {
  const auto r = recent(watts, celsius);
  return cooldown_state(r, at(0), at(3), baseline(idle_w, idle_c));
}

}  // namespace

TEST_CASE("back near idle within the margins; otherwise what still differs", "[energy][cooldown]") {
  CHECK(check(40, 45.2, 40.5, 47.0).near_idle);
  const CooldownState hot = check(40, 45.2, 40.5, 61.0);
  CHECK_FALSE(hot.near_idle);
  CHECK(hot.differences == std::vector<std::string>{"Package id 0 61.0 °C, idle 45.2 °C"});
  const CooldownState busy = check(40, 45.2, 85.3, 61.0);
  CHECK(busy.differences == std::vector<std::string>{"Package id 0 61.0 °C, idle 45.2 °C",
                                                     "total power 85.3 W, idle 40.0 W"});
  CHECK(busy.unknown.empty());
}

TEST_CASE("the power margin is 10% of idle, but at least 2 W", "[energy][cooldown]") {
  CHECK(check(10, 40, 11.9, 40).near_idle);  // 2 W margin
  CHECK_FALSE(check(10, 40, 12.1, 40).near_idle);
  CHECK(check(100, 40, 109, 40).near_idle);  // 10 W margin
  CHECK_FALSE(check(100, 40, 111, 40).near_idle);
  CHECK(check(100, 40, 20, 40).near_idle);  // below idle is idle
  // The temperature margin is configurable.
  const auto r = recent(40, 47);
  benchlab::CooldownMargins tight;
  tight.temperature_c = 1.0;
  CHECK_FALSE(cooldown_state(r, at(0), at(3), baseline(40, 45.2), tight).near_idle);
}

TEST_CASE("a channel without recent samples is reported as unknown and does not hold the wait",
          "[energy][cooldown]") {
  const std::vector<ChannelSeries> only_power = {
      constant_power(energy("rapl", "package-0"), 40, 0, 3, 0.1, 5000)};
  const CooldownState st = cooldown_state(only_power, at(0), at(3), baseline(40, 45));
  CHECK(st.near_idle);
  CHECK(st.unknown == std::vector<std::string>{"hwmon.coretemp.temp1: no samples"});
}
