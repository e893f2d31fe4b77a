// SPDX-License-Identifier: MIT
#include "plugin_inspection.h"

#include <fmt/format.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "plugin_record.h"
#include "subprocess.h"

namespace benchlab {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// A descriptor is a few KiB; anything near this is not one.
constexpr std::size_t kMaxRecordBytes = 4 << 20;

struct Job {
  std::string out;
  bool overflow = false;
  bool started = false, done = false;
  std::chrono::nanoseconds limit{};  // the time it was given
  ExitInfo exit;
  std::string spawn_error;
};

std::string seconds(std::chrono::nanoseconds d) {
  return fmt::format("{:.0f} s", std::chrono::duration<double>(d).count());
}

// The verdict on one file from what its worker did and wrote.
Inspection verdict(const fs::path& file, const Job& j, const InspectionLimits& limits) {
  Inspection v;
  v.file = file;
  if (!j.started) {
    v.refused = file.string() + ": not checked: the " + seconds(limits.deadline) +
                " for checking plugins ran out before its turn; run again to check it";
    v.lasting = false;
    return v;
  }
  if (!j.spawn_error.empty()) {
    v.refused = file.string() + ": not checked: cannot run the plugin checker: " + j.spawn_error +
                " (set BENCHLAB_WORKER to benchlab-worker)";
    v.lasting = false;
    return v;
  }
  auto refuse = [&](const std::string& how) {
    v.refused = file.string() + ": refused: loading it " + how +
                " (in a constructor or in " BL_ENTRY_SYMBOL "())";
    return v;
  };
  if (j.exit.timed_out) return refuse("hung for " + seconds(j.limit));
  if (j.exit.term_signal) return refuse("crashed: " + signal_description(j.exit.term_signal));
  const auto nl = j.out.find('\n');
  if (j.exit.exit_code != 0 || nl == std::string::npos)  // exit(0) in a constructor: no record
    return refuse(fmt::format("ended its process with exit status {}", j.exit.exit_code));
  if (j.overflow) {
    v.refused = file.string() + ": refused: its description is larger than 4 MiB";
    return v;
  }
  try {
    PluginRecord r = decode_plugin_record(std::string_view(j.out).substr(0, nl));
    if (r.file != file.string()) throw std::runtime_error("it names another file, " + r.file);
    if (r.plugin) {
      v.plugin = std::move(r.plugin);
      v.plugin->path = file;
    } else {
      v.refused = std::move(r.refused);
    }
  } catch (const std::exception& e) {
    v.refused =
        file.string() + ": refused: the description its worker wrote is unusable: " + e.what();
  }
  return v;
}

}  // namespace

std::vector<Inspection> inspect_plugin_files(const fs::path& worker,
                                             const std::vector<fs::path>& files,
                                             const InspectionLimits& limits,
                                             const SlowNotice& notice) {
  const auto t0 = Clock::now();
  const auto end = t0 + limits.deadline;
  std::vector<Job> jobs(files.size());
  std::mutex m;
  std::condition_variable cv;
  std::size_t next = 0, finished = 0;

  auto work = [&] {
    for (;;) {
      std::size_t i;
      std::chrono::nanoseconds left;
      {
        std::lock_guard lock(m);
        if (next >= files.size()) return;
        i = next++;
        left = end - Clock::now();
        jobs[i].started = left.count() > 0;
        jobs[i].limit = left;
      }
      Job& j = jobs[i];
      if (j.started) {
        try {
          SpawnSpec spec;
          spec.argv = {worker.string(), "--describe", files[i].string()};
          spec.new_process_group = true;
          spec.timeout = left;
          spec.kill_grace = std::chrono::milliseconds(100);
          j.exit = run_process(
              spec,
              [&j](std::string_view s) {
                if (j.out.size() + s.size() > kMaxRecordBytes)
                  j.overflow = true;
                else
                  j.out.append(s);
              },
              nullptr);
        } catch (const std::exception& e) {
          j.spawn_error = e.what();
        }
      }
      {
        std::lock_guard lock(m);
        j.done = true;
        ++finished;
      }
      cv.notify_all();
    }
  };

  std::vector<std::thread> threads;
  const std::size_t n = std::min<std::size_t>(files.size(), std::max(1u, limits.max_parallel));
  for (std::size_t t = 0; t < n; ++t) {
    try {
      threads.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // fewer threads, same work
    }
  }
  if (threads.empty()) work();

  {
    std::unique_lock lock(m);
    const auto all_done = [&] { return finished == files.size(); };
    if (!cv.wait_until(lock, t0 + limits.notice_after, all_done)) {
      std::vector<std::string> lines;
      for (std::size_t i = 0; i < files.size(); ++i)
        if (jobs[i].started && !jobs[i].done)
          lines.push_back(
              fmt::format("checking plugins: still waiting for {} ({} so far; refused at {})",
                          files[i].string(), seconds(Clock::now() - t0), seconds(limits.deadline)));
      lock.unlock();
      for (const auto& l : lines) {
        try {
          if (notice) notice(l);
        } catch (...) {
          // The workers still run: a failing notice must not abandon them.
        }
      }
      lock.lock();
    }
    cv.wait(lock, all_done);
  }
  for (auto& t : threads) t.join();

  std::vector<Inspection> out;
  out.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) out.push_back(verdict(files[i], jobs[i], limits));
  return out;
}

}  // namespace benchlab
