// SPDX-License-Identifier: MIT
// The cpufreq probe over fixture CPU trees: a hybrid Intel part, an Arm big.LITTLE part,
// clusters as the inventory makes them, and thermal throttle counters.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "probe_harness.h"
#include "sysfs_fixture.h"

using benchlab::test::channel;
using benchlab::test::ids_well_formed;
using benchlab::test::probe_plugin_path;
using benchlab::test::ProbeHarness;
using benchlab::test::sysfs_fixture;
using benchlab::test::TempTree;

TEST_CASE("cpufreq: a hybrid part has a P-core and an E-core cluster and throttle counters",
          "[probes][cpufreq]") {
  ProbeHarness probe(probe_plugin_path("cpufreq"), sysfs_fixture("cpufreq-hybrid"));
  CHECK(std::string(probe.plugin().id) == "cpufreq");
  REQUIRE(probe.open() == BL_OK);
  const auto channels = probe.channels();
  CHECK(ids_well_formed(channels));
  std::vector<std::string> ids;
  for (const auto& c : channels) ids.emplace_back(c.id);
  // cpu8 is offline: no channel.
  CHECK(ids == std::vector<std::string>{"cpu0", "cpu1", "cpu2", "cpu3", "cpu4", "cpu5", "cpu6",
                                        "cpu7", "cluster-0", "cluster-1", "throttle.core",
                                        "throttle.package"});
  CHECK(channel(channels, "cpu0").quantity == BL_QUANTITY_FREQUENCY);
  CHECK(channel(channels, "cpu0").limit == Approx(5.0e9));  // cpuinfo_max_freq, kHz -> Hz
  CHECK(channel(channels, "cpu7").limit == Approx(3.8e9));
  CHECK(std::string(channel(channels, "cluster-0").label) ==
        "mean current frequency of P-core CPUs 0-3");
  CHECK(std::string(channel(channels, "cluster-1").label) ==
        "mean current frequency of E-core CPUs 4-7");
  CHECK(channel(channels, "cluster-0").limit == Approx(5.0e9));
  CHECK(channel(channels, "cluster-1").limit == Approx(3.8e9));
  for (const char* id : {"throttle.core", "throttle.package"}) {
    CHECK(channel(channels, id).quantity == BL_QUANTITY_THROTTLE);
    CHECK(channel(channels, id).kind == BL_CHANNEL_COUNTER);
    CHECK(channel(channels, id).counter_range == 0);
  }
  CHECK(channel(channels, "throttle.package").domain == BL_DOMAIN_PACKAGE);

  const auto values = probe.sample();
  CHECK(values[probe.index_of("cpu0")] == Approx(4.80e9));
  CHECK(values[probe.index_of("cpu5")] == Approx(3.05e9));
  CHECK(values[probe.index_of("cluster-0")] == Approx(4.815e9));  // mean of 4.80..4.83 GHz
  CHECK(values[probe.index_of("cluster-1")] == Approx(3.055e9));  // mean of 3.04..3.07 GHz
  CHECK(values[probe.index_of("throttle.core")] == 36);           // 1 + 2 + ... + 8
  CHECK(values[probe.index_of("throttle.package")] == 7);         // one package, counted once
}

TEST_CASE("cpufreq: samples follow the files; a rise of a throttle counter shows",
          "[probes][cpufreq]") {
  TempTree tree("cpufreq-hybrid");
  ProbeHarness probe(probe_plugin_path("cpufreq"), tree.root());
  REQUIRE(probe.open() == BL_OK);
  const auto before = probe.sample();
  const std::string cpu = "sys/devices/system/cpu/cpu";
  tree.write(cpu + "2/cpufreq/scaling_cur_freq", "800000");
  tree.write(cpu + "6/thermal_throttle/core_throttle_count", "17");
  for (int c = 0; c < 8; ++c)
    tree.write(cpu + std::to_string(c) + "/thermal_throttle/package_throttle_count", "9");
  const auto after = probe.sample();
  CHECK(after[probe.index_of("cpu2")] == Approx(0.8e9));
  CHECK(after[probe.index_of("cluster-0")] == Approx((4.80 + 4.81 + 0.8 + 4.83) / 4 * 1e9));
  CHECK(after[probe.index_of("throttle.core")] - before[probe.index_of("throttle.core")] == 10);
  CHECK(after[probe.index_of("throttle.package")] == 9);
}

TEST_CASE("cpufreq: slow reads move to the probe's own thread; samples take its latest reading",
          "[probes][cpufreq]") {
  TempTree tree("cpufreq-hybrid");
  ProbeHarness probe(probe_plugin_path("cpufreq"), tree.root(), {{"slow_read_us", "0"}});
  REQUIRE(probe.open() == BL_OK);
  const auto cluster = probe.index_of("cluster-1");
  CHECK(probe.sample()[cluster] == Approx(3.055e9));
  for (int c = 4; c < 8; ++c)
    tree.write("sys/devices/system/cpu/cpu" + std::to_string(c) + "/cpufreq/scaling_cur_freq",
               "1000000");
  double now = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((now = probe.sample()[cluster]) != Approx(1.0e9) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(now == Approx(1.0e9));
}

TEST_CASE("cpufreq: Arm clusters by core design, the fastest first, like the inventory",
          "[probes][cpufreq]") {
  ProbeHarness probe(probe_plugin_path("cpufreq"), sysfs_fixture("cpufreq-arm"));
  REQUIRE(probe.open() == BL_OK);
  const auto channels = probe.channels();
  CHECK(ids_well_formed(channels));
  CHECK(channels.size() == 8);  // six CPUs, two clusters, no throttle counters
  // Cortex-A76 (CPUs 4-5, 2.4 GHz; cpu5's design from its MIDR) before Cortex-A55.
  CHECK(std::string(channel(channels, "cluster-0").label) ==
        "mean current frequency of big CPUs 4-5");
  CHECK(std::string(channel(channels, "cluster-1").label) ==
        "mean current frequency of little CPUs 0-3");
  CHECK(channel(channels, "cluster-0").limit == Approx(2.4e9));
  const auto values = probe.sample();
  CHECK(values[probe.index_of("cluster-0")] == Approx(2.256e9));
  CHECK(values[probe.index_of("cluster-1")] == Approx(1.416e9));
  CHECK_THROWS(probe.index_of("throttle.core"));
}

TEST_CASE("cpufreq: without cpufreq the probe is unavailable, with the fix", "[probes][cpufreq]") {
  TempTree tree;
  tree.write("sys/devices/system/cpu/online", "0-1");
  tree.write("sys/devices/system/cpu/cpu0/topology/core_id", "0");
  ProbeHarness probe(probe_plugin_path("cpufreq"), tree.root());
  CHECK(probe.open() == BL_UNSUPPORTED);
  CHECK(probe.error() == "no CPU frequency under " + tree.root() +
                             "/sys/devices/system/cpu/cpu*/cpufreq: the kernel has no cpufreq "
                             "driver for this CPU (load intel_pstate, amd-pstate, acpi-cpufreq or "
                             "cppc_cpufreq), or this is a VM");
}

TEST_CASE("cpufreq: running out of file descriptors is an error, not missing CPUs",
          "[probes][cpufreq][fd-exhaustion]") {
  // In a child process: the limit is lowered there only.
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 1;
    try {
      ProbeHarness probe(probe_plugin_path("cpufreq"), sysfs_fixture("cpufreq-hybrid"));
      int open_fds = 0;
      for ([[maybe_unused]] const auto& fd : std::filesystem::directory_iterator("/proc/self/fd"))
        ++open_fds;
      rlimit limit{};
      getrlimit(RLIMIT_NOFILE, &limit);
      limit.rlim_cur = static_cast<rlim_t>(open_fds + 4);  // room for a few CPUs, not eight
      setrlimit(RLIMIT_NOFILE, &limit);
      const bool refused = probe.open() == BL_ERROR &&
                           probe.error().find("cpufreq: out of file descriptors opening") == 0 &&
                           probe.error().find("ulimit -n") != std::string::npos;
      code = refused ? 0 : 2;
    } catch (...) {
      code = 3;
    }
    _exit(code);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);  // 2: opened, or failed with another reason
}

TEST_CASE("cpufreq: opens on this machine or says why not", "[probes][cpufreq][machine]") {
  ProbeHarness probe(probe_plugin_path("cpufreq"), "/");
  const int32_t status = probe.open();
  REQUIRE((status == BL_OK || status == BL_UNSUPPORTED));
  if (status == BL_UNSUPPORTED) {
    CHECK_FALSE(probe.error().empty());
  } else {
    CHECK(ids_well_formed(probe.channels()));
    CHECK(probe.sample().size() == probe.channels().size());
  }
}
