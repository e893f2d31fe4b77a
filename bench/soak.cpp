// SPDX-License-Identifier: MIT
// bench/soak: many trials of a no-op workload in one benchlab process, to show that the
// harness does not grow: its RSS and open file descriptors at the start and the end, and
// the sustained trial rate.
//
//   soak [--trials N]      (default 10000)
#include <benchlab/benchlab.h>
#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bench_context.h"

namespace {

long rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string key;
  long value = 0;
  while (f >> key) {
    if (key == "VmRSS:") {
      f >> value;
      return value;
    }
    f.ignore(1 << 20, '\n');
  }
  return -1;
}

int open_fds() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++n;
    closedir(d);
    n -= 3;  // ".", ".." and the directory's own descriptor
  }
  return n;
}

struct Probe {
  long rss_start = 0, rss_mid = 0;
  int fds_start = 0;
  unsigned done = 0, total = 0;
};

}  // namespace

int main(int argc, char** argv) {
  unsigned trials = 10000;
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--trials") trials = static_cast<unsigned>(std::atoi(argv[i + 1]));
  bench::TempStore tmp("soak");
  benchlab_ctx* ctx = bench::open_context(tmp.file("soak.db"));
  Probe p;
  p.total = trials;
  benchlab_run_request req = bench::noop_request(trials);
  req.user = &p;
  req.on_event = [](void* user, const benchlab_event* ev) {
    auto* q = static_cast<Probe*>(user);
    if (ev->type != BENCHLAB_EV_TRIAL_END) return;
    ++q->done;
    // Measured after the first trials, once SQLite's page cache and the loader are warm.
    if (q->done == 100) {
      q->rss_start = rss_kib();
      q->fds_start = open_fds();
    }
    if (q->done % 1000 == 0) std::fprintf(stderr, "  %u/%u trials\n", q->done, q->total);
  };
  auto t0 = std::chrono::steady_clock::now();
  int64_t run_id = 0;
  int32_t rc = benchlab_run(ctx, &req, &run_id);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  long rss_end = rss_kib();
  int fds_end = open_fds();
  benchlab_close(ctx);
  if (rc != BENCHLAB_OK) {
    std::fprintf(stderr, "benchlab_run: %s\n", benchlab_errmsg());
    return 1;
  }
  std::printf("soak: %u trials of a no-op workload in one process, %.1f s\n", trials, s);
  std::printf("  RSS after 100 trials  %8.1f MiB\n", p.rss_start / 1024.0);
  std::printf("  RSS at the end        %8.1f MiB  (growth %.2f MiB; target < 5 MiB)\n",
              rss_end / 1024.0, (rss_end - p.rss_start) / 1024.0);
  std::printf("  open fds after 100    %8d\n", p.fds_start);
  std::printf("  open fds at the end   %8d  (target: equal)\n", fds_end);
  std::printf("  trials per second     %8.1f\n", trials / s);
  return 0;
}
