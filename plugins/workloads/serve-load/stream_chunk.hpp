// SPDX-License-Identifier: MIT
// One event of an OpenAI-compatible streaming response, decoded. Pure code (Boost.JSON
// parse only), fuzzable.
//
// What counts:
//  - "[DONE]" (the data, whitespace trimmed) ends the stream: Kind::done;
//  - a JSON object with an "error" member (object or string): Kind::error, error =
//    "server error: MESSAGE" (message from error.message, or the string);
//  - data that is not a JSON object: Kind::error, error = "malformed event: ..." with the
//    parser's reason and at most the first 60 bytes of the data, printable only;
//  - otherwise Kind::data. Content is choices[i].text (endpoint completions) or
//    choices[i].delta.content plus choices[i].delta.reasoning_content (chat; reasoning
//    models stream their thinking there and it is output the user waits for), summed over
//    all choices; a chunk of the other shape is accepted too (servers differ), but a
//    member of the wrong JSON type (text: 5) is a malformed event. `usage` (the
//    include_usage chunk, usually with empty choices) fills completion_tokens /
//    prompt_tokens when they are non-negative integers.
#ifndef SERVE_LOAD_STREAM_CHUNK_HPP
#define SERVE_LOAD_STREAM_CHUNK_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace serve_load {

enum class Endpoint { completions, chat };

struct StreamChunk {
  enum class Kind { data, done, error };
  Kind kind = Kind::data;
  std::size_t content_bytes = 0;     // bytes of non-empty content in this chunk (all choices)
  std::uint32_t content_pieces = 0;  // choices that carried non-empty content
  std::optional<std::uint64_t> completion_tokens;  // from usage
  std::optional<std::uint64_t> prompt_tokens;      // from usage
  std::string finish_reason;  // the first non-null choices[i].finish_reason, else empty
  std::string error;          // Kind::error: the reason, as above
};

StreamChunk decode_chunk(std::string_view data, Endpoint endpoint);

}  // namespace serve_load

#endif
