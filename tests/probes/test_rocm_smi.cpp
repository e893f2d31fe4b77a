// SPDX-License-Identifier: MIT
// The rocm-smi probe over a fake librocm_smi64 (tests/probes/fake_rocm_smi), found by the
// probe's own dlopen through LD_LIBRARY_PATH: what a user sees of a discrete 24 GiB card,
// of a Strix-Halo-like APU, of the operator's unified option, of an older ROCm, and of
// every way ROCm SMI can be unavailable.
#include <dlfcn.h>
#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "probe_harness.h"
#include "temp_tree.hpp"

using benchlab::test::ProbeHarness;
using benchlab::test::TempTree;

namespace {

const std::string plugin = std::string(PROBE_PLUGIN_DIR) + "/probe-rocm-smi.so";
const std::string bare = std::string(GPU_FIXTURES_DIR) + "/bare";
constexpr unsigned long long gib = 1024ull * 1024 * 1024;

void script(const TempTree& tree, const std::string& text) {
  setenv("FAKE_ROCM_SMI_SCRIPT", tree.write("rocm-smi-script", text).c_str(), 1);
}

// A Radeon RX 7900 XTX: 24 GiB of VRAM; GTT is half of a 64 GiB host.
const std::string rx7900xtx = R"(driver 6.10.5
gpus 1
gpu0.name Radeon RX 7900 XTX
gpu0.vram.total 25753026560
gpu0.vram.used 1288490188
gpu0.gtt.total 34359738368
gpu0.gtt.used 20971520
gpu0.power 52000000
gpu0.power_cap 303000000
gpu0.temp.edge 45000
gpu0.temp.edge_critical 100000
gpu0.temp.junction 52000
gpu0.temp.junction_critical 110000
gpu0.busy 3
)";

// A Ryzen AI Max+ 395 (Strix Halo) with 128 GiB: the BIOS default 512 MiB carve-out, GTT
// raised to 124 GiB, one power reading for the whole chip, no junction sensor.
const std::string strix_halo = R"(driver 6.14.0
gpus 1
gpu0.name AMD Radeon 8060S Graphics
gpu0.vram.total 536870912
gpu0.vram.used 104857600
gpu0.gtt.total 133143986176
gpu0.gtt.used 4294967296
gpu0.power 28000000
gpu0.temp.edge 48000
gpu0.busy 0
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

TEST_CASE("rocm-smi: a discrete 24 GiB card's channels, in SI units, with their limits",
          "[rocm-smi]") {
  TempTree tree;
  script(tree, rx7900xtx);
  ProbeHarness h(plugin, bare);
  REQUIRE(h.open() == BL_OK);
  CHECK(ids(h) == std::vector<std::string>{"gpu0.power", "gpu0.memory.vram.used",
                                           "gpu0.memory.gtt.used", "gpu0.temp.edge",
                                           "gpu0.temp.junction", "gpu0.util.gpu"});
  const auto all = h.channels();
  for (const auto& c : all) {
    CHECK(std::string(c.device) == "gpu0");
    CHECK(c.kind == BL_CHANNEL_INSTANT);
  }
  CHECK(channel(all, "gpu0.power").domain == BL_DOMAIN_GPU);
  CHECK(channel(all, "gpu0.power").limit == 303.0);  // the power cap, µW -> W
  CHECK(channel(all, "gpu0.temp.edge").limit == 100.0);
  CHECK(channel(all, "gpu0.temp.junction").limit == 110.0);
  CHECK(channel(all, "gpu0.memory.vram.used").quantity == BL_QUANTITY_MEMORY);

  const auto v = h.sample();
  CHECK(v[h.index_of("gpu0.power")] == 52.0);
  CHECK(v[h.index_of("gpu0.memory.vram.used")] == 1288490188.0);
  CHECK(v[h.index_of("gpu0.memory.gtt.used")] == 20971520.0);
  CHECK(v[h.index_of("gpu0.temp.edge")] == 45.0);
  CHECK(v[h.index_of("gpu0.temp.junction")] == 52.0);
  CHECK(v[h.index_of("gpu0.util.gpu")] == 3.0);

  const auto devices = h.devices();
  REQUIRE(devices.size() == 1);
  CHECK(std::string(devices[0].id) == "gpu0");
  CHECK(std::string(devices[0].name) == "Radeon RX 7900 XTX");
  CHECK(std::string(devices[0].driver) == "6.10.5");
  CHECK((devices[0].flags & BL_DEVICE_UNIFIED_MEMORY) == 0);
  CHECK(devices[0].memory_total_bytes == 25753026560ull);  // VRAM only, not GTT
  CHECK(devices[0].memory_total_bytes / double(gib) == Approx(24.0).epsilon(0.001));
}

TEST_CASE("rocm-smi: an APU with a small carve-out is unified, with GTT as its memory",
          "[rocm-smi]") {
  TempTree tree;
  script(tree, strix_halo);
  ProbeHarness h(plugin, bare);
  REQUIRE(h.open() == BL_OK);
  const auto devices = h.devices();
  REQUIRE(devices.size() == 1);
  CHECK((devices[0].flags & BL_DEVICE_UNIFIED_MEMORY) != 0);
  CHECK(devices[0].memory_total_bytes == 133143986176ull);  // GTT: 124 GiB
  CHECK(ids(h) == std::vector<std::string>{"gpu0.power", "gpu0.memory.vram.used",
                                           "gpu0.memory.gtt.used", "gpu0.temp.edge",
                                           "gpu0.util.gpu"});
  const auto all = h.channels();
  // An APU's power reading covers the whole chip, CPU cores included.
  CHECK(channel(all, "gpu0.power").domain == BL_DOMAIN_SOC);
  CHECK(channel(all, "gpu0.power").limit == 0.0);  // no cap reported
  CHECK(channel(all, "gpu0.temp.edge").limit == 0.0);
  const auto v = h.sample();
  CHECK(v[h.index_of("gpu0.power")] == 28.0);
  CHECK(v[h.index_of("gpu0.memory.gtt.used")] == 4294967296.0);
}

TEST_CASE("rocm-smi: the unified option decides where the carve-out is large", "[rocm-smi]") {
  TempTree tree;
  // The same APU with the BIOS carve-out raised to 64 GiB: by its VRAM it looks discrete.
  std::string big_carve_out = strix_halo;
  big_carve_out.replace(big_carve_out.find("536870912"), 9, "68719476736");
  script(tree, big_carve_out);
  SECTION("auto: by VRAM, a dedicated 64 GiB") {
    ProbeHarness h(plugin, bare);
    REQUIRE(h.open() == BL_OK);
    CHECK((h.devices()[0].flags & BL_DEVICE_UNIFIED_MEMORY) == 0);
    CHECK(h.devices()[0].memory_total_bytes == 64 * gib);
  }
  SECTION("yes: unified, the larger pool") {
    ProbeHarness h(plugin, bare, {{"unified", "yes"}});
    REQUIRE(h.open() == BL_OK);
    CHECK((h.devices()[0].flags & BL_DEVICE_UNIFIED_MEMORY) != 0);
    CHECK(h.devices()[0].memory_total_bytes == 133143986176ull);
  }
  SECTION("no, on the 512 MiB carve-out: VRAM only") {
    script(tree, strix_halo);
    ProbeHarness h(plugin, bare, {{"unified", "no"}});
    REQUIRE(h.open() == BL_OK);
    CHECK((h.devices()[0].flags & BL_DEVICE_UNIFIED_MEMORY) == 0);
    CHECK(h.devices()[0].memory_total_bytes == 536870912ull);
  }
  SECTION("a value it does not know") {
    ProbeHarness h(plugin, bare, {{"unified", "maybe"}});
    CHECK(h.open() == BL_INVALID_ARGUMENT);
    CHECK(h.error() == "rocm-smi: option unified is 'maybe': give one of auto, yes, no");
  }
}

TEST_CASE("rocm-smi: an older ROCm without rsmi_dev_power_get reads average power", "[rocm-smi]") {
  TempTree tree;
  script(tree, "gpus 1\ngpu0.vram.total 17163091968\ngpu0.power_average 120500000\n");
  ProbeHarness h(plugin, bare);
  REQUIRE(h.open() == BL_OK);
  CHECK(ids(h) == std::vector<std::string>{"gpu0.power"});
  CHECK(h.sample()[0] == 120.5);
  CHECK(std::string(h.devices()[0].name) == "AMD GPU 0");  // no name reported
}

TEST_CASE("rocm-smi: two GPUs, each with its own channels and device", "[rocm-smi]") {
  TempTree tree;
  script(tree, R"(gpus 2
gpu0.name AMD Instinct MI300X
gpu0.vram.total 206141652992
gpu0.power 150000000
gpu1.name AMD Instinct MI300X
gpu1.vram.total 206141652992
gpu1.power 650000000
)");
  ProbeHarness h(plugin, bare);
  REQUIRE(h.open() == BL_OK);
  CHECK(ids(h) == std::vector<std::string>{"gpu0.power", "gpu1.power"});
  CHECK(h.sample() == std::vector<double>{150.0, 650.0});
  const auto devices = h.devices();
  REQUIRE(devices.size() == 2);
  CHECK(std::string(devices[1].id) == "gpu1");
  CHECK(std::string(h.channels()[1].device) == "gpu1");
}

TEST_CASE("rocm-smi: a failing rsmi_init is unavailable with ROCm SMI's reason and the fix",
          "[rocm-smi]") {
  TempTree tree;
  SECTION("permission") {
    script(tree, "init PERMISSION\n");
    ProbeHarness h(plugin, bare);
    CHECK(h.open() == BL_UNSUPPORTED);
    CHECK_THAT(h.error(), Catch::StartsWith("rsmi_init failed: RSMI_STATUS_PERMISSION:") &&
                              Catch::Contains("(ROCm SMI status 4)") &&
                              Catch::Contains("add the user to the render and video groups"));
  }
  SECTION("no driver") {
    script(tree, "init INIT_ERROR\n");
    ProbeHarness h(plugin, bare);
    CHECK(h.open() == BL_UNSUPPORTED);
    CHECK_THAT(h.error(),
               Catch::Contains("(ROCm SMI status 8)") && Catch::Contains("modprobe amdgpu"));
  }
}

TEST_CASE("rocm-smi: no AMD GPU is unavailable", "[rocm-smi]") {
  TempTree tree;
  script(tree, "gpus 0\n");
  ProbeHarness h(plugin, bare);
  CHECK(h.open() == BL_UNSUPPORTED);
  CHECK_THAT(h.error(), Catch::StartsWith("ROCm SMI monitors no AMD GPU"));
}

// Run by ctest with an LD_LIBRARY_PATH that lacks the fake (tests/probes/CMakeLists.txt).
TEST_CASE("rocm-smi: without librocm_smi64 the probe is unavailable and says what to install",
          "[no-library]") {
  ProbeHarness h(plugin, bare);
  const int32_t status = h.open();
  for (const char* name : {"librocm_smi64.so.7", "librocm_smi64.so.6", "librocm_smi64.so.5",
                           "librocm_smi64.so.1", "librocm_smi64.so"}) {
    if (void* real = dlopen(name, RTLD_NOW | RTLD_LOCAL)) {
      dlclose(real);
      WARN("this machine has " << name << "; checked only that the probe found it");
      CHECK_THAT(h.error(), !Catch::Contains("not found (no ROCm SMI)"));
      return;
    }
  }
  CHECK(status == BL_UNSUPPORTED);
  CHECK(h.error() ==
        "librocm_smi64.so not found (no ROCm SMI): install ROCm's rocm-smi-lib (or the "
        "distribution's librocm-smi64-1), or add its directory (/opt/rocm/lib) to the library "
        "path");
}
