/* SPDX-License-Identifier: MIT */
// The worker's end of the frame channel to the core: its stdout, moved to a private
// descriptor before any plugin is loaded, so that what a plugin prints (fd 1 then points
// at stderr) cannot mix with the frames.
#pragma once

#include <mutex>

#include "worker_protocol.h"

namespace benchlab::worker {

// Points fd 1 at stderr and returns a private, close-on-exec copy of the old stdout.
// -1 on failure (said on stderr).
int private_stdout();

// Frames to the core from any thread, each written whole. A core that is gone ends this
// process (_exit(3)), after a line on stderr.
class FrameChannel {
 public:
  explicit FrameChannel(int fd) : fd_(fd) {}
  FrameChannel(const FrameChannel&) = delete;
  FrameChannel& operator=(const FrameChannel&) = delete;

  void send(const protocol::Message& m);

 private:
  const int fd_;
  std::mutex mu_;
};

}  // namespace benchlab::worker
