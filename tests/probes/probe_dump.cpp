// SPDX-License-Identifier: MIT
// probe_dump PLUGIN.so [SYSROOT] [NAME=VALUE...]: opens one probe plugin through the test
// host (probe_harness.h) and prints what it offers: the open status and reason, its log,
// every channel with unit, kind and limit, the devices of "benchlab.probe.devices/1", and
// three samples one second apart. For trying a probe on real hardware by hand, e.g.
//   build/tests/probes/probe_dump build/lib/benchlab/plugins-abi1/probe-nvml.so
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <map>
#include <string>

#include "probe_harness.h"

namespace {

const char* unit_of(int32_t quantity) {
  switch (quantity) {
    case BL_QUANTITY_POWER:
      return "W";
    case BL_QUANTITY_ENERGY:
      return "J";
    case BL_QUANTITY_MEMORY:
      return "B";
    case BL_QUANTITY_TEMPERATURE:
      return "C";
    case BL_QUANTITY_FREQUENCY:
      return "Hz";
    case BL_QUANTITY_UTILISATION:
      return "%";
    case BL_QUANTITY_VOLTAGE:
      return "V";
    case BL_QUANTITY_CURRENT:
      return "A";
    case BL_QUANTITY_THROTTLE:
      return "throttle";
    default:
      return "?";
  }
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PLUGIN.so [SYSROOT] [NAME=VALUE...]\n", argv[0]);
    return 2;
  }
  std::string sysroot = "/";
  std::map<std::string, std::string> options;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (const auto eq = arg.find('='); eq != std::string::npos)
      options[arg.substr(0, eq)] = arg.substr(eq + 1);
    else
      sysroot = arg;
  }
  benchlab::test::ProbeHarness probe(argv[1], sysroot, options);
  std::printf("probe %s %s: %s\n", probe.plugin().id, probe.plugin().version,
              probe.plugin().description);
  const int32_t status = probe.open();
  for (const auto& line : probe.logs()) std::printf("log: %s\n", line.c_str());
  if (status != BL_OK) {
    std::printf("open: status %d: %s\n", static_cast<int>(status), probe.error().c_str());
    return 1;
  }
  const auto channels = probe.channels();
  std::printf("%zu channels:\n", channels.size());
  for (const auto& c : channels)
    std::printf("  %-28s %-8s %-7s device=%s limit=%g  %s\n", c.id, unit_of(c.quantity),
                c.kind == BL_CHANNEL_COUNTER ? "counter" : "instant", c.device ? c.device : "-",
                c.limit, c.label ? c.label : "");
  for (const auto& d : probe.devices())
    std::printf("device %s: %s, driver %s, %.2f GiB%s\n", d.id, d.name, d.driver ? d.driver : "?",
                d.memory_total_bytes / 1073741824.0,
                (d.flags & BL_DEVICE_UNIFIED_MEMORY) ? " (unified: system memory)" : "");
  for (int round = 0; round < 3; ++round) {
    if (round > 0) sleep(1);
    const auto values = probe.sample();
    std::printf("sample %d:", round + 1);
    for (std::size_t i = 0; i < values.size(); ++i)
      std::printf(" %s=%g", channels[i].id, values[i]);
    std::printf("\n");
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "probe_dump: %s\n", e.what());
  return 1;
}
