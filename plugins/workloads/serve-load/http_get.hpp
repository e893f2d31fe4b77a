// SPDX-License-Identifier: MIT
// One blocking HTTP GET with a deadline, for what comes before and around the load: the
// model list (/v1/models) and the server's readiness (/health). Not used by the load itself.
#ifndef SERVE_LOAD_HTTP_GET_HPP
#define SERVE_LOAD_HTTP_GET_HPP

#include <chrono>
#include <string>
#include <string_view>

#include "serve-load/server_url.hpp"

namespace serve_load {

struct HttpAnswer {
  int status = 0;     // 0 when no response was read
  std::string body;   // at most 1 MiB
  std::string error;  // why no response was read ("connect: Connection refused", "timed out")
};

// GET base + path; `api_key` (may be empty) is sent as a Bearer token. Never throws for
// network trouble: the answer says what happened.
HttpAnswer http_get(const ServerUrl& server, std::string_view path,
                    std::chrono::milliseconds timeout, const std::string& api_key);

// The first model id of GET /v1/models ({"data": [{"id": ...}, ...]}); throws
// std::runtime_error saying what the server answered when there is none.
std::string first_model_id(const ServerUrl& server, std::chrono::milliseconds timeout,
                           const std::string& api_key);

}  // namespace serve_load

#endif
