// The worker's first process, which stays behind as the reaper of the phase.
//
// The core kills a phase's process group when the phase ends, which catches everything a
// plugin started, unless something left the group: a daemon that called setsid(), or a
// program that put itself in a group of its own. The reaper closes that gap. It becomes a
// child subreaper (PR_SET_CHILD_SUBREAPER), so every orphaned descendant of the plugin is
// re-parented to it rather than to init, forks the process that runs the plugin, and when
// that process ends, however it ends (a return, exit(), a crash, the OOM killer), SIGKILLs
// every descendant still alive before it exits itself with the same status.
#pragma once

namespace benchlab::worker {

// Forks. Returns in the child, which runs the phase; in the parent it reaps until the child
// has ended, ends every other descendant, and exits as the child did (the same exit code,
// or the same signal). When benchlab itself dies, the reaper ends the group and every
// descendant. If the fork fails, returns in the only process with a warning on stderr:
// the phase runs without a reaper.
void become_phase_reaper();

}  // namespace benchlab::worker
