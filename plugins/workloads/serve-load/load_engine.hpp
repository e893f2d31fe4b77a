// SPDX-License-Identifier: MIT
// The load generator: sends a LoadSpec's requests over HTTP/1.1 keep-alive connections
// (Boost.Asio/Beast, one io_context on a few threads), reads each streamed response as it
// arrives and timestamps every read right where it completes, on the io thread, before
// anything else is done with the bytes. Nothing is logged or stored while the load runs:
// each request writes its own RequestRecord, read after the load has ended.
//
// Users: in the open loop (rate > 0) each user's requests leave at the times of its
// arrival schedule whether or not its earlier ones are still running, so a user keeps a
// pool of keep-alive connections and opens another when all of its connections are busy.
// In the closed loop (rate 0) a user sends its next request when the previous one ends.
#ifndef SERVE_LOAD_LOAD_ENGINE_HPP
#define SERVE_LOAD_LOAD_ENGINE_HPP

#include <cstdint>
#include <functional>
#include <vector>

#include "serve-load/load_spec.hpp"
#include "serve-load/request_record.hpp"

namespace serve_load {

struct LoadMonitor {
  // Polled on the calling thread about every 100 ms; true stops the load (the requests
  // still running are recorded as cancelled). May be empty.
  std::function<bool()> cancelled;
  // Called on the calling thread about every 100 ms and at the end. May be empty.
  std::function<void(std::uint32_t done, std::uint32_t total)> progress;
};

struct LoadResult {
  // One per request, user-major: requests[user * prompts_per_user + i].
  std::vector<RequestRecord> requests;
  bool cancelled = false;
  // The server answered 400 to a request with stream_options and 200 to it without: the
  // rest of the trial went without include_usage (token counts from the chunks).
  bool usage_rejected = false;
  std::uint64_t connections_opened = 0;
};

// Runs the load to its end (every request finished, failed or timed out) or until the
// monitor cancels it. Throws std::invalid_argument on a spec it cannot run (no prompts,
// no users).
LoadResult run_load(const LoadSpec& spec, const LoadMonitor& monitor = {});

// CLOCK_MONOTONIC in nanoseconds, the clock of every RequestRecord (and of host->now_ns).
std::uint64_t monotonic_ns();

}  // namespace serve_load

#endif
