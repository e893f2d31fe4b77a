// SPDX-License-Identifier: MIT
// A hand-built Comparison for the report tests (tests/unit/test_report.cpp and the browser
// test's report-fixture): three systems (the baseline, a faster one, and one named like a
// script that cannot run everything), two categories, every kind of cell, power, versions
// and cost of ownership.
#pragma once

#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "comparison.h"
#include "tco.h"

namespace report_sample {

inline constexpr const char* kHostile = "<script>alert(1)</script>";
inline constexpr const char* kLongReason =
    "needs 64 GiB of memory for the large scene, the system has 16 GiB (requirement gate)";

inline benchlab::Summary summary(double mean, double ci95, std::size_t n) {
  benchlab::Summary s;
  s.n = n;
  s.mean = s.median = mean;
  s.ci95 = ci95;
  s.min = mean - ci95;
  s.max = mean + ci95;
  return s;
}

inline benchlab::CompareCell ok(double mean, double ci95, std::size_t n) {
  benchlab::CompareCell c;
  c.status = "ok";
  c.summary = summary(mean, ci95, n);
  c.trials = static_cast<unsigned>(n);
  c.run_id = 1;
  return c;
}

inline benchlab::CompareCell ok(double mean, double ci95, std::size_t n, benchlab::Ratio r) {
  benchlab::CompareCell c = ok(mean, ci95, n);
  c.ratio = r;
  return c;
}

inline benchlab::Ratio bounded(double ratio, double lo, double hi) {
  return benchlab::Ratio{ratio, lo, hi, true, lo <= 1.0 && 1.0 <= hi};
}

inline benchlab::Ratio unbounded(double ratio) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  return benchlab::Ratio{ratio, nan, nan, false, true};
}

inline benchlab::CompareCell status(const char* st, std::string reason = {}) {
  benchlab::CompareCell c;
  c.status = st;
  c.reason = std::move(reason);
  return c;
}

inline boost::json::object x86_inventory() {
  return boost::json::parse(R"json({
    "hostname": "bench-ryzen", "arch": "x86_64", "cpu_vendor": "AuthenticAMD",
    "cpu_model": "AMD Ryzen 9 7950X 16-Core Processor",
    "cpu_summary": "AMD Ryzen 9 7950X 16-Core Processor (16 cores, 32 threads)",
    "clusters": [{"name": "AMD Ryzen 9 7950X 16-Core Processor", "kind": "", "cores": 16,
                  "max_mhz": 5881.0}],
    "sockets": 1, "cores": 16, "threads": 32, "memory_bytes": 66920763392,
    "memory_type": "DDR5", "memory_speed_mts": 4800,
    "memory_modules": [
      {"locator": "DIMM_A1", "size_bytes": 34359738368, "type": "DDR5", "speed_mts": 4800,
       "configured_speed_mts": 4800, "manufacturer": "Kingston", "part_number": "KF560C36-32",
       "form_factor": "DIMM"},
      {"locator": "DIMM_B1", "size_bytes": 34359738368, "type": "DDR5", "speed_mts": 4800,
       "configured_speed_mts": 4800, "manufacturer": "Kingston", "part_number": "KF560C36-32",
       "form_factor": "DIMM"}],
    "os_name": "Debian GNU/Linux 12 (bookworm)", "kernel": "6.1.0-18-amd64",
    "compiler": "GCC 12.2.0", "bios_vendor": "American Megatrends International, LLC.",
    "bios_version": "1654", "bios_date": "03/15/2024", "board": "ROG STRIX X670E-E",
    "product": "System Product Name",
    "storage": [{"name": "nvme0n1", "model": "Samsung SSD 990 PRO 2TB", "bytes": 2000398934016,
                 "rotational": false}],
    "gpus": [{"id": "0", "probe": "amdgpu", "name": "AMD Radeon RX 7900 XTX", "driver": "6.1.0",
              "memory_bytes": 25753026560, "unified": false}]
  })json")
      .as_object();
}

inline boost::json::object arm_inventory() {
  return boost::json::parse(R"json({
    "hostname": "spark", "arch": "aarch64", "cpu_vendor": "ARM",
    "cpu_model": "10x Cortex-X925 + 10x Cortex-A725",
    "cpu_summary": "10x Cortex-X925 + 10x Cortex-A725",
    "clusters": [{"name": "Cortex-X925", "kind": "big", "arm_part": "0xd85", "cpus": [0, 1],
                  "cores": 10, "max_mhz": 3900.0},
                 {"name": "Cortex-A725", "kind": "little", "arm_part": "0xd87", "cpus": [2, 3],
                  "cores": 10, "max_mhz": 2808.0}],
    "sockets": 1, "cores": 20, "threads": 20, "memory_bytes": 128849018880,
    "memory_type": "LPDDR5X", "memory_speed_mts": 8533, "memory_modules": [],
    "os_name": "Ubuntu 24.04.2 LTS", "kernel": "6.11.0-1016-nvidia", "compiler": "GCC 13.3.0",
    "bios_vendor": "NVIDIA", "bios_version": "5.36_0ACUM018", "bios_date": "05/20/2025",
    "board": "P4242", "product": "DGX Spark",
    "storage": [{"name": "nvme0n1", "model": "ESL04TBTLCZ-27J2-TYN", "bytes": 4000787030016,
                 "rotational": false}],
    "gpus": [{"id": "0", "probe": "nvml", "name": "NVIDIA GB10", "driver": "580.95.05",
              "memory_bytes": 128849018880, "unified": true}]
  })json")
      .as_object();
}

// Three systems, rows in two categories ("cpu", "gpu"), every cell status.
inline benchlab::Comparison comparison() {
  using namespace benchlab;
  Comparison c;
  c.baseline = "ryzen-7950x";

  SystemSummary base;
  base.name = "ryzen-7950x";
  base.baseline = true;
  base.runs = {3, 4};
  base.stores = {"ryzen.sqlite"};
  base.inventory = x86_inventory();
  base.idle_power_w = 58.25;
  base.wall_power_w = 212.4;
  SystemSummary fast;
  fast.name = "dgx-spark";
  fast.runs = {7};
  fast.stores = {"spark.sqlite"};
  fast.inventory = arm_inventory();
  fast.idle_power_w = 31.5;
  SystemSummary hostile;
  hostile.name = kHostile;
  hostile.runs = {1};
  hostile.stores = {"imported.sqlite"};
  hostile.imported = true;
  // sparse and partly wrong: as an imported run's inventory can be
  hostile.inventory =
      boost::json::parse(
          R"json({"hostname": "<b>host</b>", "cores": "many", "clusters": 5, "gpus": [3, {"name": 7}],
          "memory_type": "unknown", "memory_modules": [{"size_bytes": "big"}]})json")
          .as_object();
  c.systems = {base, fast, hostile};

  CompareRow compile;
  compile.category = "cpu";
  compile.test = "compile";
  compile.options_text = "tree=linux defconfig";
  compile.metric = "time";
  compile.unit = "s";
  compile.direction = -1;
  compile.primary = true;
  compile.cells = {ok(120, 2, 5, Ratio{1, 1, 1, true, true}),
                   ok(80, 1.5, 5, bounded(1.5, 1.4, 1.6)),
                   ok(118, 3, 5, bounded(1.017, 0.98, 1.05))};
  compile.cells[2].imported = true;

  CompareRow ray;
  ray.category = "cpu";
  ray.test = "raytrace";
  ray.options_text = "scene=large, threads=all";  // a comma: CSV must quote it
  ray.metric = "rate";
  ray.unit = "Mpix/s";
  ray.direction = 1;
  ray.primary = true;
  ray.cells = {ok(10, 0.2, 5, Ratio{1, 1, 1, true, true}),
               ok(32.1, 0.4, 5, bounded(3.21, 3.1, 3.3)), status("cannot_run", kLongReason)};

  CompareRow membw;
  membw.category = "cpu";
  membw.test = "membw";
  membw.metric = "triad";
  membw.unit = "GB/s";
  membw.primary = true;
  membw.cells = {ok(64, 1, 3, Ratio{1, 1, 1, true, true}), ok(128, 0, 1, unbounded(2.0)),
                 status("missing")};
  membw.cells[1].status = "partial";
  membw.cells[1].throttled = 1;

  CompareRow llama;
  llama.category = "gpu";
  llama.test = "llama-bench";
  llama.options_text = "model=\"llama 8B\" n_gen=128";  // quotes: CSV must double them
  llama.metric = "tg128";
  llama.unit = "tokens/s";
  llama.primary = true;
  llama.cells = {status("cannot_run", "no GPU"), ok(38.5, 0.3, 5),
                 status("failed", "exit status 1\nCUDA error: out of memory")};

  CompareRow comfy;
  comfy.category = "gpu";
  comfy.test = "comfyui";
  comfy.options_text = "workflow=sdxl steps=30";
  comfy.metric = "images per minute";
  comfy.unit = "img/min";
  comfy.primary = true;
  comfy.cells = {ok(2.1, 0.05, 5, Ratio{1, 1, 1, true, true}),
                 ok(5.4, 0.1, 5, bounded(2.57, 2.45, 2.7)), status("cannot_run", "no GPU")};

  c.rows = {compile, ray, membw, llama, comfy};

  CategoryMean cpu;
  cpu.category = "cpu";
  cpu.per_system = {Ratio{1, 1, 1, true, true}, bounded(2.09, 1.8, 2.4),
                    bounded(1.017, 0.98, 1.05)};
  cpu.count = {3, 3, 1};
  CategoryMean gpu;
  gpu.category = "gpu";
  gpu.per_system = {Ratio{1, 1, 1, true, true}, bounded(2.57, 2.45, 2.7),
                    unbounded(std::numeric_limits<double>::quiet_NaN())};
  gpu.count = {1, 1, 0};
  CategoryMean overall;
  overall.category = "overall";
  overall.per_system = {Ratio{1, 1, 1, true, true}, bounded(2.2, 1.9, 2.5),
                        bounded(1.017, 0.98, 1.05)};
  overall.count = {4, 4, 1};
  c.categories = {cpu, gpu, overall};

  PowerRow p1{"compile", "tree=linux defconfig", "ryzen-7950x", "power.total.mean",
              "W",       summary(205.3, 3.1, 5)};
  PowerRow p2{"compile", "tree=linux defconfig", "dgx-spark", "power.total.mean",
              "W",       summary(98.7, 1.2, 5)};
  PowerRow p3{"compile", "tree=linux defconfig", "dgx-spark", "energy.total",
              "J",       summary(7896, 110, 5)};
  c.power = {p1, p2, p3};

  c.versions = {{"ryzen-7950x", "plugin", "compile", "1.2.0"},
                {"dgx-spark", "plugin", "compile", "1.2.0"},
                {"ryzen-7950x", "program", "gcc", "12.2.0"},
                {"dgx-spark", "program", "gcc", "13.3.0"},
                {kHostile, "program", "pts/build-linux-kernel", "1.16.0"}};

  Tco spark;
  spark.input.system = "dgx-spark";
  spark.input.price_usd = 3999;
  spark.input.cloud_rate_usd_h = 2.5;
  spark.input.hours_per_day = 8;
  spark.input.electricity_usd_kwh = 0.30;
  spark.input.power_w = 98.7;
  spark.input.power_source = "measured wall power of run 7";
  spark.cloud_per_day = 20;
  spark.cloud_per_week = 140;
  spark.cloud_per_month = 608.33;
  spark.electricity_per_day = 0.2369;
  spark.saving_per_day = 19.7631;
  spark.breakeven_days = 202.34;
  Tco never;
  never.input.system = "ryzen-7950x";
  never.input.price_usd = 2500;
  never.input.cloud_rate_usd_h = 0.01;
  never.input.hours_per_day = 24;
  never.input.electricity_usd_kwh = 0.5;
  never.input.power_w = 212.4;
  never.cloud_per_day = 0.24;
  never.cloud_per_week = 1.68;
  never.cloud_per_month = 7.3;
  never.electricity_per_day = 2.5488;
  never.saving_per_day = -2.3088;
  c.tco = {spark, never};
  return c;
}

}  // namespace report_sample
