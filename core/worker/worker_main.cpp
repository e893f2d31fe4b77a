// SPDX-License-Identifier: MIT
// benchlab-worker: serves the phases (setup, trials, teardown) of one result of one
// workload plugin, and reports to the core over its stdout. Started by the core only:
//
//   benchlab-worker --plugin FILE --scratch DIR --cache DIR [--data DIR]
//                   [--option KEY=VALUE]... [--cgroup DIR] [--memory-max BYTES]
//
// It loads the plugin once, then runs each phase the core asks for on its stdin in a
// freshly forked process of its own (phase_supervisor.h). The plugin's own writes to
// stdout are redirected to stderr before it is loaded, so only frames travel on the
// channel. --cgroup names the cgroup v2 under which each phase gets a cgroup of its own;
// without it, the worker holds the phases as their subreaper.
//
//   benchlab-worker --describe FILE...
//
// loads each plugin file and writes its descriptor or its refusal for discovery, which
// never loads a plugin itself (plugin_check.h).
//
//   benchlab-worker --probe FILE [--sysroot DIR] [--interval-ms N] [--option KEY=VALUE]...
//                   [--hang-ms M] [--once]
//
// samples one probe plugin and streams its rows to the core (probe_sampler.h).
//
//   benchlab-worker --validate FILE [--timeout SECONDS] [--no-dry-run]
//
// checks one plugin file for `benchlab plugin validate` and writes its findings
// (plugin_validate.h).
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "phase_supervisor.h"
#include "plugin_check.h"
#include "plugin_loader.h"
#include "plugin_validate.h"
#include "probe_sampler.h"

namespace {

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "benchlab-worker: %s\n"
               "usage: benchlab-worker --plugin FILE --scratch DIR --cache DIR [--data DIR]\n"
               "         [--option KEY=VALUE]... [--cgroup DIR] [--memory-max BYTES]\n"
               "       benchlab-worker --describe FILE...\n"
               "       benchlab-worker --probe FILE [--sysroot DIR] [--interval-ms N]\n"
               "         [--option KEY=VALUE]... [--hang-ms M] [--once]\n"
               "       benchlab-worker --validate FILE [--timeout SECONDS] [--no-dry-run]\n"
               "This program is started by benchlab; it is not meant to be run by hand.\n",
               why.c_str());
  std::exit(2);
}

// A whole number of milliseconds, at least `min`.
std::uint64_t milliseconds(const std::string& flag, const std::string& v, std::uint64_t min,
                           const char* why) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end || v[0] == '-' || errno == ERANGE)
    usage(flag + " needs a whole number of milliseconds, got '" + v + "'");
  if (n < min)
    usage(flag + " must be at least " + std::to_string(min) + " ms, got " + v + " ms: " + why);
  return n;
}

[[noreturn]] void probe_mode(int argc, char** argv) {
  benchlab::worker::ProbeWorkerOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--probe")
      o.probe_path = value();
    else if (a == "--sysroot")
      o.sysroot = value();
    else if (a == "--interval-ms")
      o.interval_ms =
          static_cast<std::uint32_t>(milliseconds(a, value(), benchlab::worker::kMinIntervalMs,
                                                  "sampling more often disturbs what is measured"));
    else if (a == "--hang-ms")
      o.hang_ms = milliseconds(a, value(), 100, "a shorter limit mistakes a slow read for a hang");
    else if (a == "--once")
      o.once = true;
    else if (a == "--option") {
      std::string kv = value();
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) usage("--option needs KEY=VALUE, got '" + kv + "'");
      o.options.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    } else
      usage("unknown argument '" + a + "' with --probe");
  }
  if (o.probe_path.empty()) usage("--probe needs a file");
  if (o.sysroot.empty()) o.sysroot = "/";
  benchlab::worker::serve_probe(o);
}

[[noreturn]] void validate_mode(int argc, char** argv) {
  benchlab::worker::ValidateOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--validate") {
      o.file = value();
    } else if (a == "--timeout") {
      const std::string v = value();
      char* end = nullptr;
      o.timeout_s = std::strtod(v.c_str(), &end);
      if (v.empty() || *end || !(o.timeout_s > 0) || o.timeout_s > 86400)
        usage("--timeout needs a number of seconds above 0, got '" + v + "'");
    } else if (a == "--no-dry-run") {
      o.dry_run = false;
    } else {
      usage("unknown argument '" + a + "' with --validate");
    }
  }
  // Dies with benchlab: a plugin that hangs while loaded must not outlive it.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  benchlab::worker::validate_plugin_file(o);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace benchlab;
  if (argc >= 2 && std::strcmp(argv[1], "--describe") == 0) {
    // Dies with discovery: a plugin whose constructor hangs must not outlive benchlab.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    worker::describe_plugin_files(argc - 2, argv + 2);
  }
  if (argc >= 2 && std::strcmp(argv[1], "--validate") == 0) validate_mode(argc, argv);
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--probe") == 0) probe_mode(argc, argv);
  worker::WorkerOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--plugin")
      o.plugin_path = value();
    else if (a == "--scratch")
      o.phase.scratch_dir = value();
    else if (a == "--cache")
      o.phase.cache_dir = value();
    else if (a == "--data")
      o.phase.data_dir = value();
    else if (a == "--cgroup")
      o.cgroup_parent = value();
    else if (a == "--memory-max") {
      const std::string v = value();
      char* end = nullptr;
      o.memory_max_bytes = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end) usage("--memory-max needs a number of bytes, got '" + v + "'");
    } else if (a == "--option") {
      std::string kv = value();
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) usage("--option needs KEY=VALUE, got '" + kv + "'");
      o.phase.options.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    } else
      usage("unknown argument '" + a + "'");
  }
  if (o.plugin_path.empty() || o.phase.scratch_dir.empty() || o.phase.cache_dir.empty())
    usage("--plugin, --scratch and --cache are required");
  return worker::serve(o);
}
