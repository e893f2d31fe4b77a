// SPDX-License-Identifier: MIT
#include "phase_process.h"

#include <unistd.h>

#include <string>

#include "plugin_status.h"
#include "subprocess.h"

namespace benchlab::worker {
namespace {}  // namespace

void run_phase_process(const PluginInfo& plugin, const bl_workload& w, int frame_fd,
                       const WorkerPhase& phase, const std::atomic<bool>& cancel) {
  WorkerHost host(frame_fd, plugin, phase, cancel);

  // Names the call, so that every failure reads "run() returned BL_ERROR: why".
  std::string call;
  auto finish = [&](int32_t st) {
    const std::string why = host.error();
    std::string msg;
    if (st != BL_OK) msg = returned(call, st, why);
    if (st == BL_CANNOT_RUN) msg = why.empty() ? call + " said it cannot run here" : why;
    // A failed report_metric() fails the phase even when the plugin went on regardless.
    if (const std::string failed = host.metric_failure(); !failed.empty() && st != BL_CANNOT_RUN) {
      msg = st == BL_OK ? failed : failed + "; then " + msg;
      if (st == BL_OK) st = BL_ERROR;
    }
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
      host.set_in_run(true);
      const std::uint64_t begin = monotonic_ns();
      st = w.run(inst);
      const std::uint64_t end = monotonic_ns();
      host.set_in_run(false);
      host.hold(protocol::Window{begin, end});
      // Sent before parsing, so that a crash in it is named parse(), not run().
      if (st == BL_OK && (w.parse_streams || w.parse)) host.flush();
      if (st == BL_OK && w.parse_streams) {
        call = "parse_streams()";
        st = w.parse_streams(inst, host.output().data(), host.output().size(),
                             host.error_output().data(), host.error_output().size());
      } else if (st == BL_OK && w.parse) {
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
  __builtin_unreachable();  // finish() _exits
}

}  // namespace benchlab::worker
