// SPDX-License-Identifier: MIT
// Failure names (see request_record.hpp).
#include "serve-load/request_record.hpp"

namespace serve_load {

std::string failure_name(const RequestRecord& record) {
  switch (record.failure) {
    case Failure::none:
      return "none";
    case Failure::refused:
      return "refused";
    case Failure::unreachable:
      return "unreachable";
    case Failure::timeout:
      return "timeout";
    case Failure::reset:
      return "reset";
    case Failure::http_status:
      return "http_" + std::to_string(record.http_status);
    case Failure::malformed_event:
      return "malformed_event";
    case Failure::server_error:
      return "server_error";
    case Failure::no_done:
      return "no_done";
    case Failure::no_content:
      return "no_content";
    case Failure::cancelled:
      return "cancelled";
  }
  return "unknown";
}

}  // namespace serve_load
