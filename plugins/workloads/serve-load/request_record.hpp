// SPDX-License-Identifier: MIT
// What the load generator measured of one request. Written only by the io thread that
// runs the request and read only after the load has ended, so it holds plain values.
#ifndef SERVE_LOAD_REQUEST_RECORD_HPP
#define SERVE_LOAD_REQUEST_RECORD_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace serve_load {

// Why a request failed; none for a success.
enum class Failure {
  none,
  refused,          // connect: connection refused
  unreachable,      // name resolution or connect failed otherwise
  timeout,          // the request (connect to end of stream) passed `timeout`
  reset,            // the connection was reset or closed before the response ended
  http_status,      // a status other than 200: the reason is http_NNN
  malformed_event,  // the stream broke the SSE or OpenAI chunk format, or not JSON
  server_error,     // the stream carried an error event
  no_done,          // the stream ended without data: [DONE]
  no_content,       // the stream ended properly with no content at all
  cancelled,        // the trial was cancelled while it ran
};

struct RequestRecord {
  std::uint32_t user = 0;
  bool finished = false;
  Failure failure = Failure::none;
  int http_status = 0;  // the response's status, when one was read
  std::string detail;   // what failed: the error, or the first bytes of an error body
  // CLOCK_MONOTONIC nanoseconds, 0 when not reached.
  std::uint64_t start_ns = 0;             // the send began (connect or write)
  std::uint64_t written_ns = 0;           // the request was fully written
  std::uint64_t first_content_ns = 0;     // the read that brought the first content
  std::uint64_t end_ns = 0;               // [DONE], end of the response, or the failure
  std::vector<std::uint64_t> content_ns;  // each content chunk's read time (for ITL)
  std::uint64_t content_chunks = 0;       // chunks with non-empty content
  std::uint64_t usage_completion_tokens = 0;
  bool usage_seen = false;
  bool retried_without_usage = false;  // the server refused stream_options with 400

  bool ok() const { return finished && failure == Failure::none; }
  // usage.completion_tokens when the server sent it, else the number of content chunks.
  std::uint64_t output_tokens() const {
    return usage_seen ? usage_completion_tokens : content_chunks;
  }
};

// The name of a failure as its metric shows it: "refused", "http_500", "timeout"...
std::string failure_name(const RequestRecord& record);

}  // namespace serve_load

#endif
