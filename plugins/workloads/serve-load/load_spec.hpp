// SPDX-License-Identifier: MIT
// What one trial of load is: the target, the requests and their timing. Filled from the
// plugin's options by the glue, or directly by tests and the benchmark.
#ifndef SERVE_LOAD_LOAD_SPEC_HPP
#define SERVE_LOAD_LOAD_SPEC_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "serve-load/arrival_schedule.hpp"
#include "serve-load/prompt_set.hpp"
#include "serve-load/server_url.hpp"
#include "serve-load/stream_chunk.hpp"

namespace serve_load {

struct LoadSpec {
  ServerUrl server;
  Endpoint endpoint = Endpoint::completions;
  std::string model;  // must be set: the glue asks /v1/models when empty
  std::uint32_t users = 1;
  std::uint32_t prompts_per_user = 20;
  double rate = 0;  // requests/s per user; 0: closed loop
  Arrival arrival = Arrival::poisson;
  std::uint32_t max_tokens = 256;
  bool ignore_eos = false;
  bool stream = true;
  bool include_usage = true;    // ask for stream_options.include_usage
  std::vector<Prompt> prompts;  // not empty
  std::uint64_t seed = 0;
  std::string api_key;     // empty: no Authorization header
  double timeout_s = 120;  // per request, connect to end of stream
  unsigned io_threads = 1;

  std::uint32_t total_requests() const { return users * prompts_per_user; }
};

// The request path of the endpoint: "/v1/completions" or "/v1/chat/completions".
const char* endpoint_path(Endpoint endpoint);

// The JSON body of one request for `prompt` (a chat prompt on the completions endpoint
// sends its messages' contents joined by blank lines; a text prompt on the chat endpoint
// is one user message).
std::string request_body(const LoadSpec& spec, const Prompt& prompt, bool include_usage);

}  // namespace serve_load

#endif
