// SPDX-License-Identifier: MIT
// The memory probe over a fixture /proc/meminfo and cgroup v2 directories.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "probe_harness.h"
#include "sysfs_fixture.h"

using benchlab::test::channel;
using benchlab::test::ids_well_formed;
using benchlab::test::probe_plugin_path;
using benchlab::test::ProbeHarness;
using benchlab::test::sysfs_fixture;
using benchlab::test::TempTree;
using Catch::Contains;

namespace {
constexpr double kib = 1024;
}

TEST_CASE("memory: available and used memory from /proc/meminfo, in bytes", "[probes][memory]") {
  ProbeHarness probe(probe_plugin_path("memory"), sysfs_fixture("memory"));
  CHECK(std::string(probe.plugin().id) == "memory");
  REQUIRE(probe.open() == BL_OK);
  const auto channels = probe.channels();
  REQUIRE(channels.size() == 2);
  CHECK(std::string(channels[0].id) == "available");
  CHECK(std::string(channels[1].id) == "used");
  for (const auto& c : channels) {
    CHECK(c.quantity == BL_QUANTITY_MEMORY);
    CHECK(c.domain == BL_DOMAIN_SYSTEM);
    CHECK(c.kind == BL_CHANNEL_INSTANT);
  }
  const auto values = probe.sample();
  CHECK(values[0] == 114688000 * kib);
  CHECK(values[1] == (131072000 - 114688000) * kib);
}

TEST_CASE("memory: the cgroup option adds the cgroup's current and peak memory",
          "[probes][memory]") {
  SECTION("an absolute path, with memory.peak") {
    ProbeHarness probe(probe_plugin_path("memory"), sysfs_fixture("memory"),
                       {{"cgroup", "/sys/fs/cgroup/bench"}});
    REQUIRE(probe.open() == BL_OK);
    const auto channels = probe.channels();
    CHECK(ids_well_formed(channels));
    REQUIRE(channels.size() == 4);
    CHECK(std::string(channels[2].id) == "cgroup.current");
    CHECK(std::string(channels[3].id) == "cgroup.peak");
    CHECK(channel(channels, "cgroup.peak").quantity == BL_QUANTITY_MEMORY);
    const auto values = probe.sample();
    CHECK(values[2] == 734003200.0);
    CHECK(values[3] == 2147483648.0);
  }
  SECTION("a path relative to /sys/fs/cgroup, on a kernel without memory.peak") {
    ProbeHarness probe(probe_plugin_path("memory"), sysfs_fixture("memory"), {{"cgroup", "old"}});
    REQUIRE(probe.open() == BL_OK);
    const auto channels = probe.channels();
    REQUIRE(channels.size() == 3);
    CHECK(std::string(channels[2].id) == "cgroup.current");
    CHECK(probe.sample()[2] == 1048576.0);
  }
  SECTION("the option is declared, so an operator can set memory.cgroup=PATH") {
    ProbeHarness probe(probe_plugin_path("memory"), sysfs_fixture("memory"));
    const bl_probe& p = *probe.plugin().probe;
    REQUIRE(p.option_count == 1);
    CHECK(std::string(p.options[0].name) == "cgroup");
    CHECK(p.options[0].type == BL_OPTION_STRING);
    CHECK(p.options[0].default_value == nullptr);
  }
}

TEST_CASE("memory: a cgroup option that names no usable cgroup fails with the fix",
          "[probes][memory]") {
  SECTION("no such directory") {
    ProbeHarness probe(probe_plugin_path("memory"), sysfs_fixture("memory"),
                       {{"cgroup", "/sys/fs/cgroup/missing"}});
    CHECK(probe.open() == BL_INVALID_ARGUMENT);
    CHECK_THAT(probe.error(), Contains("option cgroup=\"/sys/fs/cgroup/missing\""));
  }
  SECTION("a directory without memory.current (cgroup v1, or no memory controller)") {
    ProbeHarness probe(probe_plugin_path("memory"), sysfs_fixture("memory"),
                       {{"cgroup", "v1-like"}});
    CHECK(probe.open() == BL_UNSUPPORTED);
    CHECK_THAT(probe.error(), Contains("v1-like/memory.current does not exist"));
    CHECK_THAT(probe.error(), Contains("echo +memory > PARENT/cgroup.subtree_control"));
  }
}

TEST_CASE("memory: every sample reads /proc/meminfo anew", "[probes][memory]") {
  TempTree tree("memory");
  ProbeHarness probe(probe_plugin_path("memory"), tree.root());
  REQUIRE(probe.open() == BL_OK);
  CHECK(probe.sample()[0] == 114688000 * kib);
  tree.write("proc/meminfo",
             "MemTotal:       131072000 kB\nMemFree:         1000000 kB\n"
             "MemAvailable:    2000000 kB");
  const auto values = probe.sample();
  CHECK(values[0] == 2000000 * kib);
  CHECK(values[1] == (131072000 - 2000000) * kib);
  tree.write("proc/meminfo", "MemTotal:       131072000 kB");  // a field gone: no reading
  CHECK(std::isnan(probe.sample()[0]));
}

TEST_CASE("memory: without MemAvailable the probe is unavailable", "[probes][memory]") {
  TempTree tree;
  tree.write("proc/meminfo", "MemTotal:       131072000 kB\nMemFree:         1000000 kB");
  ProbeHarness probe(probe_plugin_path("memory"), tree.root());
  CHECK(probe.open() == BL_UNSUPPORTED);
  CHECK_THAT(probe.error(), Contains("has no MemTotal or MemAvailable"));
}

TEST_CASE("memory: opens on this machine or says why not", "[probes][memory][machine]") {
  ProbeHarness probe(probe_plugin_path("memory"), "/");
  const int32_t status = probe.open();
  REQUIRE((status == BL_OK || status == BL_UNSUPPORTED));
  if (status == BL_UNSUPPORTED) {
    CHECK_FALSE(probe.error().empty());
  } else {
    const auto values = probe.sample();
    CHECK(values[0] > 0);  // some memory is available on a running machine
    CHECK(values[1] > 0);
  }
}
