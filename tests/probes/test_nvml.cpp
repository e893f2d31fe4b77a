// SPDX-License-Identifier: MIT
// The nvml probe over a fake libnvidia-ml.so.1 (tests/probes/fake_nvml), found by the
// probe's own dlopen through LD_LIBRARY_PATH: what a user sees of a discrete GPU, of a
// unified-memory GB10, of two GPUs, of a GPU without an energy counter, and of every way
// NVML can be unavailable.
#include <dlfcn.h>
#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "probe_harness.h"
#include "temp_tree.hpp"

using benchlab::test::ProbeHarness;
using benchlab::test::TempTree;

namespace {

const std::string plugin = std::string(PROBE_PLUGIN_DIR) + "/probe-nvml.so";
const std::string fixtures = GPU_FIXTURES_DIR;
constexpr double gib = 1024.0 * 1024.0 * 1024.0;

// Points the fake at a script for the next nvmlInit_v2.
void script(const TempTree& tree, const std::string& text) {
  setenv("FAKE_NVML_SCRIPT", tree.write("nvml-script", text).c_str(), 1);
}

// A discrete 20 GiB card as NVML describes an RTX 4000 Ada.
const std::string rtx4000 = R"(driver 580.65.06
gpus 1
gpu0.name NVIDIA RTX 4000 Ada Generation
gpu0.memory.total 21474836480
gpu0.memory.used 1073741824
gpu0.power 45000
gpu0.power_limit 130000
gpu0.energy 1000000
gpu0.energy_step 500
gpu0.clock.graphics 1500
gpu0.clock.sm 1500
gpu0.clock.memory 8000
gpu0.clock_max.graphics 2175
gpu0.clock_max.sm 2175
gpu0.clock_max.memory 9001
gpu0.util.gpu 37
gpu0.util.memory 12
gpu0.temp 41
gpu0.temp_slowdown 90
gpu0.reasons 0x1
)";

std::vector<std::string> ids(ProbeHarness& h) {
  std::vector<std::string> out;
  for (const auto& c : h.channels()) out.emplace_back(c.id);
  return out;
}

const bl_channel_desc& channel(const std::vector<bl_channel_desc>& all, const std::string& id) {
  const auto it = std::find_if(all.begin(), all.end(), [&](const auto& c) { return id == c.id; });
  if (it == all.end()) FAIL("no channel " << id);
  return *it;
}

}  // namespace

TEST_CASE("nvml: a discrete GPU's channels, in SI units, with their limits", "[nvml]") {
  TempTree tree;
  script(tree, rtx4000);
  ProbeHarness h(plugin, fixtures + "/bare");
  REQUIRE(h.open() == BL_OK);

  CHECK(ids(h) == std::vector<std::string>{"gpu0.memory.used", "gpu0.power", "gpu0.energy",
                                           "gpu0.clock.graphics", "gpu0.clock.sm",
                                           "gpu0.clock.memory", "gpu0.util.gpu", "gpu0.util.memory",
                                           "gpu0.temp", "gpu0.throttle"});
  const auto all = h.channels();
  for (const auto& c : all) {
    CHECK(std::string(c.device) == "gpu0");
    CHECK(c.domain == BL_DOMAIN_GPU);
  }
  CHECK(channel(all, "gpu0.power").quantity == BL_QUANTITY_POWER);
  CHECK(channel(all, "gpu0.power").limit == 130.0);  // the power cap, mW -> W
  CHECK(channel(all, "gpu0.energy").kind == BL_CHANNEL_COUNTER);
  CHECK(channel(all, "gpu0.energy").quantity == BL_QUANTITY_ENERGY);
  CHECK(channel(all, "gpu0.clock.graphics").limit == 2175e6);
  CHECK(channel(all, "gpu0.clock.memory").limit == 9001e6);
  CHECK(channel(all, "gpu0.temp").limit == 90.0);  // the slowdown threshold
  CHECK(channel(all, "gpu0.throttle").quantity == BL_QUANTITY_THROTTLE);
  CHECK(channel(all, "gpu0.throttle").kind == BL_CHANNEL_INSTANT);

  const auto first = h.sample();
  CHECK(first[h.index_of("gpu0.power")] == 45.0);
  CHECK(first[h.index_of("gpu0.energy")] >= 1000.0);  // from 1e6 mJ
  CHECK(first[h.index_of("gpu0.memory.used")] == 1073741824.0);
  CHECK(first[h.index_of("gpu0.clock.graphics")] == 1500e6);
  CHECK(first[h.index_of("gpu0.clock.memory")] == 8000e6);
  CHECK(first[h.index_of("gpu0.util.gpu")] == 37.0);
  CHECK(first[h.index_of("gpu0.util.memory")] == 12.0);
  CHECK(first[h.index_of("gpu0.temp")] == 41.0);
  CHECK(first[h.index_of("gpu0.throttle")] == 0.0);  // GPU idle is not throttling
  // The energy counter rises between samples (500 mJ per call in the script).
  const double e1 = h.sample()[h.index_of("gpu0.energy")];
  const double e2 = h.sample()[h.index_of("gpu0.energy")];
  CHECK(e1 > first[h.index_of("gpu0.energy")]);
  CHECK(e2 - e1 == Approx(0.5));

  const auto devices = h.devices();
  REQUIRE(devices.size() == 1);
  CHECK(std::string(devices[0].id) == "gpu0");
  CHECK(devices[0].kind == BL_DEVICE_GPU);
  CHECK(std::string(devices[0].name) == "NVIDIA RTX 4000 Ada Generation");
  CHECK(std::string(devices[0].driver) == "580.65.06");
  CHECK(devices[0].memory_total_bytes == 20 * 1024ull * 1024 * 1024);
  CHECK((devices[0].flags & BL_DEVICE_UNIFIED_MEMORY) == 0);
}

TEST_CASE("nvml: throttling is a power cap or a thermal limit, not an idle GPU", "[nvml]") {
  struct Case {
    const char* mask;
    double expected;
  };
  const Case cases[] = {
      {"0x0", 0},   // running free
      {"0x1", 0},   // idle
      {"0x2", 0},   // application clocks set by the operator
      {"0x10", 0},  // sync boost
      {"0x4", 1},   // software power cap
      {"0x8", 1},   // hardware slowdown
      {"0x20", 1},  // software thermal slowdown
      {"0x40", 1},  // hardware thermal slowdown
      {"0x80", 1},  // power brake
      {"0x25", 1},  // idle + power cap + thermal
  };
  for (const Case& c : cases) {
    TempTree tree;
    script(tree, std::string("gpus 1\ngpu0.reasons ") + c.mask + "\n");
    ProbeHarness h(plugin, fixtures + "/bare");
    REQUIRE(h.open() == BL_OK);
    INFO("reasons " << c.mask);
    CHECK(h.sample()[h.index_of("gpu0.throttle")] == c.expected);
  }
}

TEST_CASE("nvml: a GB10 without memory of its own is unified, with the system's memory", "[nvml]") {
  TempTree tree;
  script(tree, R"(driver 580.95.05
gpus 1
gpu0.name NVIDIA GB10
gpu0.memory.total NOT_SUPPORTED
gpu0.power 11000
gpu0.temp 38
gpu0.util.gpu 0
gpu0.util.memory 0
)");
  ProbeHarness h(plugin, fixtures + "/gb10");
  REQUIRE(h.open() == BL_OK);
  const auto devices = h.devices();
  REQUIRE(devices.size() == 1);
  CHECK(std::string(devices[0].name) == "NVIDIA GB10");
  CHECK((devices[0].flags & BL_DEVICE_UNIFIED_MEMORY) != 0);
  CHECK(devices[0].memory_total_bytes == 128 * 1024ull * 1024 * 1024);  // MemTotal
  // No GPU memory channel: the memory probe samples system memory.
  const auto names = ids(h);
  CHECK(std::find(names.begin(), names.end(), "gpu0.memory.used") == names.end());
  CHECK(h.sample()[h.index_of("gpu0.power")] == 11.0);
}

TEST_CASE("nvml: a unified GPU on a machine whose meminfo is unreadable has unknown memory",
          "[nvml]") {
  TempTree tree;
  script(tree, "gpus 1\ngpu0.name NVIDIA GB10\ngpu0.memory.total NOT_SUPPORTED\n");
  ProbeHarness h(plugin, fixtures + "/bare");
  REQUIRE(h.open() == BL_OK);
  const auto devices = h.devices();
  REQUIRE(devices.size() == 1);
  CHECK((devices[0].flags & BL_DEVICE_UNIFIED_MEMORY) != 0);
  CHECK(devices[0].memory_total_bytes == 0);
  REQUIRE(h.logs().size() == 1);
  CHECK_THAT(h.logs()[0], Catch::Contains("MemTotal could not be read") &&
                              Catch::Contains("/bare/proc/meminfo"));
}

TEST_CASE("nvml: two GPUs, each with its own channels and device", "[nvml]") {
  TempTree tree;
  script(tree, R"(driver 570.86.15
gpus 2
gpu0.name NVIDIA H100 80GB HBM3
gpu0.memory.total 85520809984
gpu0.power 120000
gpu0.energy 5000
gpu1.name NVIDIA H100 80GB HBM3
gpu1.memory.total 85520809984
gpu1.power 700000
gpu1.energy 9000
)");
  ProbeHarness h(plugin, fixtures + "/bare");
  REQUIRE(h.open() == BL_OK);
  CHECK(ids(h) == std::vector<std::string>{"gpu0.memory.used", "gpu0.power", "gpu0.energy",
                                           "gpu1.memory.used", "gpu1.power", "gpu1.energy"});
  const auto all = h.channels();
  CHECK(std::string(channel(all, "gpu1.power").device) == "gpu1");
  const auto v = h.sample();
  CHECK(v[h.index_of("gpu0.power")] == 120.0);
  CHECK(v[h.index_of("gpu1.power")] == 700.0);
  CHECK(channel(all, "gpu0.power").limit == 0.0);  // no cap known: 0
  const auto devices = h.devices();
  REQUIRE(devices.size() == 2);
  CHECK(std::string(devices[1].id) == "gpu1");
  CHECK(devices[1].memory_total_bytes == 85520809984ull);
  CHECK(devices[0].memory_total_bytes / gib == Approx(79.6).epsilon(0.01));
}

TEST_CASE("nvml: a GPU without an energy counter has no energy channel", "[nvml]") {
  TempTree tree;
  script(tree, "gpus 1\ngpu0.power 70000\ngpu0.energy NOT_SUPPORTED\ngpu0.temp 50\n");
  ProbeHarness h(plugin, fixtures + "/bare");
  REQUIRE(h.open() == BL_OK);
  CHECK(ids(h) == std::vector<std::string>{"gpu0.power", "gpu0.temp"});
  CHECK(h.channels()[0].limit == 0.0);
  CHECK(h.channels()[1].limit == 0.0);  // no slowdown threshold known
}

TEST_CASE("nvml: a GPU lost after open reads NaN, not a stale value", "[nvml]") {
  TempTree tree;
  const std::string lost = (tree.root() / "fell-off-the-bus").string();
  script(tree, "gpus 1\ngpu0.power 70000\ngpu0.temp 50\ngpu0.lost_when " + lost + "\n");
  ProbeHarness h(plugin, fixtures + "/bare");
  REQUIRE(h.open() == BL_OK);
  REQUIRE(ids(h) == std::vector<std::string>{"gpu0.power", "gpu0.temp"});
  CHECK(h.sample() == std::vector<double>{70.0, 50.0});
  tree.write("fell-off-the-bus", "");
  const auto v = h.sample();
  CHECK(std::isnan(v[0]));
  CHECK(std::isnan(v[1]));
}

TEST_CASE("nvml: a failing nvmlInit is unavailable with NVML's reason and the fix", "[nvml]") {
  TempTree tree;
  SECTION("driver not loaded") {
    script(tree, "init DRIVER_NOT_LOADED\n");
    ProbeHarness h(plugin, fixtures + "/bare");
    CHECK(h.open() == BL_UNSUPPORTED);
    CHECK(h.error() ==
          "nvmlInit failed: Driver Not Loaded (NVML error 9); the NVIDIA kernel module is not "
          "loaded: load it (modprobe nvidia) or reinstall the driver, then check that "
          "nvidia-smi works");
  }
  SECTION("library and kernel module of different versions") {
    script(tree, "init LIB_RM_VERSION_MISMATCH\n");
    ProbeHarness h(plugin, fixtures + "/bare");
    CHECK(h.open() == BL_UNSUPPORTED);
    CHECK_THAT(h.error(), Catch::StartsWith("nvmlInit failed: RM has detected an NVML/RM version "
                                            "mismatch. (NVML error 18)") &&
                              Catch::Contains("reboot after the driver update"));
  }
  SECTION("no permission") {
    script(tree, "init NO_PERMISSION\n");
    ProbeHarness h(plugin, fixtures + "/bare");
    CHECK(h.open() == BL_UNSUPPORTED);
    CHECK_THAT(h.error(),
               Catch::Contains("Insufficient Permissions") && Catch::Contains("/dev/nvidia*"));
  }
}

TEST_CASE("nvml: a driver that lists no GPU is unavailable", "[nvml]") {
  TempTree tree;
  script(tree, "gpus 0\n");
  ProbeHarness h(plugin, fixtures + "/bare");
  CHECK(h.open() == BL_UNSUPPORTED);
  CHECK_THAT(h.error(), Catch::StartsWith("NVML lists no NVIDIA GPU"));
}

// Run by ctest with an LD_LIBRARY_PATH that lacks the fake (tests/probes/CMakeLists.txt).
TEST_CASE("nvml: without libnvidia-ml.so.1 the probe is unavailable and says what to install",
          "[no-library]") {
  ProbeHarness h(plugin, fixtures + "/bare");
  const int32_t status = h.open();
  if (void* real = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL)) {
    // A machine with the NVIDIA driver: the probe must not claim the library is missing.
    dlclose(real);
    WARN("this machine has libnvidia-ml.so.1; checked only that the probe found it");
    CHECK_THAT(h.error(), !Catch::Contains("not found (no NVIDIA driver)"));
    return;
  }
  CHECK(status == BL_UNSUPPORTED);
  CHECK(h.error() ==
        "libnvidia-ml.so.1 not found (no NVIDIA driver): install the NVIDIA driver "
        "(nvidia-driver / libnvidia-ml1)");
}
