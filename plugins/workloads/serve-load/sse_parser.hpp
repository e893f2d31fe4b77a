// SPDX-License-Identifier: MIT
// Incremental parser of a text/event-stream body, the framing OpenAI-compatible servers
// (llama-server, vLLM, SGLang, Ollama) use for `stream: true`. Pure code: no I/O, no
// clock, no allocation beyond the current line and event, so it can be fuzzed.
//
// Rules (WHATWG "event stream interpretation", the subset these servers use):
//  - a line ends in LF, CRLF or a lone CR, and a CR at the end of one feed() followed by
//    LF at the start of the next is one line end;
//  - "data:" lines (one space after the colon dropped) append to the event's data, joined
//    by "\n"; a blank line ends the event and, if it had any data line, emits it;
//  - comment lines (":" first) and the fields event, id and retry are skipped; a line
//    without a colon is a field name with an empty value (skipped unless it is "data");
//  - a line longer than max_line_bytes, or an event whose data passes max_event_bytes, is
//    an error: the parser stops there (a server that sends an endless line must not make
//    the client buffer without bound).
#ifndef SERVE_LOAD_SSE_PARSER_HPP
#define SERVE_LOAD_SSE_PARSER_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace serve_load {

class SseParser {
 public:
  enum class Status { ok, line_too_long, event_too_large };

  explicit SseParser(std::size_t max_line_bytes = 1u << 20, std::size_t max_event_bytes = 4u << 20);

  // Feeds the next bytes of the body; appends the data of every event completed by them
  // to `events` (in order). Once an error is returned, every later call returns it too
  // and emits nothing.
  Status feed(std::string_view bytes, std::vector<std::string>& events);

  // The body ended: true when nothing was pending (no partial line, no event without its
  // blank line). An unterminated last event is not emitted (as the standard says).
  bool at_event_boundary() const;

  Status status() const { return status_; }
  std::size_t max_line_bytes() const { return max_line_; }
  std::size_t max_event_bytes() const { return max_event_; }
  // Bytes held for the incomplete line and event: at most max_line_bytes() plus
  // max_event_bytes(), whatever the server sends.
  std::size_t buffered_bytes() const { return line_.size() + data_.size(); }

 private:
  void take_line(std::string_view line, std::vector<std::string>& events);

  // Implementation state (the current line, the current event's data, a pending CR).
  std::size_t max_line_;
  std::size_t max_event_;
  Status status_ = Status::ok;
  std::string line_;
  std::string data_;
  bool has_data_ = false;
  bool last_was_cr_ = false;
};

// "line longer than 1048576 bytes" etc.: the failure reason a request records.
std::string describe(SseParser::Status status, const SseParser& parser);

}  // namespace serve_load

#endif
