// SPDX-License-Identifier: MIT
// An OpenAI-compatible streaming server for tests and benchmarks (127.0.0.1, ephemeral
// port, Boost.Asio, all delays on timers so that one thread serves hundreds of streams
// with sub-millisecond timing).
//
// Endpoints:
//  POST /v1/completions, /v1/chat/completions  with "stream": true: HTTP/1.1 200,
//       text/event-stream, Transfer-Encoding: chunked; after first_token_delay_ms the
//       first content chunk, then one content chunk (one token, "tok" + index + " ") every
//       inter_token_delay_ms, `tokens` in all; then, when the request asked for
//       stream_options.include_usage, a usage chunk (completion_tokens = tokens); then
//       "data: [DONE]". With "stream": false (or absent): one JSON completion after
//       first_token_delay_ms (the minimal non-streaming endpoint of bench/loadgen_vs_wrk).
//  GET /v1/models   {"object":"list","data":[{"id":MODEL,...}]}
//  GET /health      {"status":"ok"}
//  GET /plain       a small fixed body, no delay (for wrk)
//  keep-alive unless the client sends Connection: close.
//
// Modes (config.mode, or per request: a marker "[[mode=NAME]]" anywhere in the prompt or
// in a message's content; "[[tokens=N]]", "[[ttft_ms=N]]", "[[itl_ms=N]]" override those
// numbers for that request):
//  ok            as above
//  http_500 / http_429 / http_404   that status, JSON error body, no stream
//  stall         headers and the first chunk, then nothing (the connection stays open)
//  no_done       all tokens, then the response ends (chunked terminator) without [DONE]
//  garbage       after the first token, random non-SSE bytes, then end
//  endless_line  after the first token, "data: " followed by bytes without a newline,
//                forever (until the client closes)
//  bad_json      after the first token, "data: {not json\n\n", then the rest normally
//  split         every event written in several pieces (split mid-field and mid-CRLF),
//                each piece its own chunk, to test reassembly
//  crlf          lines ended by CRLF instead of LF
//  reset         after the first token, the socket is closed with RST (SO_LINGER 0)
//  error_event   after the first token, data: {"error":{"message":"boom"}}
//  no_usage      never sends the usage chunk even if asked
//  chunk_tokens  two tokens per content chunk (usage then says the true count)
#ifndef BENCHLAB_TESTS_SSE_TEST_SERVER_HPP
#define BENCHLAB_TESTS_SSE_TEST_SERVER_HPP

#include <cstdint>
#include <memory>
#include <string>

namespace sse_test {

struct ServerConfig {
  unsigned first_token_delay_ms = 0;
  unsigned inter_token_delay_ms = 0;
  unsigned tokens = 16;
  std::string mode = "ok";
  std::string model = "test-model";
  unsigned threads = 1;     // io_context threads
  unsigned short port = 0;  // 0: ephemeral
};

class Server {
 public:
  // Binds 127.0.0.1:config.port and starts serving on config.threads threads; throws
  // std::runtime_error when it cannot bind.
  explicit Server(ServerConfig config);
  ~Server();  // stops and joins
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  unsigned short port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  // Requests to the completion endpoints seen so far (any mode), and connections accepted.
  std::uint64_t completion_requests() const;
  std::uint64_t connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sse_test

#endif
