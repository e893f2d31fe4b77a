// SPDX-License-Identifier: MIT
#include "parallel_render.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace raytrace {

RenderStatus render_parallel(const Tracer& tracer, unsigned threads, Image& image,
                             const RenderMonitor& monitor) {
  if (image.width != tracer.width() || image.height != tracer.height()) {
    throw std::invalid_argument("render_parallel: image size does not match the tracer");
  }
  if (threads == 0) threads = 1;
  const int rows = image.height;

  std::atomic<int> next_row{0};
  std::atomic<int> rows_done{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable finished_cv;
  unsigned finished = 0;
  std::exception_ptr failure;

  auto worker = [&] {
    try {
      while (!stop.load(std::memory_order_relaxed)) {
        const int y = next_row.fetch_add(1, std::memory_order_relaxed);
        if (y >= rows) break;
        tracer.render_row(y, image.row(y));
        rows_done.fetch_add(1, std::memory_order_relaxed);
      }
    } catch (...) {
      // Nothing may escape a thread; hand the failure to the caller instead.
      const std::lock_guard lock(mutex);
      if (!failure) failure = std::current_exception();
      stop = true;
    }
    const std::lock_guard lock(mutex);
    ++finished;
    finished_cv.notify_one();
  };

  {
    std::vector<std::jthread> pool;  // joins on scope exit, also when a start fails
    pool.reserve(threads);
    try {
      for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);
    } catch (...) {
      stop = true;
      throw;
    }

    // Woken by the last worker at once, so the render's wall time carries no polling delay.
    std::unique_lock lock(mutex);
    try {
      while (!finished_cv.wait_for(lock, std::chrono::milliseconds(50),
                                   [&] { return finished == threads; })) {
        lock.unlock();
        if (!stop && monitor.cancelled && monitor.cancelled()) stop = true;
        if (monitor.progress) monitor.progress(static_cast<double>(rows_done.load()) / rows);
        lock.lock();
      }
    } catch (...) {
      stop = true;  // let the pool's join return soon
      throw;
    }
  }

  if (failure) std::rethrow_exception(failure);
  return rows_done.load() == rows ? RenderStatus::complete : RenderStatus::cancelled;
}

}  // namespace raytrace
