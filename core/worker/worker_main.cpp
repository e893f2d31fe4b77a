// benchlab-worker: runs one phase (setup, one trial, or teardown) of one workload plugin
// and reports to the core over its stdout, then exits. Started by the core only:
//
//   benchlab-worker --plugin FILE --phase setup|run|teardown [--trial N]
//                   --scratch DIR --cache DIR [--data DIR] [--option KEY=VALUE]...
//
// The plugin's own writes to stdout are redirected to stderr before it is loaded, so
// only frames travel on the channel. Exit status 0 means a `done` frame was sent.
//
//   benchlab-worker --describe FILE...
//
// loads each plugin file and writes its descriptor or its refusal for discovery, which
// never loads a plugin itself (plugin_check.h).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "phase_reaper.h"
#include "plugin_check.h"
#include "plugin_loader.h"
#include "subprocess.h"
#include "worker_host.h"
#include "worker_protocol.h"

namespace {

std::atomic<bool> g_cancel{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_term(int) { g_cancel.store(true); }

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "benchlab-worker: %s\n"
               "usage: benchlab-worker --plugin FILE --phase setup|run|teardown [--trial N]\n"
               "         --scratch DIR --cache DIR [--data DIR] [--option KEY=VALUE]...\n"
               "       benchlab-worker --describe FILE...\n"
               "This program is started by benchlab; it is not meant to be run by hand.\n",
               why.c_str());
  std::exit(2);
}

const char* status_name(int32_t s) {
  switch (s) {
    case BL_OK: return "BL_OK";
    case BL_ERROR: return "BL_ERROR";
    case BL_CANNOT_RUN: return "BL_CANNOT_RUN";
    case BL_CANCELLED: return "BL_CANCELLED";
    case BL_INVALID_ARGUMENT: return "BL_INVALID_ARGUMENT";
    case BL_UNSUPPORTED: return "BL_UNSUPPORTED";
    case BL_NO_MEMORY: return "BL_NO_MEMORY";
    case BL_TIMEOUT: return "BL_TIMEOUT";
    default: return "an unknown status";
  }
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

}  // namespace

int main(int argc, char** argv) {
  using namespace benchlab;
  if (argc >= 2 && std::strcmp(argv[1], "--describe") == 0)
    worker::describe_plugin_files(argc - 2, argv + 2);
  std::string plugin_path, phase_name;
  WorkerPhase phase;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--plugin") plugin_path = value();
    else if (a == "--phase") phase_name = value();
    else if (a == "--trial") phase.trial = static_cast<uint32_t>(std::stoul(value()));
    else if (a == "--scratch") phase.scratch_dir = value();
    else if (a == "--cache") phase.cache_dir = value();
    else if (a == "--data") phase.data_dir = value();
    else if (a == "--option") {
      std::string kv = value();
      auto eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) usage("--option needs KEY=VALUE, got '" + kv + "'");
      phase.options.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    } else usage("unknown argument '" + a + "'");
  }
  if (plugin_path.empty() || phase.scratch_dir.empty() || phase.cache_dir.empty())
    usage("--plugin, --scratch and --cache are required");
  if (phase_name == "setup") phase.phase = BL_PHASE_SETUP;
  else if (phase_name == "run") phase.phase = BL_PHASE_RUN;
  else if (phase_name == "teardown") phase.phase = BL_PHASE_TEARDOWN;
  else usage("--phase must be setup, run or teardown");

  struct sigaction sa{};
  sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // From here on this is the phase's process; the first one stays behind as its reaper,
  // so that nothing the plugin starts outlives the phase (phase_reaper.h).
  worker::become_phase_reaper();

  // Keep the frame channel for ourselves; the plugin's stdout goes to stderr.
  const int fd = private_stdout();
  if (fd < 0) return 2;
  if (chdir(phase.scratch_dir.c_str()) != 0) {
    std::fprintf(stderr, "benchlab-worker: cannot enter scratch directory %s: %s\n",
                 phase.scratch_dir.c_str(), std::strerror(errno));
    return 2;
  }

  std::unique_ptr<LoadedPlugin> plugin;
  try {
    plugin = LoadedPlugin::load(plugin_path);
  } catch (const std::exception& e) {
    std::string frame = protocol::encode(protocol::Done{BL_ERROR, e.what()});
    (void)!write(fd, frame.data(), frame.size());
    _exit(0);
  }
  const PluginInfo& info = plugin->info();
  WorkerHost host(fd, info, phase, g_cancel);
  host.send(protocol::Hello{info.abi_major, info.abi_minor, info.id, info.version});
  if (info.kind != BL_KIND_WORKLOAD) {
    host.send(protocol::Done{BL_ERROR, "not a workload plugin"});
    _exit(0);
  }

  bl_workload w{};
  const bl_workload* src = plugin->descriptor().workload;
  std::memcpy(&w, src, std::min<std::size_t>(src->struct_size, sizeof w));

  // Names the call, so that every failure reads "run() returned BL_ERROR: why".
  std::string call;
  auto finish = [&](int32_t st) {
    std::string why = host.error();
    std::string msg;
    if (st != BL_OK) msg = call + " returned " + status_name(st) + (why.empty() ? "" : ": " + why);
    if (st == BL_CANNOT_RUN) msg = why.empty() ? call + " said it cannot run here" : why;
    host.send(protocol::Done{st, msg});
    _exit(0);  // no plugin destructors or leftover plugin threads run after this point
  };

  void* inst = nullptr;
  call = "create()";
  int32_t st = w.create(host.table(), &inst);
  if (st != BL_OK) finish(st);  // a NULL instance with BL_OK is fine: a stateless plugin
  switch (phase.phase) {
    case BL_PHASE_SETUP:
      call = "setup()";
      st = w.setup ? w.setup(inst) : BL_OK;
      break;
    case BL_PHASE_RUN: {
      call = "run()";
      std::uint64_t begin = monotonic_ns();
      st = w.run(inst);
      std::uint64_t end = monotonic_ns();
      host.send(protocol::Window{begin, end});
      if (st == BL_OK && w.parse) {
        call = "parse()";
        st = w.parse(inst, host.output().data(), host.output().size());
      }
      break;
    }
    case BL_PHASE_TEARDOWN:
      call = "teardown()";
      st = w.teardown ? w.teardown(inst) : BL_OK;
      break;
  }
  if (w.destroy) w.destroy(inst);
  finish(st);
}
