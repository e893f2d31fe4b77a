// SPDX-License-Identifier: MIT
#include "parallel_render.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ao_render.hpp"

namespace aobench {

std::optional<Image> render_parallel(int size, unsigned threads, const RenderObserver& observer) {
  Image image{size, std::vector<std::uint8_t>(static_cast<std::size_t>(size) * size)};
  threads = std::clamp(threads, 1u, static_cast<unsigned>(std::max(size, 1)));

  std::atomic<int> next_row{0};
  std::atomic<int> rows_done{0};
  std::mutex mutex;
  std::condition_variable finished;
  unsigned running = threads;

  auto work = [&](std::stop_token stop) {
    for (;;) {
      if (stop.stop_requested()) break;
      const int y = next_row.fetch_add(1, std::memory_order_relaxed);
      if (y >= size) break;
      render_rows(size, y, y + 1, image.pixels.data() + static_cast<std::size_t>(y) * size);
      rows_done.fetch_add(1, std::memory_order_relaxed);
    }
    // The last worker out wakes the caller at once, so the measured time is not rounded
    // up to the next observer tick.
    const std::lock_guard lock(mutex);
    if (--running == 0) finished.notify_all();
  };

  bool stopped = false;
  {
    // jthreads ask to stop and join on every way out, a failed thread start included.
    std::vector<std::jthread> workers;
    workers.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) workers.emplace_back(work);
    std::unique_lock lock(mutex);
    while (running > 0) {
      if (finished.wait_for(lock, std::chrono::milliseconds(100), [&] { return running == 0; }))
        break;
      if (stopped) continue;  // waiting for the workers to finish their rows
      lock.unlock();
      const bool go_on = observer(static_cast<double>(rows_done.load()) / size);
      lock.lock();
      if (!go_on) {
        stopped = true;
        for (auto& worker : workers) worker.request_stop();
      }
    }
  }
  if (stopped) return std::nullopt;
  return image;
}

}  // namespace aobench
