/* SPDX-License-Identifier: MIT */
// The sampler worker: benchlab-worker --probe, one process per probe per run, so that a
// probe that crashes, hangs or leaks is reported and never takes a run down.
//
//   benchlab-worker --probe FILE [--sysroot DIR] [--interval-ms N] [--option KEY=VALUE]...
//                   [--hang-ms M] [--once]
//
// It loads the probe, sends `hello`, calls open() with a bl_host of phase BL_PHASE_PROBE
// (probe_host.h) and sends `probe_open`: the status and reason, the channels and the
// devices (benchlab/ext/probe_devices.h). A probe that is unavailable ends the worker
// there, with status 0. With --once it then takes one sample, sends it, closes the probe
// and exits: what `benchlab list probes -v` and the GPU inventory need.
//
// Otherwise a sampler thread calls sample() every interval; a row's time is the midpoint
// of CLOCK_MONOTONIC before and after the call. A tick that comes while sample() still
// runs is skipped and counted, never queued. The main thread sends the rows in `samples`
// frames (at most 256 rows a frame, none older than 250 ms, an empty one every 500 ms as
// a heartbeat), each with the count of skipped ticks so far and the worker's own CPU
// time; reads the core's commands (`sample_now`: one sample as soon as sample() is free;
// `stop`, or EOF: close the probe and exit 0); and watches sample(): one that has not
// returned after --hang-ms (default max(5000, 20 x interval)) ends the worker with a
// `probe_error` frame. The worker dies with the thread that started it (PR_SET_PDEATHSIG),
// and the probe's own writes to stdout go to stderr.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace benchlab::worker {

inline constexpr std::uint32_t kMinIntervalMs = 10;

struct ProbeWorkerOptions {
  std::string probe_path;
  std::string sysroot = "/";
  std::uint32_t interval_ms = 100;                  // at least kMinIntervalMs
  std::uint64_t hang_ms = 0;                        // 0: max(5000, 20 x interval)
  std::multimap<std::string, std::string> options;  // as the operator set them
  bool once = false;
};

// Serves one probe until stopped; never returns (the process _exits, so that no plugin
// destructor or thread runs past close()).
[[noreturn]] void serve_probe(const ProbeWorkerOptions& options);

}  // namespace benchlab::worker
