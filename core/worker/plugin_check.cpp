// SPDX-License-Identifier: MIT
#include "plugin_check.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "file_sha256.h"
#include "plugin_loader.h"
#include "plugin_record.h"
#include "subprocess.h"

namespace benchlab::worker {

namespace {}  // namespace

void describe_plugin_files(int count, char** files) {
  // The records go to a private copy of stdout; fd 1 becomes stderr, so that what a
  // constructor prints cannot pass for a record.
  const int fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    std::perror("benchlab-worker: cannot set up the report channel");
    _exit(2);
  }
  std::vector<std::unique_ptr<LoadedPlugin>> loaded;  // never unloaded: no destructors run
  for (int i = 0; i < count; ++i) {
    PluginRecord r;
    r.file = files[i];
    try {
      const std::string sha256 = file_sha256(files[i]);  // before any of its code runs
      loaded.push_back(LoadedPlugin::load(files[i]));
      r.plugin = loaded.back()->info();
      r.plugin->sha256 = sha256;
    } catch (const std::exception& e) {
      r.refused = e.what();
    }
    if (!write_all(fd, encode_plugin_record(r) + "\n")) _exit(3);
  }
  _exit(0);
}

}  // namespace benchlab::worker
