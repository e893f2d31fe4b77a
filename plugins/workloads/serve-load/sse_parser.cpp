// SPDX-License-Identifier: MIT
// The text/event-stream parser of sse_parser.hpp.
#include "sse_parser.hpp"

#include <string>

namespace serve_load {

SseParser::SseParser(std::size_t max_line_bytes, std::size_t max_event_bytes)
    : max_line_(max_line_bytes), max_event_(max_event_bytes) {}

SseParser::Status SseParser::feed(std::string_view bytes, std::vector<std::string>& events) {
  std::size_t pos = 0;
  while (status_ == Status::ok && pos < bytes.size()) {
    // The LF of a CRLF split across two feeds (or within one) belongs to the line end
    // already taken at the CR.
    if (last_was_cr_) {
      last_was_cr_ = false;
      if (bytes[pos] == '\n') {
        ++pos;
        continue;
      }
    }
    const std::size_t end = bytes.find_first_of("\r\n", pos);
    const std::size_t stop = end == std::string_view::npos ? bytes.size() : end;
    const std::string_view piece = bytes.substr(pos, stop - pos);
    if (line_.size() + piece.size() > max_line_) {
      // Not buffered: the bound must hold before the line ends, since it may never end.
      status_ = Status::line_too_long;
      line_.clear();
      data_.clear();
      break;
    }
    if (end == std::string_view::npos) {
      line_.append(piece);
      break;
    }
    // Most lines arrive whole in one feed: parse them in place, without a copy.
    if (line_.empty()) {
      take_line(piece, events);
    } else {
      line_.append(piece);
      take_line(line_, events);
      line_.clear();
    }
    last_was_cr_ = bytes[end] == '\r';
    pos = end + 1;
  }
  return status_;
}

void SseParser::take_line(std::string_view line, std::vector<std::string>& events) {
  if (line.empty()) {
    if (has_data_) events.push_back(std::move(data_));
    data_.clear();
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;  // comment: keep-alive pings and the like
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  if (field != "data") return;  // event, id, retry and unknown fields change nothing here
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  const std::size_t separator = has_data_ ? 1 : 0;
  if (data_.size() + separator + value.size() > max_event_) {
    status_ = Status::event_too_large;
    data_.clear();
    has_data_ = false;
    return;
  }
  if (has_data_) data_ += '\n';
  data_.append(value);
  has_data_ = true;
}

bool SseParser::at_event_boundary() const {
  return status_ == Status::ok && line_.empty() && !has_data_;
}

std::string describe(SseParser::Status status, const SseParser& parser) {
  switch (status) {
    case SseParser::Status::ok:
      return "no SSE error";
    case SseParser::Status::line_too_long:
      return "SSE line longer than " + std::to_string(parser.max_line_bytes()) + " bytes";
    case SseParser::Status::event_too_large:
      return "SSE event larger than " + std::to_string(parser.max_event_bytes()) + " bytes";
  }
  return "unknown SSE parser status";
}

}  // namespace serve_load
