// SPDX-License-Identifier: MIT
// Which channels make the total, and the total's values (total_power_set.h,
// trial_energy.h; docs/energy.md "The total"). Channel layouts follow the probes:
// rapl's nesting (core in package, package and dram in psys), nvml's power and energy of
// one GPU, hwmon's amdgpu SoC channel on an APU, a wall meter.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "channel_curve.h"
#include "test_energy_support.hpp"
#include "total_power_set.h"
#include "trial_energy.h"

using benchlab::channel_key;
using benchlab::MeasuredWindow;
using benchlab::select_total_power_set;
using benchlab::TotalPowerSet;
using benchlab::TotalRule;
using benchlab::trial_energy;
using benchlab::TrialEnergy;
using benchlab::TrialEnergyInput;
using benchlab::TrialValue;
using namespace energy_test;

namespace {

std::vector<std::string> member_keys(const TotalPowerSet& set,
                                     const std::vector<ChannelInfo>& channels) {
  std::vector<std::string> keys;
  for (std::size_t i : set.members) keys.push_back(channel_key(channels[i]));
  return keys;
}

const TrialValue* find(const TrialEnergy& r, const std::string& name) {
  for (const TrialValue& v : r.values) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

double value_of(const TrialEnergy& r, const std::string& name) {
  const TrialValue* v = find(r, name);
  INFO(name);
  REQUIRE(v != nullptr);
  return v->value;
}

}  // namespace

TEST_CASE("rapl with psys: the total is psys alone; nothing nested is added", "[energy][total]") {
  const std::vector<ChannelInfo> c = {
      energy("rapl", "package-0", BL_DOMAIN_PACKAGE, "psys"),
      energy("rapl", "package-0.core", BL_DOMAIN_CORE, "package-0"),
      energy("rapl", "package-0.uncore", BL_DOMAIN_UNCORE, "package-0"),
      energy("rapl", "dram", BL_DOMAIN_DRAM, "psys"),
      energy("rapl", "psys", BL_DOMAIN_PSYS),
      channel("hwmon", "coretemp.temp1", BL_QUANTITY_TEMPERATURE, BL_DOMAIN_PACKAGE),
  };
  const TotalPowerSet set = select_total_power_set(c);
  CHECK(set.rule == TotalRule::platform);
  CHECK(member_keys(set, c) == std::vector<std::string>{"rapl.psys"});
  CHECK(set.left_out.size() == 4);
  CHECK(benchlab::describe(set, c) == "total = rapl.psys (platform channels)");
}

TEST_CASE("rapl without psys: packages and dram, never a core inside its package",
          "[energy][total]") {
  const std::vector<ChannelInfo> c = {
      energy("rapl", "package-0", BL_DOMAIN_PACKAGE),
      energy("rapl", "package-0.core", BL_DOMAIN_CORE, "package-0"),
      energy("rapl", "package-1", BL_DOMAIN_PACKAGE),
      energy("rapl", "package-1.core", BL_DOMAIN_CORE, "package-1"),
      energy("rapl", "dram", BL_DOMAIN_DRAM),
  };
  const TotalPowerSet set = select_total_power_set(c);
  CHECK(set.rule == TotalRule::components);
  CHECK(member_keys(set, c) ==
        std::vector<std::string>{"rapl.package-0", "rapl.package-1", "rapl.dram"});
  CHECK_THAT(set.left_out[0], Catch::Equals("rapl.package-0.core: inside rapl.package-0"));
}

TEST_CASE("a wall meter is the total on its own", "[energy][total]") {
  const std::vector<ChannelInfo> c = {
      energy("rapl", "psys", BL_DOMAIN_PSYS),
      power("nvml", "gpu0.power", BL_DOMAIN_GPU, "", "gpu0"),
      power("wall", "wall", BL_DOMAIN_WALL),
  };
  const TotalPowerSet set = select_total_power_set(c);
  CHECK(set.rule == TotalRule::wall);
  CHECK(member_keys(set, c) == std::vector<std::string>{"wall.wall"});
}

TEST_CASE("an APU's SoC channel replaces package and core; a discrete GPU adds",
          "[energy][total]") {
  const std::vector<ChannelInfo> c = {
      energy("rapl", "package-0", BL_DOMAIN_PACKAGE),
      energy("rapl", "core", BL_DOMAIN_CORE),
      power("hwmon", "amdgpu.power1", BL_DOMAIN_SOC, "", "gpu0"),
      power("nvml", "gpu1.power", BL_DOMAIN_GPU, "", "gpu1"),
  };
  const TotalPowerSet set = select_total_power_set(c);
  CHECK(member_keys(set, c) == std::vector<std::string>{"hwmon.amdgpu.power1", "nvml.gpu1.power"});
  CHECK_THAT(set.left_out[0], Catch::Contains("SoC channel includes the CPU"));
}

TEST_CASE("two readings of one GPU count once, the energy counter first", "[energy][total]") {
  const std::vector<ChannelInfo> c = {
      power("nvml", "gpu0.power", BL_DOMAIN_GPU, "", "gpu0"),
      energy("nvml", "gpu0.energy", BL_DOMAIN_GPU, "", "gpu0"),
      power("nvml", "gpu1.power", BL_DOMAIN_GPU, "", "gpu1"),
      power("rocm-smi", "gpu1.power", BL_DOMAIN_GPU, "", "gpu1"),
  };
  const TotalPowerSet set = select_total_power_set(c);
  CHECK(member_keys(set, c) == std::vector<std::string>{"nvml.gpu0.energy", "nvml.gpu1.power"});
  CHECK(set.left_out ==
        std::vector<std::string>{"nvml.gpu0.power: same device and domain as nvml.gpu0.energy",
                                 "rocm-smi.gpu1.power: same device and domain as nvml.gpu1.power"});
}

TEST_CASE("channels of unknown domain count only when nothing else measures power",
          "[energy][total]") {
  std::vector<ChannelInfo> c = {
      power("hwmon", "power_meter.power1", BL_DOMAIN_OTHER),
      energy("rapl", "package-0", BL_DOMAIN_PACKAGE),
  };
  TotalPowerSet set = select_total_power_set(c);
  CHECK(member_keys(set, c) == std::vector<std::string>{"rapl.package-0"});
  c.pop_back();
  set = select_total_power_set(c);
  CHECK(set.rule == TotalRule::other);
  CHECK(member_keys(set, c) == std::vector<std::string>{"hwmon.power_meter.power1"});
  c.clear();
  c.push_back(channel("hwmon", "coretemp.temp1", BL_QUANTITY_TEMPERATURE, BL_DOMAIN_PACKAGE));
  CHECK(select_total_power_set(c).rule == TotalRule::none);
}

TEST_CASE("a trial's per-channel and total values add up without double counting",
          "[energy][total]") {
  // package-0 20 W with its core 12 W inside, dram 5 W, a GPU at 100 W as power and as
  // energy counter: the total is 20 + 5 + 100 W.
  const std::vector<ChannelSeries> c = {
      constant_power(energy("rapl", "package-0"), 20, 0, 3, 0.1, 1e5),
      constant_power(energy("rapl", "package-0.core", BL_DOMAIN_CORE, "package-0"), 12, 0, 3),
      constant_power(energy("rapl", "dram", BL_DOMAIN_DRAM), 5, 0, 3, 0.1),
      constant_power(power("nvml", "gpu0.power", BL_DOMAIN_GPU, "", "gpu0"), 100, 0, 3, 0.05),
      constant_power(energy("nvml", "gpu0.energy", BL_DOMAIN_GPU, "", "gpu0"), 100, 0, 3, 0.02),
  };
  TrialEnergyInput in;
  in.channels = c;
  in.window = MeasuredWindow{at(0.5), at(2.5)};
  const TrialEnergy r = trial_energy(in);
  CHECK(r.notes.empty());
  CHECK(r.total_description ==
        "total = rapl.package-0 + rapl.dram + nvml.gpu0.energy (component channels)");
  CHECK(value_of(r, "energy.rapl.package-0") == Approx(40));
  CHECK(value_of(r, "energy.rapl.package-0.core") == Approx(24));
  CHECK(value_of(r, "power.rapl.package-0.core.mean") == Approx(12));
  CHECK(value_of(r, "power.nvml.gpu0.power.peak") == Approx(100));
  CHECK(value_of(r, "energy.total") == Approx(250));
  CHECK(value_of(r, "power.total.mean") == Approx(125));
  CHECK(value_of(r, "power.total.peak") == Approx(125));
  for (const TrialValue& v : r.values) {
    INFO(v.name);
    CHECK(v.direction == BL_LOWER_IS_BETTER);
    CHECK(v.unit == (v.name.starts_with("energy.") ? "J" : "W"));
  }
  CHECK(r.values.size() == 5 * 3 + 3);
}

TEST_CASE("the total's peak is the peak of the summed curve, not the sum of the peaks",
          "[energy][total]") {
  // Two channels in antiphase sum to a constant 100 W; their peaks add to ~160 W.
  const std::vector<ChannelSeries> c = {
      sampled(power("hwmon", "a.power1", BL_DOMAIN_PACKAGE), sine_power, 0, 10, 0.1),
      sampled(
          power("hwmon", "b.power1", BL_DOMAIN_GPU), [](double t) { return 100 - sine_power(t); },
          0.03, 10, 0.1),  // sampled at other times
  };
  TrialEnergyInput in;
  in.channels = c;
  in.window = MeasuredWindow{at(1), at(9)};
  const TrialEnergy r = trial_energy(in);
  CHECK(value_of(r, "power.hwmon.a.power1.peak") + value_of(r, "power.hwmon.b.power1.peak") > 155);
  // Between the two sets of sample times each linear interpolation errs a little.
  CHECK(value_of(r, "power.total.peak") == Approx(100).margin(0.5));
  CHECK(value_of(r, "energy.total") == Approx(800).epsilon(0.001));
}

TEST_CASE("a channel of the total without a value leaves the total out, and says why",
          "[energy][total]") {
  const std::vector<ChannelSeries> c = {
      constant_power(energy("rapl", "package-0"), 20, 0, 3),
      constant_power(energy("rapl", "dram", BL_DOMAIN_DRAM), 5, 0, 1),  // stopped at 1 s
  };
  TrialEnergyInput in;
  in.channels = c;
  in.window = MeasuredWindow{at(0.5), at(2.5)};
  const TrialEnergy r = trial_energy(in);
  CHECK(find(r, "energy.rapl.package-0") != nullptr);
  CHECK(find(r, "energy.rapl.dram") == nullptr);
  CHECK(find(r, "energy.total") == nullptr);
  CHECK(find(r, "power.total.mean") == nullptr);
  REQUIRE(r.notes.size() == 2);
  CHECK_THAT(r.notes[0], Catch::StartsWith("energy.rapl.dram: no value: the samples cover 25%"));
  CHECK_THAT(r.notes[1], Catch::StartsWith("energy.total: no value: rapl.dram: the samples"));
}
