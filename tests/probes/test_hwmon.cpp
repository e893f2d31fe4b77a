// SPDX-License-Identifier: MIT
// The hwmon probe over fixture hwmon trees: an amdgpu APU (two kinds), a discrete amdgpu,
// a server board and a Grace-style module; units, labels, limits, domains and ids.
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "probe_harness.h"
#include "sysfs_fixture.h"

using benchlab::test::channel;
using benchlab::test::device_of;
using benchlab::test::ids_well_formed;
using benchlab::test::parent_of;
using benchlab::test::probe_plugin_path;
using benchlab::test::ProbeHarness;
using benchlab::test::sysfs_fixture;
using benchlab::test::TempTree;
using Catch::Contains;

namespace {

std::vector<std::string> ids(const std::vector<bl_channel_desc>& channels) {
  std::vector<std::string> out;
  for (const auto& c : channels) out.emplace_back(c.id);
  return out;
}

}  // namespace

TEST_CASE("hwmon: an APU's amdgpu power1_average is the SoC's power, in W", "[probes][hwmon]") {
  ProbeHarness probe(probe_plugin_path("hwmon"), sysfs_fixture("hwmon-apu"));
  CHECK(std::string(probe.plugin().id) == "hwmon");
  REQUIRE(probe.open() == BL_OK);
  const auto channels = probe.channels();
  CHECK(ids_well_formed(channels));
  // Two nvme chips: each gets an index; the single ones keep their name.
  CHECK(ids(channels) == std::vector<std::string>{"nvme-0.temp1", "k10temp.temp1", "amdgpu.power1",
                                                  "amdgpu.temp1", "amdgpu.in0", "amdgpu.in1",
                                                  "nvme-1.temp1"});

  const auto& power = channel(channels, "amdgpu.power1");
  CHECK(power.quantity == BL_QUANTITY_POWER);
  CHECK(power.kind == BL_CHANNEL_INSTANT);
  CHECK(power.domain == BL_DOMAIN_SOC);  // 512 MiB of "VRAM": a carve-out, not a card
  CHECK(device_of(power) == "gpu0");
  CHECK(std::string(power.label) == "amdgpu: PPT (average)");
  CHECK(channel(channels, "amdgpu.temp1").domain == BL_DOMAIN_SOC);
  CHECK(channel(channels, "amdgpu.in0").quantity == BL_QUANTITY_VOLTAGE);
  CHECK(std::string(channel(channels, "amdgpu.in1").label) == "amdgpu: vddnb");
  CHECK(channel(channels, "k10temp.temp1").domain == BL_DOMAIN_PACKAGE);
  CHECK(channel(channels, "nvme-0.temp1").domain == BL_DOMAIN_OTHER);
  CHECK(device_of(channel(channels, "nvme-0.temp1")) == "(none)");
  // Limits: temp crit, else max; none when neither exists.
  CHECK(channel(channels, "nvme-0.temp1").limit == Approx(84.85));
  CHECK(channel(channels, "nvme-1.temp1").limit == Approx(81.85));
  CHECK(channel(channels, "k10temp.temp1").limit == 0);

  const auto values = probe.sample();
  CHECK(values[probe.index_of("amdgpu.power1")] == Approx(45.123));  // µW -> W
  CHECK(values[probe.index_of("amdgpu.temp1")] == Approx(52.0));     // m°C -> °C
  CHECK(values[probe.index_of("amdgpu.in0")] == Approx(1.05));       // mV -> V
  CHECK(values[probe.index_of("k10temp.temp1")] == Approx(63.125));
}

TEST_CASE("hwmon: an APU with a large carve-out and power1_input only is still the SoC",
          "[probes][hwmon]") {
  ProbeHarness probe(probe_plugin_path("hwmon"), sysfs_fixture("hwmon-apu-carveout"));
  REQUIRE(probe.open() == BL_OK);
  const auto channels = probe.channels();
  CHECK(ids(channels) == std::vector<std::string>{"amdgpu.power1", "amdgpu.temp1"});
  const auto& power = channel(channels, "amdgpu.power1");
  CHECK(power.domain == BL_DOMAIN_SOC);  // 96 GiB "VRAM", but gpu_metrics revision 3
  CHECK(std::string(power.label) == "amdgpu: PPT");
  CHECK(probe.sample()[0] == Approx(61.5));
}

TEST_CASE("hwmon: a discrete amdgpu gives input and average power apart, with its cap",
          "[probes][hwmon]") {
  ProbeHarness probe(probe_plugin_path("hwmon"), sysfs_fixture("hwmon-dgpu"));
  REQUIRE(probe.open() == BL_OK);
  const auto channels = probe.channels();
  CHECK(ids_well_formed(channels));
  CHECK(ids(channels) == std::vector<std::string>{"coretemp.temp1", "coretemp.temp2",
                                                  "coretemp.temp3", "amdgpu.power1",
                                                  "amdgpu.power1_average", "amdgpu.temp1",
                                                  "amdgpu.temp2", "amdgpu.temp3", "amdgpu.in0"});
  for (const char* id : {"amdgpu.power1", "amdgpu.power1_average"}) {
    CHECK(channel(channels, id).domain == BL_DOMAIN_GPU);
    CHECK(channel(channels, id).limit == Approx(300.0));  // power1_cap
    CHECK(device_of(channel(channels, id)) == "gpu0");
  }
  CHECK(channel(channels, "amdgpu.temp2").limit == Approx(110.0));
  CHECK(std::string(channel(channels, "amdgpu.temp2").label) == "amdgpu: junction");
  CHECK(channel(channels, "coretemp.temp1").domain == BL_DOMAIN_PACKAGE);
  CHECK(channel(channels, "coretemp.temp1").limit == Approx(100.0));  // crit before max
  CHECK(channel(channels, "coretemp.temp2").domain == BL_DOMAIN_CORE);
  CHECK(std::string(channel(channels, "coretemp.temp2").label) == "coretemp: Core 0");

  const auto values = probe.sample();
  CHECK(values[probe.index_of("amdgpu.power1")] == Approx(203.0));
  CHECK(values[probe.index_of("amdgpu.power1_average")] == Approx(187.0));
}

TEST_CASE("hwmon: a server board's sensors, two chips of one driver, a meter on the device",
          "[probes][hwmon]") {
  ProbeHarness probe(probe_plugin_path("hwmon"), sysfs_fixture("hwmon-server"));
  REQUIRE(probe.open() == BL_OK);
  const auto channels = probe.channels();
  CHECK(ids_well_formed(channels));
  CHECK(ids(channels) ==
        std::vector<std::string>{"nct6775-0.temp1", "nct6775-0.temp2", "nct6775-0.in0",
                                 "nct6775-0.in1", "nct6775-0.curr1", "nct6775-1.temp1",
                                 "nct6775-1.temp2", "nct6775-1.in0", "nct6775-1.in1",
                                 "nct6775-1.curr1", "power_meter.power1"});
  // Fans, pwm and intrusion files are no channels; acpitz (a fan only) and drivetemp (an
  // unreadable input) give none.
  CHECK(channel(channels, "nct6775-0.temp1").limit == Approx(80.0));  // temp1_max
  CHECK(channel(channels, "nct6775-0.temp2").limit == 0);
  CHECK(channel(channels, "nct6775-0.in0").limit == 0);  // in*_max is an alarm, no throttle
  CHECK(std::string(channel(channels, "nct6775-1.curr1").label) == "nct6775: 12V rail");
  CHECK(channel(channels, "nct6775-1.curr1").quantity == BL_QUANTITY_CURRENT);
  const auto& meter = channel(channels, "power_meter.power1");
  CHECK(meter.domain == BL_DOMAIN_OTHER);
  CHECK(meter.limit == Approx(800.0));
  bool logged_drivetemp = false;
  for (const auto& line : probe.logs())
    logged_drivetemp = logged_drivetemp || line.find("hwmon4/temp1_input") != std::string::npos;
  CHECK(logged_drivetemp);

  const auto values = probe.sample();
  CHECK(values[probe.index_of("nct6775-0.in0")] == Approx(1.008));
  CHECK(values[probe.index_of("nct6775-1.in0")] == Approx(1.108));
  CHECK(values[probe.index_of("nct6775-1.temp1")] == Approx(31.0));
  CHECK(values[probe.index_of("nct6775-0.curr1")] == Approx(12.5));  // mA -> A
  CHECK(values[probe.index_of("power_meter.power1")] == Approx(312.0));
}

TEST_CASE("hwmon: Grace-style rails nest: module contains Grace contains CPU", "[probes][hwmon]") {
  ProbeHarness probe(probe_plugin_path("hwmon"), sysfs_fixture("hwmon-grace"));
  REQUIRE(probe.open() == BL_OK);
  const auto channels = probe.channels();
  CHECK(ids_well_formed(channels));
  REQUIRE(channels.size() == 9);
  // Eight power_meter chips (hwmon0-7): socket 0's rails, then socket 1's.
  const auto id = [](int chip) { return "power_meter-" + std::to_string(chip) + ".power1"; };
  for (int socket = 0; socket < 2; ++socket) {
    const int base = socket * 4;
    const auto& module = channel(channels, id(base));
    const auto& grace = channel(channels, id(base + 1));
    const auto& cpu = channel(channels, id(base + 2));
    const auto& sysio = channel(channels, id(base + 3));
    CHECK(std::string(module.label) ==
          "power_meter: Module Power Socket " + std::to_string(socket) + " (average)");
    CHECK(module.domain == BL_DOMAIN_SYSTEM);
    CHECK(grace.domain == BL_DOMAIN_PACKAGE);
    CHECK(cpu.domain == BL_DOMAIN_CORE);
    CHECK(sysio.domain == BL_DOMAIN_OTHER);
    CHECK(parent_of(module) == "(none)");
    CHECK(parent_of(grace) == id(base));
    CHECK(parent_of(cpu) == id(base + 1));
    CHECK(parent_of(sysio) == id(base));
  }
  CHECK(channel(channels, "acpitz.temp1").limit == Approx(105.0));
  const auto values = probe.sample();
  CHECK(values[probe.index_of(id(0))] == Approx(900.0));
  CHECK(values[probe.index_of(id(5))] == Approx(251.0));
}

TEST_CASE("hwmon: chips are taken in natural order, hwmon2 before hwmon10", "[probes][hwmon]") {
  TempTree tree;
  tree.write("sys/class/hwmon/hwmon10/name", "nvme");
  tree.write("sys/class/hwmon/hwmon10/temp1_input", "40000");
  tree.write("sys/class/hwmon/hwmon2/name", "nvme");
  tree.write("sys/class/hwmon/hwmon2/temp1_input", "30000");
  ProbeHarness probe(probe_plugin_path("hwmon"), tree.root());
  REQUIRE(probe.open() == BL_OK);
  CHECK(ids(probe.channels()) == std::vector<std::string>{"nvme-0.temp1", "nvme-1.temp1"});
  CHECK(probe.sample()[0] == Approx(30.0));
}

TEST_CASE("hwmon: a reading that changes is read anew on every sample", "[probes][hwmon]") {
  TempTree tree("hwmon-apu");
  ProbeHarness probe(probe_plugin_path("hwmon"), tree.root());
  REQUIRE(probe.open() == BL_OK);
  const auto power = probe.index_of("amdgpu.power1");
  CHECK(probe.sample()[power] == Approx(45.123));
  tree.write("sys/class/hwmon/hwmon2/power1_average", "98765000");
  CHECK(probe.sample()[power] == Approx(98.765));
}

TEST_CASE("hwmon: a slow chip is read on the probe's own thread; samples take its latest reading",
          "[probes][hwmon]") {
  TempTree tree("hwmon-apu");
  // slow_read_us=0: every chip counts as slow, as drivetemp's ATA reads would.
  ProbeHarness probe(probe_plugin_path("hwmon"), tree.root(), {{"slow_read_us", "0"}});
  REQUIRE(probe.open() == BL_OK);
  bool logged = false;
  for (const auto& line : probe.logs())
    logged = logged || line.find("amdgpu) took") != std::string::npos;
  CHECK(logged);
  const auto power = probe.index_of("amdgpu.power1");
  CHECK(probe.sample()[power] == Approx(45.123));  // the reading taken at open
  tree.write("sys/class/hwmon/hwmon2/power1_average", "98765000");
  double now = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((now = probe.sample()[power]) != Approx(98.765) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(now == Approx(98.765));
}

TEST_CASE("hwmon: a bad slow_read_us is refused, naming the option", "[probes][hwmon]") {
  ProbeHarness probe(probe_plugin_path("hwmon"), sysfs_fixture("hwmon-apu"),
                     {{"slow_read_us", "soon"}});
  CHECK(probe.open() == BL_INVALID_ARGUMENT);
  CHECK_THAT(probe.error(), Contains("slow_read_us=\"soon\""));
}

TEST_CASE("hwmon: without a sensor to read the probe is unavailable, with the fix",
          "[probes][hwmon]") {
  SECTION("no hwmon devices at all") {
    TempTree empty;
    ProbeHarness probe(probe_plugin_path("hwmon"), empty.root());
    CHECK(probe.open() == BL_UNSUPPORTED);
    CHECK(probe.error() ==
          "no hwmon devices under " + empty.root() +
              "/sys/class/hwmon: no sensor driver is loaded (run sensors-detect from lm-sensors, "
              "or modprobe coretemp / k10temp / nct6775 / amdgpu), or this is a VM");
  }
  SECTION("hwmon devices with nothing readable") {
    TempTree tree;
    tree.write("sys/class/hwmon/hwmon0/name", "acpitz");
    tree.write("sys/class/hwmon/hwmon0/fan1_input", "0");
    ProbeHarness probe(probe_plugin_path("hwmon"), tree.root());
    CHECK(probe.open() == BL_UNSUPPORTED);
    CHECK_THAT(probe.error(),
               Contains("none of the 1 hwmon devices under " + tree.root() + "/sys/class/hwmon"));
  }
}

TEST_CASE("hwmon: opens on this machine or says why not", "[probes][hwmon][machine]") {
  ProbeHarness probe(probe_plugin_path("hwmon"), "/");
  const int32_t status = probe.open();
  REQUIRE((status == BL_OK || status == BL_UNSUPPORTED));
  if (status == BL_UNSUPPORTED) {
    CHECK_FALSE(probe.error().empty());
  } else {
    CHECK(ids_well_formed(probe.channels()));
    CHECK(probe.sample().size() == probe.channels().size());
  }
}
