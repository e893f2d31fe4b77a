// SPDX-License-Identifier: MIT
// System inventory over fixture trees (tests/fixtures/inventory/<machine>/{proc,sys,etc}) and
// over this machine.
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "inventory.h"
#include "unit_support.hpp"

namespace fs = std::filesystem;
using benchlab::collect_inventory;
using benchlab::CpuCluster;
using benchlab::Inventory;

namespace {

fs::path fixture(const char* name) { return fs::path(FIXTURES_DIR) / "inventory" / name; }

std::vector<int> range(int first, int last) {
  std::vector<int> v;
  for (int i = first; i <= last; ++i) v.push_back(i);
  return v;
}

std::vector<int> concat(std::vector<int> a, const std::vector<int>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

using unit::TempDir;

// Points PATH at one directory for the test's lifetime, so `cc` is whatever we put there.
struct ScopedPath {
  std::optional<std::string> saved;
  explicit ScopedPath(const fs::path& dir) {
    if (const char* old = std::getenv("PATH")) saved = old;
    ::setenv("PATH", dir.c_str(), 1);
  }
  ScopedPath(const ScopedPath&) = delete;
  ScopedPath& operator=(const ScopedPath&) = delete;
  ~ScopedPath() {
    if (saved) {
      ::setenv("PATH", saved->c_str(), 1);
    } else {
      ::unsetenv("PATH");
    }
  }
};

void write_script(const fs::path& path, const std::string& body) {
  {
    std::ofstream out(path);
    out << "#!/bin/sh\n" << body << "\n";
  }
  ::chmod(path.c_str(), 0755);
}

}  // namespace

TEST_CASE("GB10 splits into 10 Cortex-X925 big and 10 Cortex-A725 little cores") {
  const Inventory inv = collect_inventory(fixture("arm-gb10"));

  CHECK(inv.arch == "aarch64");
  CHECK(inv.cpu_vendor == "ARM");
  CHECK(inv.cpu_model == "Cortex-X925 + Cortex-A725");
  CHECK(inv.cpu_summary == "10x Cortex-X925 + 10x Cortex-A725");
  CHECK(inv.sockets == 1);
  CHECK(inv.cores == 20);
  CHECK(inv.threads == 20);

  REQUIRE(inv.clusters.size() == 2);
  const CpuCluster& big = inv.clusters[0];
  CHECK(big.name == "Cortex-X925");
  CHECK(big.kind == "big");
  CHECK(big.arm_part == "0xd85");
  CHECK(big.cpus == concat(range(5, 9), range(15, 19)));
  CHECK(big.cores == 10);
  CHECK(big.max_mhz == 3900.0);
  const CpuCluster& little = inv.clusters[1];
  CHECK(little.name == "Cortex-A725");
  CHECK(little.kind == "little");
  CHECK(little.arm_part == "0xd87");
  CHECK(little.cpus == concat(range(0, 4), range(10, 14)));
  CHECK(little.cores == 10);
  CHECK(little.max_mhz == 2808.0);
}

TEST_CASE("GB10 memory, OS, kernel, firmware and NVMe disk are read from the tree") {
  const Inventory inv = collect_inventory(fixture("arm-gb10"));

  CHECK(inv.memory_bytes == 125443040ULL * 1024);
  CHECK(inv.os_name == "Ubuntu 24.04.3 LTS");
  CHECK(inv.kernel == "6.14.0-1013-nvidia");
  CHECK(inv.hostname == "spark-01");
  CHECK(inv.compiler.empty());  // only measured for the live machine
  CHECK(inv.bios_vendor == "Dell Inc.");
  CHECK(inv.bios_version == "5.36_1.1.1");
  CHECK(inv.bios_date == "09/23/2025");
  CHECK(inv.board == "038RY7");
  CHECK(inv.product == "Dell Pro Max with GB10 FCM1253");

  REQUIRE(inv.storage.size() == 1);  // loop0 is left out
  CHECK(inv.storage[0].name == "nvme0n1");
  CHECK(inv.storage[0].model == "ESL04TBTLCZ-27J4-TYN");
  CHECK(inv.storage[0].bytes == 7814037168ULL * 512);
  CHECK_FALSE(inv.storage[0].rotational);
}

TEST_CASE("Intel hybrid CPU shows 8 P-cores and 12 E-cores from cpu_core and cpu_atom") {
  const Inventory inv = collect_inventory(fixture("intel-hybrid"));

  CHECK(inv.arch == "x86_64");
  CHECK(inv.cpu_vendor == "GenuineIntel");
  CHECK(inv.cpu_model == "Intel(R) Core(TM) Ultra 7 265");
  CHECK(inv.cpu_summary == "Intel(R) Core(TM) Ultra 7 265: 8 P-core + 12 E-core, 20 threads");
  CHECK(inv.sockets == 1);
  CHECK(inv.cores == 20);
  CHECK(inv.threads == 20);

  REQUIRE(inv.clusters.size() == 2);
  const CpuCluster& p = inv.clusters[0];
  CHECK(p.name == "Intel(R) Core(TM) Ultra 7 265 P-core");
  CHECK(p.kind == "P-core");
  CHECK(p.arm_part.empty());
  CHECK(p.cpus == range(0, 7));
  CHECK(p.cores == 8);
  CHECK(p.max_mhz == 5300.0);  // the favoured cores' turbo, not the first core's
  const CpuCluster& e = inv.clusters[1];
  CHECK(e.name == "Intel(R) Core(TM) Ultra 7 265 E-core");
  CHECK(e.kind == "E-core");
  CHECK(e.cpus == range(8, 19));
  CHECK(e.cores == 12);
  CHECK(e.max_mhz == 4600.0);
}

TEST_CASE("Intel hybrid machine: 64 GB, Fedora 43, NVMe without zram and device-mapper") {
  const Inventory inv = collect_inventory(fixture("intel-hybrid"));

  CHECK(inv.memory_bytes == 65569876ULL * 1024);
  CHECK(inv.os_name == "Fedora Linux 43 (Workstation Edition)");
  CHECK(inv.kernel == "6.17.1-300.fc43.x86_64");
  CHECK(inv.hostname == "arrow.lab.example");
  CHECK(inv.bios_vendor == "American Megatrends Inc.");
  CHECK(inv.bios_version == "1403");
  CHECK(inv.bios_date == "06/12/2025");
  CHECK(inv.board == "PRIME B860M-A WIFI");
  CHECK(inv.product == "System Product Name");

  REQUIRE(inv.storage.size() == 1);
  CHECK(inv.storage[0].name == "nvme0n1");
  CHECK(inv.storage[0].model == "Samsung SSD 990 PRO 2TB");
  CHECK(inv.storage[0].bytes == 3907029168ULL * 512);
  CHECK_FALSE(inv.storage[0].rotational);
}

TEST_CASE("SMT machine counts 4 cores and 8 threads from cpuinfo core ids") {
  // No sysfs topology in this tree: physical id / core id come from /proc/cpuinfo.
  const Inventory inv = collect_inventory(fixture("x86-smt"));

  CHECK(inv.arch == "x86_64");
  CHECK(inv.cpu_vendor == "GenuineIntel");
  CHECK(inv.cpu_model == "Intel(R) Core(TM) i7-8565U CPU @ 1.80GHz");
  CHECK(inv.cpu_summary == "Intel(R) Core(TM) i7-8565U CPU @ 1.80GHz: 4 cores, 8 threads");
  CHECK(inv.sockets == 1);
  CHECK(inv.cores == 4);
  CHECK(inv.threads == 8);

  REQUIRE(inv.clusters.size() == 1);
  CHECK(inv.clusters[0].name == inv.cpu_model);
  CHECK(inv.clusters[0].kind.empty());
  CHECK(inv.clusters[0].cpus == range(0, 7));
  CHECK(inv.clusters[0].cores == 4);
  CHECK(inv.clusters[0].max_mhz == 4600.0);
}

TEST_CASE("SMT machine: os-release fallback, no DMI, SATA SSD and HDD told apart") {
  const Inventory inv = collect_inventory(fixture("x86-smt"));

  CHECK(inv.memory_bytes == 16225624ULL * 1024);
  CHECK(inv.os_name == "Debian GNU/Linux 12 (bookworm)");  // only usr/lib/os-release exists
  CHECK(inv.kernel == "6.1.0-18-amd64");
  CHECK(inv.bios_vendor.empty());
  CHECK(inv.bios_version.empty());
  CHECK(inv.bios_date.empty());
  CHECK(inv.board.empty());
  CHECK(inv.product.empty());

  REQUIRE(inv.storage.size() == 2);  // sr0 without a disc has no size
  CHECK(inv.storage[0].name == "sda");
  CHECK(inv.storage[0].model == "Samsung SSD 860");
  CHECK(inv.storage[0].bytes == 976773168ULL * 512);
  CHECK_FALSE(inv.storage[0].rotational);
  CHECK(inv.storage[1].name == "sdb");
  CHECK(inv.storage[1].model == "WDC WD10SPZX-21Z");
  CHECK(inv.storage[1].rotational);
}

TEST_CASE(
    "Three Arm core kinds from midr_el1 become big, medium and little; offline CPU left out") {
  const Inventory inv = collect_inventory(fixture("arm-tri-midr"));

  CHECK(inv.arch == "aarch64");
  CHECK(inv.cpu_vendor == "ARM");
  CHECK(inv.threads == 7);  // online "0-4,6-7"
  CHECK(inv.cores == 7);    // core_id restarts per cluster; still 7 distinct cores
  CHECK(inv.cpu_summary == "1x Cortex-X4 + 2x Cortex-A720 + 4x Cortex-A520");

  REQUIRE(inv.clusters.size() == 3);
  CHECK(inv.clusters[0].name == "Cortex-X4");
  CHECK(inv.clusters[0].kind == "big");
  CHECK(inv.clusters[0].arm_part == "0xd82");
  CHECK(inv.clusters[0].cpus == std::vector<int>{7});
  CHECK(inv.clusters[0].max_mhz == 3105.0);
  CHECK(inv.clusters[1].name == "Cortex-A720");
  CHECK(inv.clusters[1].kind == "medium");
  CHECK(inv.clusters[1].cpus == std::vector<int>{4, 6});
  CHECK(inv.clusters[1].cores == 2);
  CHECK(inv.clusters[2].name == "Cortex-A520");
  CHECK(inv.clusters[2].kind == "little");
  CHECK(inv.clusters[2].cpus == range(0, 3));
  CHECK(inv.clusters[2].cores == 4);

  // Absent files stay empty rather than guessed.
  CHECK(inv.os_name.empty());
  CHECK(inv.hostname.empty());
  CHECK(inv.storage.empty());
  CHECK(inv.kernel == "6.1.99-android14-11");
}

TEST_CASE("A missing root gives an empty inventory instead of throwing") {
  Inventory inv;
  REQUIRE_NOTHROW(inv = collect_inventory(fixture("does-not-exist")));
  CHECK(inv.hostname.empty());
  CHECK(inv.arch.empty());
  CHECK(inv.cpu_vendor.empty());
  CHECK(inv.cpu_model.empty());
  CHECK(inv.cpu_summary.empty());
  CHECK(inv.clusters.empty());
  CHECK(inv.sockets == 0);
  CHECK(inv.cores == 0);
  CHECK(inv.threads == 0);
  CHECK(inv.memory_bytes == 0);
  CHECK(inv.os_name.empty());
  CHECK(inv.kernel.empty());
  CHECK(inv.compiler.empty());
  CHECK(inv.bios_vendor.empty());
  CHECK(inv.storage.empty());
  CHECK_NOTHROW(boost::json::parse(benchlab::inventory_to_json(inv)));
}

TEST_CASE("Inventory JSON parses back with every key and the values of the machine") {
  const Inventory inv = collect_inventory(fixture("arm-gb10"));
  const boost::json::value parsed = boost::json::parse(benchlab::inventory_to_json(inv));
  const boost::json::object& o = parsed.as_object();

  for (const char* key : {"hostname",       "arch",         "cpu_vendor",  "cpu_model",
                          "cpu_summary",    "clusters",     "sockets",     "cores",
                          "threads",        "memory_bytes", "memory_type", "memory_speed_mts",
                          "memory_modules", "os_name",      "kernel",      "compiler",
                          "bios_vendor",    "bios_version", "bios_date",   "board",
                          "product",        "storage"}) {
    INFO("key " << key);
    CHECK(o.contains(key));
  }
  CHECK(o.at("cpu_summary").as_string() == "10x Cortex-X925 + 10x Cortex-A725");
  CHECK(o.at("threads").to_number<int>() == 20);
  CHECK(o.at("memory_bytes").to_number<std::uint64_t>() == 125443040ULL * 1024);
  CHECK(o.at("bios_version").as_string() == "5.36_1.1.1");

  const auto& clusters = o.at("clusters").as_array();
  REQUIRE(clusters.size() == 2);
  const auto& big = clusters[0].as_object();
  for (const char* key : {"name", "kind", "arm_part", "cpus", "cores", "max_mhz"}) {
    INFO("cluster key " << key);
    CHECK(big.contains(key));
  }
  CHECK(big.at("name").as_string() == "Cortex-X925");
  CHECK(big.at("kind").as_string() == "big");
  CHECK(big.at("arm_part").as_string() == "0xd85");
  CHECK(big.at("cpus").as_array().size() == 10);
  CHECK(big.at("cpus").as_array()[0].to_number<int>() == 5);
  CHECK(big.at("max_mhz").to_number<double>() == 3900.0);

  const auto& disk = o.at("storage").as_array().at(0).as_object();
  CHECK(disk.at("name").as_string() == "nvme0n1");
  CHECK(disk.at("model").as_string() == "ESL04TBTLCZ-27J4-TYN");
  CHECK(disk.at("bytes").to_number<std::uint64_t>() == 7814037168ULL * 512);
  CHECK(disk.at("rotational").as_bool() == false);
}

TEST_CASE("This machine reports at least one thread, its memory, kernel and architecture") {
  const Inventory inv = collect_inventory("/");
  CHECK(inv.threads >= 1);
  CHECK(inv.cores >= 1);
  CHECK(inv.cores <= inv.threads);
  CHECK(inv.memory_bytes > 0);
  CHECK_FALSE(inv.kernel.empty());
  CHECK_FALSE(inv.arch.empty());
  CHECK_FALSE(inv.hostname.empty());
  CHECK_FALSE(inv.clusters.empty());
}

TEST_CASE("The compiler is the first line of `cc --version`, named GCC or Clang") {
  TempDir bin("inventory-cc-gcc");
  write_script(bin.path / "cc",
               "echo 'cc (Debian 12.2.0-14+deb12u1) 12.2.0'\n"
               "echo 'Copyright (C) 2022 Free Software Foundation, Inc.'");
  {
    ScopedPath path(bin.path);
    CHECK(collect_inventory("/").compiler == "GCC 12.2.0");
  }
  write_script(bin.path / "cc", "echo 'Debian clang version 14.0.6'\necho 'Target: x86_64'");
  {
    ScopedPath path(bin.path);
    CHECK(collect_inventory("/").compiler == "Clang 14.0.6");
  }
  write_script(bin.path / "cc", "echo 'tcc version 0.9.27 (x86_64 Linux)'");
  {
    ScopedPath path(bin.path);
    CHECK(collect_inventory("/").compiler == "tcc version 0.9.27 (x86_64 Linux)");
  }
}

TEST_CASE("No cc, or a failing cc, leaves the compiler empty") {
  TempDir bin("inventory-cc-none");
  {
    ScopedPath path(bin.path);
    CHECK(collect_inventory("/").compiler.empty());
  }
  write_script(bin.path / "cc", "echo 'cc (GCC) 14.2.1'\nexit 3");
  {
    ScopedPath path(bin.path);
    CHECK(collect_inventory("/").compiler.empty());
  }
}

TEST_CASE("A hanging cc is killed after the timeout and leaves the compiler empty") {
  TempDir bin("inventory-cc-hang");
  // Prints a plausible line and then never exits: without the deadline this takes 120 s.
  write_script(bin.path / "cc", "echo 'cc (GCC) 14.2.1'\n/bin/sleep 120");
  ScopedPath path(bin.path);
  const auto start = std::chrono::steady_clock::now();
  const Inventory inv = collect_inventory("/");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(inv.compiler.empty());
  CHECK(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count() < 60);
  CHECK(inv.threads >= 1);  // the rest of the inventory is still collected
}

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("dmidecode: a DDR5 desktop lists its two modules and leaves the empty slots out") {
  const auto mem =
      benchlab::parse_dmidecode_memory(read_text(fixture("intel-hybrid") / "dmidecode-t17.txt"));
  CHECK(mem.type == "DDR5");
  CHECK(mem.speed_mts == 5600);
  REQUIRE(mem.modules.size() == 2);
  const auto& m = mem.modules[0];
  CHECK(m.locator == "Controller0-ChannelA-DIMM1");
  CHECK(m.size_bytes == 32ULL << 30);
  CHECK(m.type == "DDR5");
  CHECK(m.speed_mts == 6400);
  CHECK(m.configured_speed_mts == 5600);
  CHECK(m.manufacturer == "Kingston");
  CHECK(m.part_number == "KF564C32-32");  // the SPD's padding is trimmed
  CHECK(m.form_factor == "DIMM");
  CHECK(mem.modules[1].locator == "Controller1-ChannelA-DIMM1");
}

TEST_CASE("dmidecode: soldered LPDDR5 faster than 6400 MT/s is LPDDR5X") {
  const auto mem =
      benchlab::parse_dmidecode_memory(read_text(fixture("arm-gb10") / "dmidecode-t17.txt"));
  CHECK(mem.type == "LPDDR5X");
  CHECK(mem.speed_mts == 8533);
  REQUIRE(mem.modules.size() == 8);
  std::uint64_t total = 0;
  for (const auto& m : mem.modules) total += m.size_bytes;
  CHECK(total == 128ULL << 30);
  CHECK(mem.modules[0].form_factor == "Row Of Chips");
  CHECK(mem.modules[0].manufacturer == "Micron Technology");
  CHECK(mem.modules[7].locator == "LP5X_CH7");
}

TEST_CASE("dmidecode: older output in MB and MHz with Configured Clock Speed") {
  const auto mem =
      benchlab::parse_dmidecode_memory(read_text(fixture("x86-smt") / "dmidecode-t17.txt"));
  CHECK(mem.type == "DDR4");
  CHECK(mem.speed_mts == 2400);
  REQUIRE(mem.modules.size() == 2);
  CHECK(mem.modules[0].size_bytes == 8192ULL << 20);
  CHECK(mem.modules[0].speed_mts == 2667);
  CHECK(mem.modules[0].configured_speed_mts == 2400);
  CHECK(mem.modules[0].form_factor == "SODIMM");
  CHECK(mem.modules[1].manufacturer == "SK Hynix");
  CHECK(mem.modules[1].part_number == "HMA81GS6CJR8N-VK");
}

TEST_CASE("dmidecode: Unknown speeds and vendors stay 0 and empty, LPDDR5 is not promoted") {
  const auto mem =
      benchlab::parse_dmidecode_memory(read_text(fixture("arm-tri-midr") / "dmidecode-t17.txt"));
  CHECK(mem.type == "LPDDR5");
  CHECK(mem.speed_mts == 0);
  REQUIRE(mem.modules.size() == 1);
  CHECK(mem.modules[0].size_bytes == 12ULL << 30);
  CHECK(mem.modules[0].speed_mts == 0);
  CHECK(mem.modules[0].configured_speed_mts == 0);
  CHECK(mem.modules[0].manufacturer.empty());
  CHECK(mem.modules[0].part_number.empty());
}

TEST_CASE("dmidecode: mixed types are joined and the slowest configured speed wins") {
  const std::string text =
      "Handle 0x0001, DMI type 17, 92 bytes\n"
      "Memory Device\n"
      "\tSize: 16 GB\n\tLocator: A\n\tType: DDR5\n\tSpeed: 4800 MT/s\n"
      "\tConfigured Memory Speed: 4800 MT/s\n"
      "\n"
      "Handle 0x0002, DMI type 17, 40 bytes\n"
      "Memory Device\n"
      "\tSize: 8192 MB\n\tLocator: B\n\tType: DDR4\n\tSpeed: 3200 MT/s\n"
      "\tConfigured Memory Speed: 2933 MT/s\n"
      "\n"
      "Handle 0x0003, DMI type 17, 40 bytes\n"
      "Memory Device\n"
      "\tSize: Unknown\n\tLocator: C\n\tType: DDR3\n";
  const auto mem = benchlab::parse_dmidecode_memory(text);
  CHECK(mem.type == "DDR4/DDR5");
  CHECK(mem.speed_mts == 2933);
  CHECK(mem.modules.size() == 2);  // C has no size: not a populated module
}

TEST_CASE("dmidecode: no output, an error message or a quiet listing without handles") {
  CHECK(benchlab::parse_dmidecode_memory("").type == "unknown");
  CHECK(benchlab::parse_dmidecode_memory("").modules.empty());
  const auto error = benchlab::parse_dmidecode_memory(
      "# dmidecode 3.4\nScanning /dev/mem for entry point.\n/dev/mem: No such file\n");
  CHECK(error.type == "unknown");
  CHECK(error.speed_mts == 0);
  // `dmidecode -q -t 17` drops the handle lines; records still start at "Memory Device".
  const auto quiet = benchlab::parse_dmidecode_memory(
      "Memory Device\n\tSize: 4 GB\n\tType: DDR3\n\tConfigured Clock Speed: 1600 MHz\n\n"
      "Memory Device\n\tSize: 4 GB\n\tType: DDR3\n\tConfigured Clock Speed: 1333 MHz\n");
  CHECK(quiet.type == "DDR3");
  CHECK(quiet.speed_mts == 1333);
  CHECK(quiet.modules.size() == 2);
}

TEST_CASE("Inventory of a fixture tree reads ROOT/dmidecode-t17.txt and writes it as JSON") {
  const Inventory inv = collect_inventory(fixture("intel-hybrid"));
  CHECK(inv.memory_type == "DDR5");
  CHECK(inv.memory_speed_mts == 5600);
  REQUIRE(inv.memory_modules.size() == 2);

  const auto parsed = boost::json::parse(benchlab::inventory_to_json(inv));
  const auto& o = parsed.as_object();
  CHECK(o.at("memory_type").as_string() == "DDR5");
  CHECK(o.at("memory_speed_mts").to_number<int>() == 5600);
  const auto& modules = o.at("memory_modules").as_array();
  REQUIRE(modules.size() == 2);
  const auto& m = modules[0].as_object();
  CHECK(m.at("locator").as_string() == "Controller0-ChannelA-DIMM1");
  CHECK(m.at("size_bytes").to_number<std::uint64_t>() == 32ULL << 30);
  CHECK(m.at("type").as_string() == "DDR5");
  CHECK(m.at("speed_mts").to_number<int>() == 6400);
  CHECK(m.at("configured_speed_mts").to_number<int>() == 5600);
  CHECK(m.at("manufacturer").as_string() == "Kingston");
  CHECK(m.at("part_number").as_string() == "KF564C32-32");
  CHECK(m.at("form_factor").as_string() == "DIMM");

  // A tree without the file, and a missing root, say "unknown".
  const Inventory none = collect_inventory(fixture("does-not-exist"));
  CHECK(none.memory_type == "unknown");
  CHECK(none.memory_speed_mts == 0);
  CHECK(none.memory_modules.empty());
}

TEST_CASE("This machine's memory type is a dmidecode type or unknown, never empty") {
  const Inventory inv = collect_inventory("/");
  CHECK_FALSE(inv.memory_type.empty());
  if (inv.memory_type == "unknown") CHECK(inv.memory_speed_mts == 0);
}
