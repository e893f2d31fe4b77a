// SPDX-License-Identifier: MIT
#include <algorithm>
#include <benchlab_common/background_reader.hpp>
#include <cmath>
#include <utility>

namespace benchlab::common {

BackgroundReader::BackgroundReader(std::vector<std::size_t> positions, Read read,
                                   const double* first, std::chrono::nanoseconds period,
                                   std::chrono::nanoseconds stale_after)
    : positions_(std::move(positions)),
      read_(std::move(read)),
      period_(period),
      stale_after_(stale_after),
      values_(first, first + positions_.size()),
      read_at_(std::chrono::steady_clock::now()),
      thread_([this] { run(); }) {}

BackgroundReader::~BackgroundReader() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void BackgroundReader::latest(double* values) const noexcept {
  std::lock_guard lock(mutex_);
  const bool stale = std::chrono::steady_clock::now() - read_at_ > stale_after_;
  for (std::size_t i = 0; i < positions_.size(); ++i)
    values[positions_[i]] = stale ? std::nan("") : values_[i];
}

void BackgroundReader::run() {
  std::vector<double> fresh(positions_.size());
  std::unique_lock lock(mutex_);
  for (;;) {
    if (wake_.wait_for(lock, period_, [this] { return stop_; })) return;
    lock.unlock();
    read_(fresh.data());
    const auto now = std::chrono::steady_clock::now();
    lock.lock();
    values_.swap(fresh);
    read_at_ = now;
  }
}

std::chrono::nanoseconds background_period(std::chrono::nanoseconds read_time) {
  return std::max<std::chrono::nanoseconds>(std::chrono::milliseconds(100), 20 * read_time);
}

std::chrono::nanoseconds background_stale_after(std::chrono::nanoseconds period) {
  return 3 * period + std::chrono::seconds(1);
}

}  // namespace benchlab::common
