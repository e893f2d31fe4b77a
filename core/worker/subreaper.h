/* SPDX-License-Identifier: MIT */
// The worker as the subreaper of its phases (PR_SET_CHILD_SUBREAPER): every process a
// phase leaves behind without a parent, a daemon that called setsid() and left the
// phase's process group included, is re-parented to the worker rather than to init, so
// the worker can still find it among its children and end it when the phase ends. This is
// what holds a phase where no cgroup of its own can be made (phase_containment.h), and it
// reaps what a cgroup's kill leaves as zombies where one can.
#pragma once

#include <sys/types.h>

namespace benchlab::worker {

// Makes this process a child subreaper; false (with errno) when the kernel refuses.
bool become_subreaper();

// SIGKILLs this process's children that are outside process group `group`: those that
// left the phase's group, which a signal to the group does not reach.
void kill_children_outside(pid_t group);

// SIGKILLs and reaps every descendant: each round kills this process's children and reaps
// them, and their own children, re-parented here, are the next round's. Returns when none
// is left, or after 10 s of children that will not die (a process stuck in the kernel),
// with a warning on stderr.
void end_descendants();

}  // namespace benchlab::worker
