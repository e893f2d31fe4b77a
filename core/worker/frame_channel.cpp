// SPDX-License-Identifier: MIT
#include "frame_channel.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "subprocess.h"

namespace benchlab::worker {

int private_stdout() {
  const int fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    std::perror("benchlab-worker: cannot set up the frame channel");
    return -1;
  }
  return fd;
}

void FrameChannel::send(const protocol::Message& m) {
  const std::string frame = protocol::encode(m);
  std::lock_guard lock(mu_);
  if (!write_all(fd_, frame)) {
    std::fprintf(stderr, "benchlab-worker: cannot write to the frame channel (fd %d): %s\n", fd_,
                 std::strerror(errno));
    _exit(3);
  }
}

}  // namespace benchlab::worker
