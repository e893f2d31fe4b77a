// SPDX-License-Identifier: MIT
// BackgroundReader (plugins/common): what a probe's sample() gets from a source read on a
// thread of its own: the first values at once, newer ones as the thread reads, NaN once a
// read hangs past the staleness bound.
#include <atomic>
#include <benchlab_common/background_reader.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

using benchlab::common::BackgroundReader;
using namespace std::chrono_literals;

TEST_CASE("background reader: first values at once, placed at their positions, then fresh ones",
          "[probes][background]") {
  std::atomic<int> reads{0};
  const double first[] = {1.5, 2.5};
  BackgroundReader reader(
      {2, 0},
      [&](double* v) {
        const int n = ++reads;
        v[0] = 10.0 * n;
        v[1] = 20.0 * n;
      },
      // The first read comes a period after the start: 250 ms, so that "at once" holds
      // on a loaded machine too (at 10 ms a descheduled test thread saw the first read).
      first, 250ms, 60s);
  double values[3] = {-1, -1, -1};
  reader.latest(values);
  CHECK(values[2] == 1.5);
  CHECK(values[0] == 2.5);
  CHECK(values[1] == -1);  // not one of its positions: left alone
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (reads < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  REQUIRE(reads >= 2);
  reader.latest(values);
  CHECK(values[2] >= 10.0);
  CHECK(values[0] == 2 * values[2]);
}

TEST_CASE("background reader: a read that hangs makes its values NaN after the bound",
          "[probes][background]") {
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<bool> hanging{false};
  const double first[] = {7.0};
  {
    BackgroundReader reader(
        {0},
        [&](double* v) {
          hanging = true;
          std::unique_lock lock(m);
          cv.wait(lock, [&] { return release; });
          v[0] = 8.0;
        },
        first, 1ms, 50ms);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!hanging && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(1ms);
    REQUIRE(hanging);
    std::this_thread::sleep_for(200ms);
    double value = 0;
    reader.latest(&value);
    CHECK(std::isnan(value));
    {
      std::lock_guard lock(m);
      release = true;
    }
    cv.notify_all();
  }  // the destructor waits for the read in progress, then stops the thread
}
