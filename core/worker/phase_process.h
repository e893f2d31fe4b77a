/* SPDX-License-Identifier: MIT */
// What runs in the process of one phase: a fresh fork of the worker, which loaded the
// plugin once. It creates the plugin instance, makes the phase's call (setup, run and then
// parse or parse_streams, or teardown), reports through WorkerHost, sends `done` and
// exits; nothing of it outlives the phase, so a plugin's memory never does either.
#pragma once

#include <benchlab/plugin.h>

#include <atomic>

#include "plugin_loader.h"
#include "worker_host.h"

namespace benchlab::worker {

// Runs the phase `phase` describes and _exits: 0 once `done` was sent (whatever the
// plugin's status), or as the plugin makes it (a crash, exit()). `workload` is the
// plugin's table read with min(struct_size, sizeof). `cancel` is set by the SIGTERM handler.
[[noreturn]] void run_phase_process(const PluginInfo& plugin, const bl_workload& workload,
                                    int frame_fd, const WorkerPhase& phase,
                                    const std::atomic<bool>& cancel);

}  // namespace benchlab::worker
