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
//   benchlab-worker --check-plugins FILE...
//
// loads each plugin file as discovery does and writes one '.' to stdout after each, so
// that discovery learns which file's constructor or entry function crashed or hung
// before it loads any of them into its own process (catalog.cpp).
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "phase_supervisor.h"
#include "plugin_loader.h"

namespace {

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "benchlab-worker: %s\n"
               "usage: benchlab-worker --plugin FILE --scratch DIR --cache DIR [--data DIR]\n"
               "         [--option KEY=VALUE]... [--cgroup DIR] [--memory-max BYTES]\n"
               "       benchlab-worker --check-plugins FILE...\n"
               "This program is started by benchlab; it is not meant to be run by hand.\n",
               why.c_str());
  std::exit(2);
}

// Points fd 1 at stderr and returns a private copy of the old stdout, so that what a
// plugin prints cannot mix with what the worker reports there. -1 on failure.
int private_stdout() {
  const int fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    std::perror("benchlab-worker: cannot set up the report channel");
    return -1;
  }
  return fd;
}

int check_plugins(int count, char** files) {
  const int fd = private_stdout();
  if (fd < 0) return 2;
  std::vector<std::unique_ptr<benchlab::LoadedPlugin>> loaded;  // never unloaded
  for (int i = 0; i < count; ++i) {
    try {
      loaded.push_back(benchlab::LoadedPlugin::load(files[i]));
    } catch (const std::exception&) {
      // A refusal or a bad descriptor: discovery finds the same and says why.
    }
    if (write(fd, ".", 1) != 1) _exit(3);
  }
  _exit(0);  // no plugin destructors
}

}  // namespace

int main(int argc, char** argv) {
  using namespace benchlab;
  if (argc >= 2 && std::strcmp(argv[1], "--check-plugins") == 0) {
    // Dies with discovery: a plugin whose constructor hangs must not outlive benchlab.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    return check_plugins(argc - 2, argv + 2);
  }
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
