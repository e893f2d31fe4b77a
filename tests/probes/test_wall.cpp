// SPDX-License-Identifier: MIT
// The wall probe: its parsers on captured ipmitool output and meter lines, then the plugin
// through the test host with each source for real: a file a test rewrites, a shell script
// as the meter's command, and a fake ipmitool first on PATH with a fixture /dev/ipmi0.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "ipmi_dcmi_reading.hpp"
#include "meter_source.hpp"
#include "probe_harness.h"
#include "temp_tree.hpp"
#include "watts_line.hpp"

using benchlab::test::ProbeHarness;
using benchlab::test::TempTree;
using namespace std::chrono_literals;

namespace {

const std::string plugin = std::string(PROBE_PLUGIN_DIR) + "/probe-wall.so";
const std::string fixtures = GPU_FIXTURES_DIR;
const std::string fake_ipmitool_dir = FAKE_IPMITOOL_DIR;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Samples until the wall channel reads `expected` (true) or `deadline` passes (false).
bool reads_within(ProbeHarness& h, double expected, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  do {
    if (h.sample()[0] == expected) return true;
    std::this_thread::sleep_for(20ms);
  } while (std::chrono::steady_clock::now() < end);
  return false;
}

bool reads_nan_within(ProbeHarness& h, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  do {
    if (std::isnan(h.sample()[0])) return true;
    std::this_thread::sleep_for(20ms);
  } while (std::chrono::steady_clock::now() < end);
  return false;
}

// Waits until the probe has logged a line containing `text`.
bool logged_within(ProbeHarness& h, const std::string& text, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  do {
    for (const auto& line : h.logs())
      if (line.find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(20ms);
  } while (std::chrono::steady_clock::now() < end);
  return false;
}

// PATH with the fake ipmitool first, for one test; its answers are files in a directory of
// the test's own (set before the probe starts threads: the environment is not changed
// while they run).
class FakeIpmitool {
 public:
  explicit FakeIpmitool(const std::string& fixture, int exit_code = 0) {
    const char* path = getenv("PATH");
    saved_ = path != nullptr ? path : "";
    setenv("PATH", (fake_ipmitool_dir + ":" + saved_).c_str(), 1);
    setenv("FAKE_IPMITOOL_STATE", state_.root().c_str(), 1);
    answer_with(read_file(fixture), exit_code);
  }
  ~FakeIpmitool() {
    setenv("PATH", saved_.c_str(), 1);
    unsetenv("FAKE_IPMITOOL_STATE");
  }
  // What the next calls print and exit with.
  void answer_with(const std::string& output, int exit_code = 0) const {
    state_.write("exit", std::to_string(exit_code) + "\n");
    state_.write("output", output);
  }

 private:
  TempTree state_;
  std::string saved_;
};

}  // namespace

TEST_CASE("wall: ipmitool's DCMI power reading is parsed from captured output", "[wall]") {
  const std::string dir = fixtures + "/ipmitool/";
  CHECK(wall::parse_dcmi_power_reading(read_file(dir + "dcmi-power-reading.txt")) == 178.0);
  // Deactivated readings say 0 W: no reading at all, not an idle machine.
  CHECK_FALSE(
      wall::parse_dcmi_power_reading(read_file(dir + "dcmi-power-reading-deactivated.txt")));
  CHECK_FALSE(wall::parse_dcmi_power_reading(read_file(dir + "dcmi-unsupported.txt")));
  CHECK_FALSE(wall::parse_dcmi_power_reading(read_file(dir + "no-device.txt")));
  CHECK_FALSE(wall::parse_dcmi_power_reading(""));
  CHECK(wall::parse_dcmi_power_reading("Instantaneous power reading: 1234 Watts\n") == 1234.0);
  CHECK_FALSE(wall::parse_dcmi_power_reading("Instantaneous power reading: lots Watts\n"));
  CHECK_FALSE(wall::parse_dcmi_power_reading("Instantaneous power reading: 12 Amps\n"));
  // The minimum and average lines are no instantaneous reading.
  CHECK_FALSE(wall::parse_dcmi_power_reading("Minimum during sampling period: 94 Watts\n"));
}

TEST_CASE("wall: a meter line is a number of watts, with or without the unit", "[wall]") {
  CHECK(wall::parse_watts_line("231.5") == 231.5);
  CHECK(wall::parse_watts_line("  231.5 W\r") == 231.5);
  CHECK(wall::parse_watts_line("231 Watts") == 231.0);
  CHECK(wall::parse_watts_line("1e3 watt") == 1000.0);
  CHECK(wall::parse_watts_line("0") == 0.0);
  CHECK_FALSE(wall::parse_watts_line(""));
  CHECK_FALSE(wall::parse_watts_line("W 231"));
  CHECK_FALSE(wall::parse_watts_line("231.5 kW"));
  CHECK_FALSE(wall::parse_watts_line("-5"));
  CHECK_FALSE(wall::parse_watts_line("nan"));
  CHECK_FALSE(wall::parse_watts_line("12,5"));
  CHECK(wall::last_line("100\n101\n102\n") == "102");
  CHECK(wall::last_line("100\n101\n\n  \n") == "101");
  CHECK(wall::last_line("99.5") == "99.5");
  CHECK(wall::last_line("\n\n") == "");
}

TEST_CASE("wall: the file source reads the file's last line at every sample", "[wall]") {
  TempTree tree;
  const std::string file = tree.write("watts", "120.5\n121.0\n");
  ProbeHarness h(plugin, fixtures + "/bare", {{"file", file}});
  REQUIRE(h.open() == BL_OK);
  const auto channels = h.channels();
  REQUIRE(channels.size() == 1);
  CHECK(std::string(channels[0].id) == "wall");
  CHECK(std::string(channels[0].label) == "wall power (file " + file + ")");
  CHECK(channels[0].quantity == BL_QUANTITY_POWER);
  CHECK(channels[0].domain == BL_DOMAIN_WALL);
  CHECK(channels[0].kind == BL_CHANNEL_INSTANT);
  CHECK(h.sample()[0] == 121.0);
  tree.write("watts", "300 W\n");
  CHECK(h.sample()[0] == 300.0);
  tree.write("watts", "meter offline\n");
  CHECK(std::isnan(h.sample()[0]));
  std::filesystem::remove(file);
  CHECK(std::isnan(h.sample()[0]));
}

TEST_CASE("wall: a file its logger stopped writing reads NaN", "[wall]") {
  TempTree tree;
  const std::string file = tree.write("watts", "150\n");
  const timespec an_hour_ago[2] = {{time(nullptr) - 3600, 0}, {time(nullptr) - 3600, 0}};
  REQUIRE(utimensat(AT_FDCWD, file.c_str(), an_hour_ago, 0) == 0);
  SECTION("older than max_age_ms") {
    ProbeHarness h(plugin, fixtures + "/bare", {{"file", file}});
    REQUIRE(h.open() == BL_OK);
    CHECK(std::isnan(h.sample()[0]));
  }
  SECTION("max_age_ms=0: a file is never stale") {
    ProbeHarness h(plugin, fixtures + "/bare", {{"file", file}, {"max_age_ms", "0"}});
    REQUIRE(h.open() == BL_OK);
    CHECK(h.sample()[0] == 150.0);
  }
}

TEST_CASE("wall: a file that is not there is unavailable, naming it", "[wall]") {
  ProbeHarness h(plugin, fixtures + "/bare", {{"file", "/nonexistent/watts"}});
  CHECK(h.open() == BL_UNSUPPORTED);
  CHECK(h.error() ==
        "wall.file=/nonexistent/watts cannot be read: No such file or directory: start the "
        "meter's logger first, or fix the path");
}

TEST_CASE("wall: the command source runs the meter, reads its lines, and stops it", "[wall]") {
  TempTree tree;
  const std::string pid_file = (tree.root() / "meter.pid").string();
  const std::string meter = tree.write("meter.sh",
                                       "#!/bin/sh\n"
                                       "echo $$ > " +
                                           pid_file +
                                           "\n"
                                           "echo 'plug v2 ready'\n"
                                           "echo \"$1 W\"\n"
                                           "exec sleep 60\n");
  chmod(meter.c_str(), 0755);
  pid_t pid = 0;
  {
    ProbeHarness h(plugin, fixtures + "/bare", {{"command", meter}, {"arg", "230.5"}});
    REQUIRE(h.open() == BL_OK);
    CHECK(std::string(h.channels()[0].label) == "wall power (command " + meter + " 230.5)");
    CHECK(reads_within(h, 230.5, 5s));
    pid = std::stoi(read_file(pid_file));
    CHECK(kill(pid, 0) == 0);  // running while the probe is open
    REQUIRE(h.logs().size() == 1);
    CHECK_THAT(h.logs()[0], Catch::Contains("printed \"plug v2 ready\", not a watts reading"));
  }
  // close() killed and reaped it: the pid is gone, not a zombie.
  CHECK(kill(pid, 0) == -1);
  CHECK(errno == ESRCH);
}

TEST_CASE("wall: a meter command that ends goes stale, and says so", "[wall]") {
  TempTree tree;
  const std::string meter = tree.write("meter.sh", "#!/bin/sh\necho 99\nexit 3\n");
  chmod(meter.c_str(), 0755);
  ProbeHarness h(plugin, fixtures + "/bare", {{"command", meter}, {"max_age_ms", "300"}});
  REQUIRE(h.open() == BL_OK);
  CHECK(reads_within(h, 99.0, 5s));
  CHECK(reads_nan_within(h, 5s));
  CHECK(logged_within(h, "ended (exit status 3)", 5s));
}

TEST_CASE("wall: a command that cannot be started is unavailable, naming it", "[wall]") {
  ProbeHarness h(plugin, fixtures + "/bare", {{"command", "/nonexistent/plug-meter"}});
  CHECK(h.open() == BL_UNSUPPORTED);
  CHECK(h.error() ==
        "wall.command=/nonexistent/plug-meter cannot be started: No such file or directory: "
        "give the meter program's path, or install it on PATH");
}

TEST_CASE("wall: the BMC through ipmitool, on the probe's own thread", "[wall]") {
  FakeIpmitool fake(fixtures + "/ipmitool/dcmi-power-reading.txt");
  ProbeHarness h(plugin, fixtures + "/bmc-server", {{"ipmi_interval_ms", "100"}});
  REQUIRE(h.open() == BL_OK);  // source auto: no file, no command, ipmitool and /dev/ipmi0
  CHECK(std::string(h.channels()[0].label) == "wall power (ipmitool dcmi power reading)");
  CHECK(h.sample()[0] == 178.0);  // the first reading is taken in open()
  // The thread keeps reading: a new answer shows within a few intervals.
  fake.answer_with("    Instantaneous power reading:                   250 Watts\n");
  CHECK(reads_within(h, 250.0, 5s));
  // The BMC stops answering: after three intervals without a reading, NaN.
  fake.answer_with(read_file(fixtures + "/ipmitool/no-device.txt"), 1);
  CHECK(reads_nan_within(h, 5s));
  CHECK(logged_within(h,
                      "ipmitool dcmi power reading failed: exit status 1: Could not open device "
                      "at /dev/ipmi0",
                      5s));
}

TEST_CASE("wall: ipmitool failing at open is unavailable with its output and the fix", "[wall]") {
  FakeIpmitool fake(fixtures + "/ipmitool/dcmi-unsupported.txt", 1);
  ProbeHarness h(plugin, fixtures + "/bmc-server", {{"source", "ipmi"}});
  CHECK(h.open() == BL_UNSUPPORTED);
  CHECK(h.error() ==
        "ipmitool dcmi power reading failed: exit status 1: DCMI request failed because: "
        "Invalid command (c1): run as root or grant read and write access to the IPMI device "
        "(/dev/ipmi0); a BMC without DCMI power readings cannot serve (set wall.file or "
        "wall.command for an external meter)");
}

TEST_CASE("wall: without any meter the probe is unavailable and says what to set", "[wall]") {
  SECTION("nothing at all") {
    ProbeHarness h(plugin, fixtures + "/bare");
    CHECK(h.open() == BL_UNSUPPORTED);
    CHECK(h.error() ==
          "no wall power meter: set wall.file=PATH or wall.command=..., or install ipmitool on "
          "a server with a BMC");
  }
  SECTION("a BMC, but no ipmitool") {
    TempTree empty;
    const char* path = getenv("PATH");
    const std::string saved = path != nullptr ? path : "";
    setenv("PATH", empty.root().c_str(), 1);
    ProbeHarness h(plugin, fixtures + "/bmc-server");
    const int32_t status = h.open();
    setenv("PATH", saved.c_str(), 1);
    CHECK(status == BL_UNSUPPORTED);
    CHECK_THAT(h.error(), Catch::EndsWith("; ipmitool is not installed (not found on PATH): "
                                          "install it (apt-get install ipmitool)"));
  }
  SECTION("source=ipmi on a machine without a BMC") {
    FakeIpmitool fake(fixtures + "/ipmitool/dcmi-power-reading.txt");
    ProbeHarness h(plugin, fixtures + "/bare", {{"source", "ipmi"}});
    CHECK(h.open() == BL_UNSUPPORTED);
    CHECK_THAT(h.error(), Catch::StartsWith("no IPMI device (/dev/ipmi0)"));
  }
  SECTION("source=file without a file") {
    ProbeHarness h(plugin, fixtures + "/bare", {{"source", "file"}});
    CHECK(h.open() == BL_INVALID_ARGUMENT);
    CHECK(h.error() == "wall: source=file needs wall.file=PATH");
  }
}

TEST_CASE("wall: a file given wins over the BMC in auto", "[wall]") {
  TempTree tree;
  const std::string file = tree.write("watts", "42\n");
  FakeIpmitool fake(fixtures + "/ipmitool/dcmi-power-reading.txt");
  ProbeHarness h(plugin, fixtures + "/bmc-server", {{"file", file}});
  REQUIRE(h.open() == BL_OK);
  CHECK(h.sample()[0] == 42.0);
}
