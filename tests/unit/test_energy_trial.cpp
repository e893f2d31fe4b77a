// SPDX-License-Identifier: MIT
// A trial's derived values beyond the totals: marked phases, work per joule, idle-net
// energy and its uncertainty, and the cases that give no value (trial_energy.h,
// work_per_joule.h; docs/energy.md).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "idle_baseline.h"
#include "test_energy_support.hpp"
#include "trial_energy.h"
#include "work_per_joule.h"

using benchlab::classify_work_unit;
using benchlab::IdleBaseline;
using benchlab::Mark;
using benchlab::MeasuredWindow;
using benchlab::trial_energy;
using benchlab::TrialEnergy;
using benchlab::TrialEnergyInput;
using benchlab::TrialValue;
using benchlab::WorkUnit;
using namespace energy_test;

namespace {

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

TrialValue workload(std::string name, std::string unit, int32_t direction, double v) {
  TrialValue t;
  t.name = std::move(name);
  t.unit = std::move(unit);
  t.direction = direction;
  t.value = v;
  return t;
}

// A CPU at 30 W for the first second of the trial and 60 W after, as a power reading at
// 100 Hz, and a GPU counter at a steady 150 W; the trial runs from 1 s to 4 s.
std::vector<ChannelSeries> two_phase_machine() {
  return {
      sampled(
          power("hwmon", "cpu.power1", BL_DOMAIN_PACKAGE),
          [](double t) { return t < 2.0 ? 30.0 : 60.0; }, 0, 5, 0.01),
      constant_power(energy("nvml", "gpu0.energy", BL_DOMAIN_GPU, "", "gpu0"), 150, 0, 5, 0.1, 1e6),
  };
}

}  // namespace

TEST_CASE("each marked phase gets its energy and mean power, and the phases add up",
          "[energy][marks]") {
  const auto channels = two_phase_machine();
  const std::vector<Mark> marks = {{"prefill", at(1.0)}, {"decode", at(2.0)}};
  TrialEnergyInput in;
  in.channels = channels;
  in.window = MeasuredWindow{at(1), at(4)};
  in.marks = marks;
  const TrialEnergy r = trial_energy(in);
  CHECK(r.notes.empty());
  // The CPU's step from 30 to 60 W is linear between the samples at 1.99 and 2.00 s.
  CHECK(value_of(r, "energy.hwmon.cpu.power1.prefill") == Approx(30 + 0.15).epsilon(1e-9));
  CHECK(value_of(r, "energy.hwmon.cpu.power1.decode") == Approx(120).epsilon(1e-9));
  CHECK(value_of(r, "energy.nvml.gpu0.energy.prefill") == Approx(150).epsilon(1e-9));
  CHECK(value_of(r, "energy.total.prefill") == Approx(180.15).epsilon(1e-9));
  CHECK(value_of(r, "power.total.prefill.mean") == Approx(180.15).epsilon(1e-9));
  CHECK(value_of(r, "energy.total.decode") == Approx(420).epsilon(1e-9));
  CHECK(value_of(r, "power.total.decode.mean") == Approx(210).epsilon(1e-9));
  CHECK(value_of(r, "energy.total.prefill") + value_of(r, "energy.total.decode") ==
        Approx(value_of(r, "energy.total")).epsilon(1e-12));
}

TEST_CASE("a phase marked again adds its windows; marks before the trial start at its begin",
          "[energy][marks]") {
  const auto channels = two_phase_machine();
  // Out of order on purpose; "load" starts before the window.
  const std::vector<Mark> marks = {
      {"decode", at(2.0)}, {"load", at(0.5)}, {"decode", at(3.5)}, {"prefill", at(3.0)}};
  const auto windows = benchlab::marked_windows(marks, MeasuredWindow{at(1), at(4)});
  REQUIRE(windows.size() == 3);
  CHECK(windows[0].name == "load");
  CHECK(windows[0].spans == decltype(windows[0].spans){{at(1), at(2)}});
  CHECK(windows[1].name == "decode");
  CHECK(windows[1].spans == decltype(windows[1].spans){{at(2), at(3)}, {at(3.5), at(4)}});
  CHECK(windows[2].spans == decltype(windows[2].spans){{at(3), at(3.5)}});

  TrialEnergyInput in;
  in.channels = channels;
  in.window = MeasuredWindow{at(1), at(4)};
  in.marks = marks;
  const TrialEnergy r = trial_energy(in);
  CHECK(value_of(r, "energy.total.decode") == Approx(1.5 * 210).epsilon(1e-9));
  CHECK(value_of(r, "power.total.decode.mean") == Approx(210).epsilon(1e-9));
  CHECK(value_of(r, "energy.total.prefill") == Approx(0.5 * 210).epsilon(1e-9));
}

TEST_CASE("a mark name that would clash with another value is left out, with a note",
          "[energy][marks]") {
  const std::vector<ChannelSeries> channels = {
      constant_power(energy("rapl", "package-0"), 20, 0, 3),
      constant_power(energy("rapl", "package-0.core", BL_DOMAIN_CORE, "package-0"), 12, 0, 3),
  };
  const std::vector<Mark> marks = {{"core", at(1)}, {"net", at(2)}};
  TrialEnergyInput in;
  in.channels = channels;
  in.window = MeasuredWindow{at(1), at(2.5)};
  in.marks = marks;
  const TrialEnergy r = trial_energy(in);
  // energy.rapl.package-0.core is the core channel's 18 J, not package-0's "core" phase.
  CHECK(value_of(r, "energy.rapl.package-0.core") == Approx(18));
  CHECK(value_of(r, "energy.total.core") == Approx(20));
  CHECK(find(r, "energy.total.net") == nullptr);
  REQUIRE(r.notes.size() == 2);
  CHECK_THAT(r.notes[0], Catch::StartsWith("mark net: no values: the name is reserved"));
  CHECK_THAT(r.notes[1], Catch::StartsWith("energy.rapl.package-0.core: left out: the name is "
                                           "already taken"));
}

TEST_CASE("rates and counts of the workload become work per joule", "[energy][per_joule]") {
  CHECK(classify_work_unit("tok/s") == WorkUnit::rate);
  CHECK(classify_work_unit("MB/s") == WorkUnit::rate);
  CHECK(classify_work_unit("tokens") == WorkUnit::count);
  CHECK(classify_work_unit("frames") == WorkUnit::count);
  CHECK(classify_work_unit("s") == WorkUnit::none);
  CHECK(classify_work_unit("/s") == WorkUnit::none);
  CHECK(classify_work_unit("ms") == WorkUnit::none);
  CHECK(classify_work_unit("%") == WorkUnit::none);
  CHECK(classify_work_unit("s/tok") == WorkUnit::none);
  CHECK(classify_work_unit("GFLOPS") == WorkUnit::none);

  const auto channels = two_phase_machine();  // 3 s, 30 + 2 x 60 + 3 x 150 = 600.15 J
  const std::vector<TrialValue> values = {
      workload("decode_rate", "tok/s", BL_HIGHER_IS_BETTER, 400),
      workload("generated", "tokens", BL_HIGHER_IS_BETTER, 1200),
      workload("latency", "ms", BL_LOWER_IS_BETTER, 25),
      workload("busy", "%", BL_HIGHER_IS_BETTER, 80),
  };
  TrialEnergyInput in;
  in.channels = channels;
  in.window = MeasuredWindow{at(1), at(4)};
  in.workload = values;
  const TrialEnergy r = trial_energy(in);
  const double energy_j = value_of(r, "energy.total");
  CHECK(energy_j == Approx(600.15).epsilon(1e-9));
  const TrialValue* rate = find(r, "decode_rate.per_joule");
  REQUIRE(rate != nullptr);
  CHECK(rate->unit == "tok/J");
  CHECK(rate->direction == BL_HIGHER_IS_BETTER);
  CHECK(rate->value == Approx(400 / (energy_j / 3)).epsilon(1e-12));
  const TrialValue* count = find(r, "generated.per_joule");
  REQUIRE(count != nullptr);
  CHECK(count->unit == "tokens/J");
  CHECK(count->value == Approx(1200 / energy_j).epsilon(1e-12));
  CHECK(find(r, "latency.per_joule") == nullptr);
  CHECK(find(r, "busy.per_joule") == nullptr);
}

TEST_CASE("idle-net energy subtracts idle power over the trial and carries its uncertainty",
          "[energy][idle]") {
  const auto channels = two_phase_machine();
  IdleBaseline idle;
  idle.has_total = true;
  idle.total.mean = 40;
  idle.total.sem = 0.5;
  idle.total.dof = 9;
  idle.total_channels = {"hwmon.cpu.power1", "nvml.gpu0.energy"};
  TrialEnergyInput in;
  in.channels = channels;
  in.window = MeasuredWindow{at(1), at(4)};
  in.idle = &idle;
  TrialEnergy r = trial_energy(in);
  const TrialValue* net = find(r, "energy.total.net");
  REQUIRE(net != nullptr);
  CHECK(net->value == Approx(600.15 - 40 * 3).epsilon(1e-9));
  CHECK(net->systematic_u == Approx(3 * 0.5).epsilon(1e-12));
  CHECK(net->systematic_dof == 9);
  CHECK(net->unit == "J");

  // A baseline over other channels would subtract the wrong idle power.
  idle.total_channels = {"hwmon.cpu.power1"};
  r = trial_energy(in);
  CHECK(find(r, "energy.total.net") == nullptr);
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0] ==
        "energy.total.net: no value: the idle total was hwmon.cpu.power1 and the trial's is "
        "hwmon.cpu.power1 + nvml.gpu0.energy");
}

TEST_CASE(
    "the CI of an idle-net result adds the idle uncertainty, which more trials cannot "
    "shrink",
    "[energy][idle]") {
  // 95% half-widths: trials' 3.0 J, idle term t(0.975, 9) x 1.5 J = 2.262157 x 1.5.
  CHECK(benchlab::combined_ci95(3.0, 1.5, 9) ==
        Approx(std::sqrt(9.0 + std::pow(2.2621571628 * 1.5, 2))).epsilon(1e-9));
  CHECK(benchlab::combined_ci95(3.0, 0, 9) == 3.0);
  CHECK(benchlab::combined_ci95(0, 1.0, 0) == Approx(1.959964).epsilon(1e-6));
}

TEST_CASE("a trial without a measured window or power channels gets no values, and a reason",
          "[energy][trial]") {
  const auto channels = two_phase_machine();
  TrialEnergyInput in;
  in.channels = channels;
  in.window = MeasuredWindow{};  // run() never returned
  TrialEnergy r = trial_energy(in);
  CHECK(r.values.empty());
  REQUIRE(r.notes.size() == 1);
  CHECK_THAT(r.notes[0], Catch::Contains("no measured window"));

  const std::vector<ChannelSeries> temps = {sampled(
      channel("hwmon", "coretemp.temp1", BL_QUANTITY_TEMPERATURE, BL_DOMAIN_PACKAGE),
      [](double) { return 50.0; }, 0, 5, 0.1)};
  in.channels = temps;
  in.window = MeasuredWindow{at(1), at(4)};
  r = trial_energy(in);
  CHECK(r.values.empty());
  CHECK(r.notes == std::vector<std::string>{"energy.total: no value: no power or energy channel"});
}
