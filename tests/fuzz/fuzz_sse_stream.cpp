// SPDX-License-Identifier: MIT
// Fuzz target: serve-load's stream decoding (plugins/workloads/serve-load/), which reads
// whatever an OpenAI-compatible server sends back: the text/event-stream parser, then
// the chunk decoder on every event. The input is two header bytes and the body: the
// first picks the parser's limits (small ones too, so the limits are reached), the
// second seeds the sizes of the reads the body arrives in, as a socket would cut it.
// Checked: the events, the final status and at_event_boundary() do not depend on the
// cuts; the parser never holds more than its limits; every decoded chunk is consistent.
#include <string>
#include <string_view>
#include <vector>

#include "../../plugins/workloads/serve-load/sse_parser.hpp"
#include "../../plugins/workloads/serve-load/stream_chunk.hpp"
#include "fuzz_check.h"

namespace {

using serve_load::SseParser;
using serve_load::StreamChunk;

struct Parsed {
  std::vector<std::string> events;
  SseParser::Status status = SseParser::Status::ok;
  bool boundary = false;
};

SseParser make_parser(std::uint8_t limits) {
  if (limits % 4 == 0) return SseParser();  // the defaults, as the plugin runs
  return SseParser(1 + limits % 97, 1 + limits % 211);
}

void check_bounds(const SseParser& parser) {
  FUZZ_CHECK(parser.buffered_bytes() <= parser.max_line_bytes() + parser.max_event_bytes());
}

Parsed parse_whole(std::string_view body, std::uint8_t limits) {
  SseParser parser = make_parser(limits);
  Parsed out;
  out.status = parser.feed(body, out.events);
  check_bounds(parser);
  out.boundary = parser.at_event_boundary();
  return out;
}

Parsed parse_chunked(std::string_view body, std::uint8_t limits, std::uint8_t seed) {
  SseParser parser = make_parser(limits);
  Parsed out;
  unsigned state = seed | 1u;
  while (!body.empty()) {
    state = state * 1103515245u + 12345u;
    // Empty reads too: they must change nothing.
    const std::size_t cut = std::min<std::size_t>(body.size(), (state >> 16) % 48);
    const SseParser::Status status = parser.feed(body.substr(0, cut), out.events);
    FUZZ_CHECK(status == parser.status());
    check_bounds(parser);
    body.remove_prefix(cut);
  }
  out.status = parser.status();
  out.boundary = parser.at_event_boundary();
  // An error is sticky: more bytes change neither the status nor the events.
  if (out.status != SseParser::Status::ok) {
    const std::size_t before = out.events.size();
    FUZZ_CHECK(parser.feed("\n\ndata: x\n\n", out.events) == out.status);
    FUZZ_CHECK(out.events.size() == before);
    FUZZ_CHECK(!describe(out.status, parser).empty());
  }
  return out;
}

bool printable(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) return false;
  }
  return true;
}

void check_chunk(std::string_view data, serve_load::Endpoint endpoint) {
  const StreamChunk chunk = serve_load::decode_chunk(data, endpoint);
  switch (chunk.kind) {
    case StreamChunk::Kind::done:
      FUZZ_CHECK(data.find("[DONE]") != std::string_view::npos);
      break;
    case StreamChunk::Kind::error:
      if (chunk.error.starts_with("malformed event: ")) {
        // A reason, then at most 60 bytes of the data: bounded and printable.
        FUZZ_CHECK(chunk.error.size() <= 256);
        FUZZ_CHECK(printable(chunk.error));
      } else {
        FUZZ_CHECK(chunk.error.starts_with("server error: "));
      }
      break;
    case StreamChunk::Kind::data:
      FUZZ_CHECK(chunk.error.empty());
      FUZZ_CHECK(chunk.content_bytes <= data.size());
      FUZZ_CHECK(chunk.content_pieces <= chunk.content_bytes);
      FUZZ_CHECK(chunk.finish_reason.size() <= data.size());
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t limits = data[0];
  const std::uint8_t seed = data[1];
  const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Parsed whole = parse_whole(body, limits);
  const Parsed chunked = parse_chunked(body, limits, seed);
  FUZZ_CHECK(whole.status == chunked.status);
  FUZZ_CHECK(whole.events == chunked.events);
  FUZZ_CHECK(whole.boundary == chunked.boundary);

  const SseParser reference = make_parser(limits);
  for (const std::string& event : whole.events) {
    FUZZ_CHECK(event.size() <= reference.max_event_bytes());
    check_chunk(event, seed % 2 ? serve_load::Endpoint::chat : serve_load::Endpoint::completions);
  }
  return 0;
}
