// SPDX-License-Identifier: MIT
// serve-load's stream decoding: the text/event-stream parser (framing, line ends split
// across reads, size limits) and the OpenAI chunk decoder (completions and chat shapes,
// usage, errors, malformed events), on the byte streams real servers send.
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "serve-load/sse_parser.hpp"
#include "serve-load/stream_chunk.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using serve_load::decode_chunk;
using serve_load::Endpoint;
using serve_load::SseParser;
using serve_load::StreamChunk;
using Events = std::vector<std::string>;

namespace {

Events parse_whole(std::string_view body, SseParser& parser) {
  Events events;
  REQUIRE(parser.feed(body, events) == SseParser::Status::ok);
  return events;
}

Events parse_whole(std::string_view body) {
  SseParser parser;
  return parse_whole(body, parser);
}

// Feeds `body` in pieces of the given sizes (the last piece takes the rest).
Events parse_in_pieces(std::string_view body, const std::vector<std::size_t>& sizes,
                       bool* boundary = nullptr) {
  SseParser parser;
  Events events;
  std::size_t pos = 0;
  for (const std::size_t size : sizes) {
    if (pos >= body.size()) break;
    REQUIRE(parser.feed(body.substr(pos, size), events) == SseParser::Status::ok);
    pos += size;
  }
  if (pos < body.size()) REQUIRE(parser.feed(body.substr(pos), events) == SseParser::Status::ok);
  if (boundary) *boundary = parser.at_event_boundary();
  return events;
}

// Streams as llama-server, vLLM and Ollama send them, in every line-end style.
const std::vector<std::string>& sample_streams() {
  static const std::vector<std::string> streams = {
      "data: {\"choices\":[{\"text\":\"Hello\"}]}\n\n"
      "data: {\"choices\":[{\"text\":\" world\"}]}\n\n"
      "data: [DONE]\n\n",
      "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\r\n\r\n"
      ": keep-alive\r\n"
      "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\r\n\r\n"
      "data: {\"choices\":[],\"usage\":{\"completion_tokens\":1}}\r\n\r\n"
      "data: [DONE]\r\n\r\n",
      "event: message\rid: 7\rdata: first\rdata: second\r\rretry: 10\r\rdata:x\r\r",
      "data: a\n\r\ndata: b\r\rdata: c\r\n\ndata\n\n:only a comment\n\nid: 1\n\n",
  };
  return streams;
}

}  // namespace

TEST_CASE("sse: LF, CRLF and lone CR each end a line", "[sse]") {
  const Events expected = {"one", "two"};
  CHECK(parse_whole("data: one\n\ndata: two\n\n") == expected);
  CHECK(parse_whole("data: one\r\n\r\ndata: two\r\n\r\n") == expected);
  CHECK(parse_whole("data: one\r\rdata: two\r\r") == expected);
  CHECK(parse_whole("data: one\r\n\ndata: two\n\r\n") == expected);
  CHECK(parse_whole("data: one\r\r\ndata: two\n\r") == expected);
}

TEST_CASE("sse: a CR ending one read and the LF starting the next are one line end", "[sse]") {
  SseParser parser;
  Events events;
  REQUIRE(parser.feed("data: one\r", events) == SseParser::Status::ok);
  REQUIRE(parser.feed("\n\r", events) == SseParser::Status::ok);
  CHECK(events == Events{"one"});
  // Had the LF been a second line end, this blank line would be a third and the data
  // line after it part of a new event; it must join "two" instead.
  REQUIRE(parser.feed("\ndata: two\r", events) == SseParser::Status::ok);
  REQUIRE(parser.feed("\ndata: three\n\n", events) == SseParser::Status::ok);
  CHECK(events == Events{"one", "two\nthree"});
  CHECK(parser.at_event_boundary());
}

TEST_CASE("sse: two lone CRs in separate reads are a line end and a blank line", "[sse]") {
  SseParser parser;
  Events events;
  REQUIRE(parser.feed("data: x\r", events) == SseParser::Status::ok);
  REQUIRE(parser.feed("\r", events) == SseParser::Status::ok);
  CHECK(events == Events{"x"});
}

TEST_CASE("sse: events split at every byte position come out the same", "[sse]") {
  for (const std::string& body : sample_streams()) {
    INFO(body);
    const Events whole = parse_whole(body);
    REQUIRE_FALSE(whole.empty());
    for (std::size_t cut = 0; cut <= body.size(); ++cut) {
      INFO("cut at " << cut);
      CHECK(parse_in_pieces(body, {cut}) == whole);
    }
    bool boundary = false;
    CHECK(parse_in_pieces(body, std::vector<std::size_t>(body.size(), 1), &boundary) == whole);
    CHECK(boundary);
  }
}

TEST_CASE("sse: random chunkings of a long stream give the same events", "[sse]") {
  std::string body;
  for (const std::string& stream : sample_streams()) body += stream;
  const Events whole = parse_whole(body);
  std::mt19937 random(12345);
  std::uniform_int_distribution<std::size_t> piece(1, 17);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::size_t> sizes;
    for (std::size_t total = 0; total < body.size(); total += sizes.back())
      sizes.push_back(piece(random));
    CHECK(parse_in_pieces(body, sizes) == whole);
  }
}

TEST_CASE("sse: data lines join with newlines; other fields and comments are skipped", "[sse]") {
  CHECK(parse_whole("data: a\ndata: b\ndata: c\n\n") == Events{"a\nb\nc"});
  CHECK(parse_whole(": ping\n\n: ping\ndata: x\n: mid-event comment\ndata: y\n\n") ==
        Events{"x\ny"});
  CHECK(parse_whole("event: chunk\nid: 3\nretry: 100\nfoo: bar\nfoo\ndata: x\n\n") == Events{"x"});
  // An event without a data line is not emitted at all.
  CHECK(parse_whole("event: ping\n\nid: 4\n\n").empty());
  CHECK(parse_whole("\n\n\n").empty());
}

TEST_CASE("sse: only one space after the colon is dropped", "[sse]") {
  CHECK(parse_whole("data:x\n\n") == Events{"x"});
  CHECK(parse_whole("data:  x \n\n") == Events{" x "});
  CHECK(parse_whole("data:\n\n") == Events{""});
  CHECK(parse_whole("data\n\n") == Events{""});
  CHECK(parse_whole("data\ndata\n\n") == Events{"\n"});
  CHECK(parse_whole("data: a:b: c\n\n") == Events{"a:b: c"});
  // Field names are case-sensitive and matched whole.
  CHECK(parse_whole("Data: x\ndatax: y\ndata : z\n\n").empty());
}

TEST_CASE("sse: an unterminated last event is not emitted", "[sse]") {
  SseParser parser;
  Events events;
  REQUIRE(parser.feed("data: done\n\ndata: cut", events) == SseParser::Status::ok);
  CHECK(events == Events{"done"});
  CHECK_FALSE(parser.at_event_boundary());  // a partial line

  SseParser no_blank;
  REQUIRE(no_blank.feed("data: done\n\ndata: cut\n", events) == SseParser::Status::ok);
  CHECK(events == Events{"done", "done"});
  CHECK_FALSE(no_blank.at_event_boundary());  // an event without its blank line
}

TEST_CASE("sse: at_event_boundary after whole events, comments and nothing", "[sse]") {
  SseParser parser;
  CHECK(parser.at_event_boundary());
  Events events;
  REQUIRE(parser.feed("data: x\n\n: comment\n", events) == SseParser::Status::ok);
  CHECK(parser.at_event_boundary());
  REQUIRE(parser.feed(":", events) == SseParser::Status::ok);
  CHECK_FALSE(parser.at_event_boundary());
  REQUIRE(parser.feed("\r", events) == SseParser::Status::ok);
  CHECK(parser.at_event_boundary());
  REQUIRE(parser.feed("\n", events) == SseParser::Status::ok);  // the CRLF's LF, not a blank
  CHECK(parser.at_event_boundary());
  CHECK(events == Events{"x"});
}

TEST_CASE("sse: a line of exactly the limit passes, one byte more is an error", "[sse]") {
  SseParser parser(16, 1024);
  Events events;
  const std::string line = "data: " + std::string(10, 'a');  // 16 bytes
  REQUIRE(parser.feed(line + "\n\n", events) == SseParser::Status::ok);
  CHECK(events == Events{std::string(10, 'a')});

  REQUIRE(parser.feed(line, events) == SseParser::Status::ok);
  // The limit holds before the line ends: a server sending an endless line is cut off.
  CHECK(parser.feed("a", events) == SseParser::Status::line_too_long);
  CHECK(parser.status() == SseParser::Status::line_too_long);
  CHECK(parser.buffered_bytes() <= 16);
  CHECK_FALSE(parser.at_event_boundary());
  CHECK(describe(parser.status(), parser) == "SSE line longer than 16 bytes");
}

TEST_CASE("sse: an error is sticky and nothing is emitted after it", "[sse]") {
  SseParser parser(8, 1024);
  Events events;
  CHECK(parser.feed("data: x\n\ndata: 123456789\n\ndata: y\n\n", events) ==
        SseParser::Status::line_too_long);
  CHECK(events == Events{"x"});
  CHECK(parser.feed("data: z\n\n", events) == SseParser::Status::line_too_long);
  CHECK(parser.feed("", events) == SseParser::Status::line_too_long);
  CHECK(events == Events{"x"});
}

TEST_CASE("sse: an event whose data passes the event limit is an error", "[sse]") {
  SseParser parser(64, 10);
  Events events;
  // 4 + 1 + 5 = 10 bytes of data: exactly the limit.
  REQUIRE(parser.feed("data: abcd\ndata: efghi\n\n", events) == SseParser::Status::ok);
  CHECK(events == Events{"abcd\nefghi"});
  CHECK(parser.feed("data: abcd\ndata: efghij\n\n", events) == SseParser::Status::event_too_large);
  CHECK(events.size() == 1);
  CHECK(parser.buffered_bytes() <= 64 + 10);
  CHECK(parser.feed("data: ok\n\n", events) == SseParser::Status::event_too_large);
  CHECK(events.size() == 1);
  CHECK(describe(parser.status(), parser) == "SSE event larger than 10 bytes");
}

TEST_CASE("sse: the default limits are 1 MiB a line and 4 MiB an event", "[sse]") {
  SseParser parser;
  CHECK(describe(SseParser::Status::line_too_long, parser) == "SSE line longer than 1048576 bytes");
  CHECK(describe(SseParser::Status::event_too_large, parser) ==
        "SSE event larger than 4194304 bytes");
  Events events;
  const std::string chunk(64 * 1024, 'x');
  SseParser::Status status = parser.feed("data: ", events);
  for (int i = 0; i < 20 && status == SseParser::Status::ok; ++i)
    status = parser.feed(chunk, events);
  CHECK(status == SseParser::Status::line_too_long);
  CHECK(parser.buffered_bytes() <= parser.max_line_bytes());
}

// ---- decode_chunk ----

TEST_CASE("chunk: completions text", "[chunk]") {
  const StreamChunk chunk = decode_chunk(
      R"({"id":"cmpl-1","object":"text_completion","choices":[{"index":0,"text":"Hello",)"
      R"("logprobs":null,"finish_reason":null}],"model":"m"})",
      Endpoint::completions);
  CHECK(chunk.kind == StreamChunk::Kind::data);
  CHECK(chunk.content_bytes == 5);
  CHECK(chunk.content_pieces == 1);
  CHECK(chunk.finish_reason.empty());
  CHECK_FALSE(chunk.completion_tokens);
  CHECK_FALSE(chunk.prompt_tokens);
}

TEST_CASE("chunk: chat delta content and reasoning_content count, role-only does not", "[chunk]") {
  const StreamChunk role = decode_chunk(
      R"({"choices":[{"index":0,"delta":{"role":"assistant","content":null}}]})", Endpoint::chat);
  CHECK(role.kind == StreamChunk::Kind::data);
  CHECK(role.content_bytes == 0);
  CHECK(role.content_pieces == 0);

  const StreamChunk content =
      decode_chunk(R"({"choices":[{"index":0,"delta":{"content":"Hi there"}}]})", Endpoint::chat);
  CHECK(content.content_bytes == 8);
  CHECK(content.content_pieces == 1);

  const StreamChunk thinking = decode_chunk(
      R"({"choices":[{"delta":{"reasoning_content":"hmm","content":""}}]})", Endpoint::chat);
  CHECK(thinking.content_bytes == 3);
  CHECK(thinking.content_pieces == 1);

  const StreamChunk both = decode_chunk(
      R"({"choices":[{"delta":{"reasoning_content":"ab","content":"cde"}}]})", Endpoint::chat);
  CHECK(both.content_bytes == 5);
  CHECK(both.content_pieces == 1);
}

TEST_CASE("chunk: content is summed over choices; either shape on either endpoint", "[chunk]") {
  const StreamChunk chunk = decode_chunk(
      R"({"choices":[{"index":0,"text":"ab"},{"index":1,"text":""},{"index":2,"text":"cde"}]})",
      Endpoint::completions);
  CHECK(chunk.content_bytes == 5);
  CHECK(chunk.content_pieces == 2);

  CHECK(decode_chunk(R"({"choices":[{"delta":{"content":"xyz"}}]})", Endpoint::completions)
            .content_bytes == 3);
  CHECK(decode_chunk(R"({"choices":[{"text":"xy"}]})", Endpoint::chat).content_bytes == 2);
}

TEST_CASE("chunk: the first non-null finish_reason", "[chunk]") {
  const StreamChunk chunk = decode_chunk(
      R"({"choices":[{"text":"","finish_reason":null},{"text":"","finish_reason":"length"},)"
      R"({"text":"","finish_reason":"stop"}]})",
      Endpoint::completions);
  CHECK(chunk.kind == StreamChunk::Kind::data);
  CHECK(chunk.finish_reason == "length");
  CHECK(chunk.content_pieces == 0);
}

TEST_CASE("chunk: the usage chunk with empty choices", "[chunk]") {
  const StreamChunk chunk =
      decode_chunk(R"({"id":"x","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":34,)"
                   R"("total_tokens":46}})",
                   Endpoint::chat);
  CHECK(chunk.kind == StreamChunk::Kind::data);
  CHECK(chunk.content_bytes == 0);
  REQUIRE(chunk.completion_tokens);
  CHECK(*chunk.completion_tokens == 34);
  REQUIRE(chunk.prompt_tokens);
  CHECK(*chunk.prompt_tokens == 12);

  // Counts that are not non-negative integers are not counts.
  const StreamChunk odd = decode_chunk(
      R"({"choices":[],"usage":{"prompt_tokens":-1,"completion_tokens":3.5}})", Endpoint::chat);
  CHECK(odd.kind == StreamChunk::Kind::data);
  CHECK_FALSE(odd.completion_tokens);
  CHECK_FALSE(odd.prompt_tokens);
  CHECK_FALSE(decode_chunk(R"({"choices":[],"usage":null})", Endpoint::chat).completion_tokens);
  CHECK(*decode_chunk(R"({"usage":{"completion_tokens":18446744073709551615}})", Endpoint::chat)
             .completion_tokens == UINT64_MAX);
}

TEST_CASE("chunk: [DONE] ends the stream, whitespace around it allowed", "[chunk]") {
  CHECK(decode_chunk("[DONE]", Endpoint::chat).kind == StreamChunk::Kind::done);
  CHECK(decode_chunk("  [DONE] \r\n", Endpoint::completions).kind == StreamChunk::Kind::done);
  CHECK(decode_chunk("\t[DONE]\n", Endpoint::chat).kind == StreamChunk::Kind::done);
  CHECK(decode_chunk("[DONE]x", Endpoint::chat).kind == StreamChunk::Kind::error);
  CHECK(decode_chunk("[done]", Endpoint::chat).kind == StreamChunk::Kind::error);
}

TEST_CASE("chunk: an error object or string is a server error", "[chunk]") {
  const StreamChunk object = decode_chunk(
      R"({"error":{"message":"boom","type":"server_error","code":500}})", Endpoint::chat);
  CHECK(object.kind == StreamChunk::Kind::error);
  CHECK(object.error == "server error: boom");

  const StreamChunk text = decode_chunk(R"({"error":"out of memory"})", Endpoint::completions);
  CHECK(text.kind == StreamChunk::Kind::error);
  CHECK(text.error == "server error: out of memory");

  const StreamChunk no_message = decode_chunk(R"({"error":{"code":503}})", Endpoint::chat);
  CHECK(no_message.kind == StreamChunk::Kind::error);
  CHECK_THAT(no_message.error, StartsWith("server error: ") && Contains("503"));
}

TEST_CASE("chunk: invalid JSON is a malformed event quoting the data", "[chunk]") {
  const StreamChunk chunk = decode_chunk("{not json", Endpoint::chat);
  CHECK(chunk.kind == StreamChunk::Kind::error);
  CHECK_THAT(chunk.error, StartsWith("malformed event: ") && Contains("{not json"));
  CHECK(decode_chunk("", Endpoint::chat).kind == StreamChunk::Kind::error);
  CHECK(decode_chunk(R"({"choices":[]} trailing)", Endpoint::chat).kind ==
        StreamChunk::Kind::error);
}

TEST_CASE("chunk: the quoted data is at most 60 printable bytes", "[chunk]") {
  std::string data = "{\"a\":\"\x01\x7f\xff\n";
  data += std::string(200, 'z');
  const StreamChunk chunk = decode_chunk(data, Endpoint::chat);
  REQUIRE(chunk.kind == StreamChunk::Kind::error);
  const std::size_t quote = chunk.error.find('"');
  REQUIRE(quote != std::string::npos);
  const std::size_t close = chunk.error.find('"', quote + 1 + 6);  // past the data's own
  REQUIRE(close != std::string::npos);
  CHECK(close - quote - 1 == 60);
  for (const char c : chunk.error) {
    const auto u = static_cast<unsigned char>(c);
    CHECK((u >= 0x20 && u < 0x7f));
  }
  CHECK(chunk.error.find(std::string(61, 'z')) == std::string::npos);
}

TEST_CASE("chunk: JSON that is not an object is a malformed event", "[chunk]") {
  for (const char* data : {"[]", "42", "\"text\"", "null", "true", "[{\"choices\":[]}]"}) {
    INFO(data);
    const StreamChunk chunk = decode_chunk(data, Endpoint::completions);
    CHECK(chunk.kind == StreamChunk::Kind::error);
    CHECK_THAT(chunk.error, StartsWith("malformed event: ") && Contains("not a JSON object"));
  }
}

TEST_CASE("chunk: a member of the wrong type is a malformed event", "[chunk]") {
  const char* const cases[] = {
      R"({"choices":{"text":"x"}})",
      R"({"choices":[5]})",
      R"({"choices":[{"text":5}]})",
      R"({"choices":[{"text":["x"]}]})",
      R"({"choices":[{"delta":"x"}]})",
      R"({"choices":[{"delta":{"content":7}}]})",
      R"({"choices":[{"delta":{"content":"ok","reasoning_content":{}}}]})",
      R"({"choices":[{"text":"x","finish_reason":1}]})",
      R"({"choices":[{"text":"fine"},{"text":false}]})",
  };
  for (const char* data : cases) {
    INFO(data);
    const StreamChunk chunk = decode_chunk(data, Endpoint::completions);
    CHECK(chunk.kind == StreamChunk::Kind::error);
    CHECK_THAT(chunk.error, StartsWith("malformed event: ") && Contains("is not"));
  }
  // Null stands for absent; unknown members are ignored.
  const StreamChunk fine = decode_chunk(
      R"({"choices":[{"text":null,"delta":null,"logprobs":{"x":1}}],"usage":null,"x":[1]})",
      Endpoint::completions);
  CHECK(fine.kind == StreamChunk::Kind::data);
  CHECK(fine.content_bytes == 0);
}
