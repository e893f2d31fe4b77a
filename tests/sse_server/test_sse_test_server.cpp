// SPDX-License-Identifier: MIT
// The test SSE server seen from the wire: a raw client reads its HTTP chunks byte for byte
// and checks what each mode promises (status codes, line ends, chunk boundaries, [DONE],
// usage, keep-alive, markers, client disconnects), then 64 concurrent streams check the
// first-token delay the load generator's tests rely on.
#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "serve-load/sse_parser.hpp"
#include "serve-load/stream_chunk.hpp"
#include "sse_test_server.hpp"

namespace asio = boost::asio;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

constexpr auto kTimeout = 5s;

// A blocking-style client whose every read has a deadline, so a server that stalls fails
// the test instead of hanging it.
class Client {
 public:
  explicit Client(unsigned short port) {
    socket_.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
    socket_.set_option(tcp::no_delay(true));
  }

  void send(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

  // Appends what arrives to pending(); timed_out when nothing came within `timeout`.
  boost::system::error_code read_some(Clock::duration timeout = kTimeout) {
    boost::system::error_code ec = asio::error::would_block;
    std::size_t n = 0;
    socket_.async_read_some(asio::buffer(scratch_),
                            [&](boost::system::error_code e, std::size_t k) {
                              ec = e;
                              n = k;
                            });
    io_.restart();
    io_.run_for(timeout);
    if (ec == asio::error::would_block) {
      socket_.cancel();
      io_.restart();
      io_.run();
      return asio::error::timed_out;
    }
    pending_.append(scratch_.data(), n);
    return ec;
  }

  // Reads until pending() holds `delimiter`; returns the bytes up to and including it.
  std::optional<std::string> read_until(std::string_view delimiter, boost::system::error_code& ec) {
    std::size_t found;
    while ((found = pending_.find(delimiter)) == std::string::npos)
      if ((ec = read_some())) return std::nullopt;
    return take(found + delimiter.size());
  }

  std::optional<std::string> read_exactly(std::size_t n, boost::system::error_code& ec) {
    while (pending_.size() < n)
      if ((ec = read_some())) return std::nullopt;
    return take(n);
  }

  std::string take(std::size_t n) {
    std::string out = pending_.substr(0, n);
    pending_.erase(0, n);
    return out;
  }

  std::string& pending() { return pending_; }
  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context io_;
  tcp::socket socket_{io_};
  std::array<char, 64 * 1024> scratch_{};
  std::string pending_;
};

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::vector<std::string> chunks;             // each HTTP chunk's payload, in order
  std::string body;
  bool complete = false;  // the terminating chunk (or Content-Length bytes) arrived
  boost::system::error_code error;

  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// One HTTP chunk's payload; empty for the terminating chunk.
std::optional<std::string> read_chunk(Client& client, boost::system::error_code& ec) {
  const auto size_line = client.read_until("\r\n", ec);
  if (!size_line) return std::nullopt;
  const std::size_t size = std::stoul(*size_line, nullptr, 16);
  auto payload = client.read_exactly(size + 2, ec);
  if (!payload) return std::nullopt;
  REQUIRE(payload->substr(size) == "\r\n");
  payload->resize(size);
  return payload;
}

Response read_response(Client& client, std::size_t max_chunks = SIZE_MAX) {
  Response response;
  auto& ec = response.error;
  const auto head = client.read_until("\r\n\r\n", ec);
  if (!head) return response;
  REQUIRE(head->starts_with("HTTP/1.1 "));
  response.status = std::stoi(head->substr(9, 3));
  std::size_t line = head->find("\r\n") + 2;
  while (line < head->size() - 2) {
    const std::size_t end = head->find("\r\n", line);
    const std::string field = head->substr(line, end - line);
    const std::size_t colon = field.find(':');
    REQUIRE(colon != std::string::npos);
    std::string name = field.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    response.headers[name] = field.substr(field.find_first_not_of(' ', colon + 1));
    line = end + 2;
  }
  if (response.header("transfer-encoding") == "chunked") {
    while (response.chunks.size() < max_chunks) {
      auto chunk = read_chunk(client, ec);
      if (!chunk) return response;
      if (chunk->empty()) {
        response.complete = true;
        return response;
      }
      response.body += *chunk;
      response.chunks.push_back(std::move(*chunk));
    }
    return response;
  }
  const auto body = client.read_exactly(std::stoul(response.header("content-length")), ec);
  if (!body) return response;
  response.body = *body;
  response.complete = true;
  return response;
}

std::string http_request(const std::string& method, const std::string& target,
                         const std::string& body = "", const std::string& extra_headers = "") {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers;
  if (!body.empty() || method == "POST")
    request +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  return request + "\r\n" + body;
}

std::string completion_body(const std::string& prompt, bool stream = true, bool usage = false) {
  json::object body{{"model", "m"}, {"prompt", prompt}, {"max_tokens", 16}, {"stream", stream}};
  if (usage) body["stream_options"] = json::object{{"include_usage", true}};
  return json::serialize(body);
}

std::string chat_body(const json::value& content, bool stream = true, bool usage = false) {
  json::object body{{"model", "m"},
                    {"messages", json::array{json::object{{"role", "user"}, {"content", content}}}},
                    {"stream", stream}};
  if (usage) body["stream_options"] = json::object{{"include_usage", true}};
  return json::serialize(body);
}

Response post(unsigned short port, const std::string& target, const std::string& body) {
  Client client(port);
  client.send(http_request("POST", target, body));
  return read_response(client);
}

std::vector<std::string> sse_events(const std::string& body) {
  serve_load::SseParser parser;
  std::vector<std::string> events;
  REQUIRE(parser.feed(body, events) == serve_load::SseParser::Status::ok);
  CHECK(parser.at_event_boundary());
  return events;
}

// What a client makes of the events: the content, then "[DONE]", "usage=N" or the error.
std::vector<std::string> decoded(const std::string& body, serve_load::Endpoint endpoint) {
  std::vector<std::string> out;
  for (const std::string& event : sse_events(body)) {
    const serve_load::StreamChunk chunk = serve_load::decode_chunk(event, endpoint);
    if (chunk.kind == serve_load::StreamChunk::Kind::done) {
      out.push_back("[DONE]");
    } else if (chunk.kind == serve_load::StreamChunk::Kind::error) {
      out.push_back(chunk.error);
    } else if (chunk.completion_tokens) {
      out.push_back("usage=" + std::to_string(*chunk.completion_tokens));
    } else {
      const json::value v = json::parse(event);
      const json::object& choice = v.at("choices").at(0).as_object();
      out.push_back(endpoint == serve_load::Endpoint::chat
                        ? json::value_to<std::string>(choice.at("delta").at("content"))
                        : json::value_to<std::string>(choice.at("text")));
    }
  }
  return out;
}

sse_test::ServerConfig config(const std::string& mode = "ok", unsigned tokens = 3) {
  sse_test::ServerConfig c;
  c.mode = mode;
  c.tokens = tokens;
  c.model = "test-model-7b";
  return c;
}

using Decoded = std::vector<std::string>;
constexpr auto completions = serve_load::Endpoint::completions;
constexpr auto chat = serve_load::Endpoint::chat;

}  // namespace

TEST_CASE("server: /health and /v1/models on one keep-alive connection", "[sse_server]") {
  sse_test::Server server(config());
  CHECK(server.base_url() == "http://127.0.0.1:" + std::to_string(server.port()));
  Client client(server.port());
  client.send(http_request("GET", "/health"));
  const Response health = read_response(client);
  CHECK(health.status == 200);
  CHECK(health.header("content-type") == "application/json");
  CHECK(json::parse(health.body) == json::parse(R"({"status":"ok"})"));

  client.send(http_request("GET", "/v1/models"));
  const Response models = read_response(client);
  CHECK(models.status == 200);
  const json::value list = json::parse(models.body);
  CHECK(list.at("object") == "list");
  CHECK(list.at("data").at(0).at("id") == "test-model-7b");

  // A completion after them is timed from its own arrival, not the connection's first.
  std::this_thread::sleep_for(50ms);
  const auto start = Clock::now();
  client.send(http_request("POST", "/v1/completions", completion_body("[[ttft_ms=30]]", false)));
  CHECK(read_response(client).status == 200);
  CHECK(Clock::now() - start >= 30ms);

  client.send(http_request("GET", "/plain"));
  CHECK(read_response(client).status == 200);
  client.send(http_request("GET", "/nowhere"));
  CHECK(read_response(client).status == 404);
  CHECK(server.connections() == 1);
  CHECK(server.completion_requests() == 1);
}

TEST_CASE("server: a completions stream, one event per chunk, LF line ends", "[sse_server]") {
  sse_test::Server server(config("ok", 3));
  const Response r = post(server.port(), "/v1/completions", completion_body("hello"));
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "text/event-stream");
  CHECK(r.complete);
  CHECK(r.body.find('\r') == std::string::npos);
  for (const std::string& chunk : r.chunks) {
    CHECK(chunk.starts_with("data: "));
    CHECK(chunk.ends_with("\n\n"));
  }
  CHECK(decoded(r.body, completions) == Decoded{"tok0 ", "tok1 ", "tok2 ", "[DONE]"});
  CHECK(server.completion_requests() == 1);
}

TEST_CASE("server: a chat stream, and the usage chunk only when asked", "[sse_server]") {
  sse_test::Server server(config("ok", 2));
  const Response plain = post(server.port(), "/v1/chat/completions", chat_body("hi"));
  CHECK(decoded(plain.body, chat) == Decoded{"tok0 ", "tok1 ", "[DONE]"});

  const Response usage =
      post(server.port(), "/v1/chat/completions", chat_body("one two three", true, true));
  CHECK(decoded(usage.body, chat) == Decoded{"tok0 ", "tok1 ", "usage=2", "[DONE]"});
  const auto events = sse_events(usage.body);
  const json::value usage_event = json::parse(events.at(2));
  CHECK(usage_event.at("choices").as_array().empty());
  CHECK(usage_event.at("usage").at("prompt_tokens") == 3);
  CHECK(json::parse(events.at(0)).at("choices").at(0).at("delta").at("role") == "assistant");
  CHECK(json::parse(events.at(1)).at("choices").at(0).at("finish_reason") == "length");
}

TEST_CASE("server: stream false gives one JSON completion", "[sse_server]") {
  sse_test::Server server(config("ok", 3));
  const Response r = post(server.port(), "/v1/completions", completion_body("a b", false));
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "application/json");
  const json::value v = json::parse(r.body);
  CHECK(v.at("choices").at(0).at("text") == "tok0 tok1 tok2 ");
  CHECK(v.at("usage").at("completion_tokens") == 3);

  const Response c = post(server.port(), "/v1/chat/completions", chat_body("x", false));
  CHECK(json::parse(c.body).at("choices").at(0).at("message").at("content") == "tok0 tok1 tok2 ");
}

TEST_CASE("server: crlf mode ends every line with CRLF", "[sse_server]") {
  sse_test::Server server(config("crlf", 2));
  const Response r = post(server.port(), "/v1/completions", completion_body("x"));
  for (std::size_t i = 0; i < r.body.size(); ++i)
    if (r.body[i] == '\n') REQUIRE((i > 0 && r.body[i - 1] == '\r'));
  CHECK(r.body.find("\r\n\r\n") != std::string::npos);
  CHECK(decoded(r.body, completions) == Decoded{"tok0 ", "tok1 ", "[DONE]"});
}

TEST_CASE("server: split mode cuts every event mid-field and mid-CRLF", "[sse_server]") {
  sse_test::Server server(config("split", 2));
  const Response r = post(server.port(), "/v1/chat/completions", chat_body("x", true, true));
  CHECK(r.complete);
  const std::ptrdiff_t events = 4;  // two tokens, usage, [DONE]
  CHECK(r.chunks.size() >= 4u * events);
  CHECK(std::count(r.chunks.begin(), r.chunks.end(), "dat") == events);
  CHECK(std::count(r.chunks.begin(), r.chunks.end(), "\n\r") == events);
  std::size_t cr_then_lf = 0;
  for (std::size_t i = 0; i + 1 < r.chunks.size(); ++i)
    if (r.chunks[i].ends_with('\r') && r.chunks[i + 1].starts_with('\n')) ++cr_then_lf;
  CHECK(cr_then_lf == 2u * events);
  CHECK(decoded(r.body, chat) == Decoded{"tok0 ", "tok1 ", "usage=2", "[DONE]"});
}

TEST_CASE("server: no_done ends the response without [DONE]", "[sse_server]") {
  sse_test::Server server(config("no_done", 2));
  const Response r = post(server.port(), "/v1/completions", completion_body("x", true, true));
  CHECK(r.complete);
  CHECK(decoded(r.body, completions) == Decoded{"tok0 ", "tok1 ", "usage=2"});
}

TEST_CASE("server: no_usage never sends usage; chunk_tokens sends two a chunk", "[sse_server]") {
  sse_test::Server server(config("no_usage", 2));
  CHECK(decoded(post(server.port(), "/v1/completions", completion_body("x", true, true)).body,
                completions) == Decoded{"tok0 ", "tok1 ", "[DONE]"});
  const Response pairs = post(server.port(), "/v1/completions",
                              completion_body("[[mode=chunk_tokens]] [[tokens=5]]", true, true));
  CHECK(decoded(pairs.body, completions) ==
        Decoded{"tok0 tok1 ", "tok2 tok3 ", "tok4 ", "usage=5", "[DONE]"});
}

TEST_CASE("server: bad_json and error_event after the first token", "[sse_server]") {
  sse_test::Server server(config("ok", 2));
  const Response bad = post(server.port(), "/v1/completions", completion_body("[[mode=bad_json]]"));
  const Decoded events = decoded(bad.body, completions);
  REQUIRE(events.size() == 4);
  CHECK(events[0] == "tok0 ");
  CHECK_THAT(events[1], Contains("malformed event") && Contains("{not json"));
  CHECK(events[2] == "tok1 ");
  CHECK(events[3] == "[DONE]");

  const Response error =
      post(server.port(), "/v1/completions", completion_body("[[mode=error_event]]"));
  CHECK(decoded(error.body, completions) == Decoded{"tok0 ", "server error: boom", "[DONE]"});
}

TEST_CASE("server: garbage after the first token, then the end", "[sse_server]") {
  sse_test::Server server(config("garbage", 4));
  const Response r = post(server.port(), "/v1/completions", completion_body("x"));
  CHECK(r.complete);
  REQUIRE(r.chunks.size() == 2);
  CHECK(decoded(r.chunks[0], completions) == Decoded{"tok0 "});
  CHECK(r.chunks[1].size() == 512);
  CHECK(r.body.find("[DONE]") == std::string::npos);
}

TEST_CASE("server: HTTP error modes answer with their status and a JSON error", "[sse_server]") {
  sse_test::Server server(config("ok"));
  Client client(server.port());
  for (const auto& [mode, status] : std::vector<std::pair<std::string, int>>{
           {"http_500", 500}, {"http_429", 429}, {"http_404", 404}}) {
    INFO(mode);
    client.send(http_request("POST", "/v1/completions", completion_body("[[mode=" + mode + "]]")));
    const Response r = read_response(client);
    CHECK(r.status == status);
    CHECK(r.header("content-type") == "application/json");
    CHECK(json::parse(r.body).at("error").at("code") == status);
  }
  // The same connection still serves a stream.
  client.send(http_request("POST", "/v1/completions", completion_body("x")));
  CHECK(decoded(read_response(client).body, completions).back() == "[DONE]");
  CHECK(server.connections() == 1);
  CHECK(server.completion_requests() == 4);
}

TEST_CASE("server: markers in the prompt or in a message override the numbers", "[sse_server]") {
  sse_test::Server server(config("ok", 3));
  CHECK(decoded(post(server.port(), "/v1/completions", completion_body("a [[tokens=1]] b")).body,
                completions) == Decoded{"tok0 ", "[DONE]"});
  const json::value parts = json::array{json::object{{"type", "text"}, {"text", "[[tokens=2]]"}}};
  CHECK(decoded(post(server.port(), "/v1/chat/completions", chat_body(parts)).body, chat) ==
        Decoded{"tok0 ", "tok1 ", "[DONE]"});
  // A wiki link is not a marker.
  CHECK(decoded(post(server.port(), "/v1/completions", completion_body("see [[Page]]")).body,
                completions)
            .size() == 4);

  const auto start = Clock::now();
  post(server.port(), "/v1/completions", completion_body("[[ttft_ms=60]] [[itl_ms=20]]"));
  CHECK(Clock::now() - start >= 60ms + 2 * 20ms);

  CHECK(post(server.port(), "/v1/completions", completion_body("[[tokens=many]]")).status == 400);
  CHECK(post(server.port(), "/v1/completions", completion_body("[[mode=nosuch]]")).status == 400);
  CHECK(post(server.port(), "/v1/completions", "{not json").status == 400);
}

TEST_CASE("server: Connection: close is honoured", "[sse_server]") {
  sse_test::Server server(config("ok", 1));
  Client client(server.port());
  client.send(
      http_request("POST", "/v1/completions", completion_body("x"), "Connection: close\r\n"));
  const Response r = read_response(client);
  CHECK(r.complete);
  CHECK(r.header("connection") == "close");
  CHECK(client.read_some() == asio::error::eof);
}

TEST_CASE("server: stall sends the first token, then nothing until the client leaves",
          "[sse_server]") {
  sse_test::Server server(config("stall", 4));
  {
    Client client(server.port());
    client.send(http_request("POST", "/v1/completions", completion_body("x")));
    const Response r = read_response(client, 1);
    REQUIRE(r.chunks.size() == 1);
    CHECK(decoded(r.chunks[0], completions) == Decoded{"tok0 "});
    CHECK(client.read_some(300ms) == asio::error::timed_out);
  }
  // The stalled connection is gone; the server serves on.
  Client next(server.port());
  next.send(http_request("GET", "/health"));
  CHECK(read_response(next).status == 200);
}

TEST_CASE("server: endless_line writes one line forever, until the client closes", "[sse_server]") {
  sse_test::Server server(config("endless_line", 4));
  {
    Client client(server.port());
    client.send(http_request("POST", "/v1/completions", completion_body("x")));
    Response r = read_response(client, 2);
    REQUIRE(r.chunks.size() == 2);
    CHECK(decoded(r.chunks[0], completions) == Decoded{"tok0 "});
    CHECK(r.chunks[1] == "data: ");
    // Past the parser's 1 MiB line limit, without a line end.
    std::size_t line = 0;
    while (line < (2u << 20)) {
      boost::system::error_code ec;
      const auto chunk = read_chunk(client, ec);
      REQUIRE(chunk);
      REQUIRE_FALSE(chunk->empty());
      REQUIRE(chunk->find_first_of("\r\n") == std::string::npos);
      line += chunk->size();
    }
  }
  Client next(server.port());
  next.send(http_request("GET", "/health"));
  CHECK(read_response(next).status == 200);
}

TEST_CASE("server: reset mode resets the connection after the first token", "[sse_server]") {
  sse_test::Server server(config("reset", 4));
  Client client(server.port());
  client.send(http_request("POST", "/v1/completions", completion_body("x")));
  const Response r = read_response(client);
  CHECK(r.chunks.size() == 1);
  CHECK_FALSE(r.complete);
  CHECK(r.error == asio::error::connection_reset);
}

TEST_CASE("server: clients leaving mid-stream, and a destructor with streams open",
          "[sse_server]") {
  auto server = std::make_unique<sse_test::Server>(config("ok", 1000));
  std::vector<std::unique_ptr<Client>> open;
  for (const char* mode : {"ok", "stall", "endless_line", "split"}) {
    auto client = std::make_unique<Client>(server->port());
    client->send(http_request("POST", "/v1/completions",
                              completion_body(std::string("[[mode=") + mode + "]] [[itl_ms=5]]")));
    CHECK(read_response(*client, 1).chunks.size() >= 1);
    open.push_back(std::move(client));
  }
  // Two leave at once; the server keeps serving the others and new clients.
  open.erase(open.begin(), open.begin() + 2);
  Client next(server->port());
  next.send(http_request("GET", "/health"));
  CHECK(read_response(next).status == 200);
  const auto start = Clock::now();
  server.reset();  // with the rest still open
  CHECK(Clock::now() - start < 2s);
  boost::system::error_code ec;
  while (!(ec = open.back()->read_some())) {
  }
  CHECK(ec != asio::error::timed_out);
}

TEST_CASE("server: several io threads serve concurrent streams", "[sse_server]") {
  sse_test::ServerConfig c = config("split", 6);
  c.threads = 4;
  c.inter_token_delay_ms = 1;
  sse_test::Server server(c);
  std::vector<std::vector<std::string>> results(16);
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < results.size(); ++i)
    clients.emplace_back([&, i] {
      Client client(server.port());
      for (int request = 0; request < 3; ++request) {
        client.send(http_request("POST", "/v1/chat/completions", chat_body("x", true, true)));
        const Response r = read_response(client);
        results[i].push_back(r.complete ? r.body : "incomplete");
      }
    });
  for (std::thread& thread : clients) thread.join();
  for (const auto& bodies : results)
    for (const std::string& body : bodies)
      CHECK(decoded(body, chat) ==
            Decoded{"tok0 ", "tok1 ", "tok2 ", "tok3 ", "tok4 ", "tok5 ", "usage=6", "[DONE]"});
  CHECK(server.connections() == 16);
  CHECK(server.completion_requests() == 48);
}

TEST_CASE("server: refuses a port in use and an unknown mode", "[sse_server]") {
  sse_test::Server server(config());
  sse_test::ServerConfig same = config();
  same.port = server.port();
  CHECK_THROWS_AS(sse_test::Server(same), std::runtime_error);
  CHECK_THROWS_AS(sse_test::Server(config("nosuch")), std::invalid_argument);
}

namespace {

// Starts `count` streams at once from one client thread, as a load generator would, and
// returns each one's time to first token: from just before its request was written to
// the arrival of the bytes holding "tok0".
std::vector<Clock::duration> concurrent_ttfts(unsigned short port, int count) {
  struct Stream {
    explicit Stream(asio::io_context& io) : socket(io) {}
    tcp::socket socket;
    std::string request;
    std::string received;
    std::array<char, 4096> scratch{};
    Clock::time_point sent;
    std::optional<Clock::duration> ttft;
  };
  asio::io_context io;
  std::vector<std::unique_ptr<Stream>> streams;
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), port);
  for (int i = 0; i < count; ++i) {
    auto s = std::make_unique<Stream>(io);
    s->socket.connect(endpoint);
    s->socket.set_option(tcp::no_delay(true));
    s->request = http_request("POST", "/v1/completions", completion_body("p" + std::to_string(i)));
    streams.push_back(std::move(s));
  }
  std::function<void(Stream&)> read_more = [&](Stream& s) {
    s.socket.async_read_some(asio::buffer(s.scratch),
                             [&](boost::system::error_code ec, std::size_t n) {
                               if (ec) return;
                               s.received.append(s.scratch.data(), n);
                               if (s.received.find("tok0") != std::string::npos) {
                                 s.ttft = Clock::now() - s.sent;
                                 s.socket.close();
                                 return;
                               }
                               read_more(s);
                             });
  };
  for (auto& s : streams) {
    s->sent = Clock::now();
    asio::write(s->socket, asio::buffer(s->request));
    read_more(*s);
  }
  io.run_for(10s);

  std::vector<Clock::duration> ttfts;
  for (const auto& s : streams) {
    REQUIRE(s->ttft);
    ttfts.push_back(*s->ttft);
  }
  std::sort(ttfts.begin(), ttfts.end());
  return ttfts;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

TEST_CASE("server: 64 concurrent streams see the first token after first_token_delay_ms",
          "[sse_server][timing]") {
  constexpr int kStreams = 64;
  constexpr auto kDelay = 20ms;
  sse_test::ServerConfig c = config("ok", 4);
  c.first_token_delay_ms = 20;
  c.inter_token_delay_ms = 5;
  sse_test::Server server(c);

  // The best of up to ten rounds: on a shared virtual machine the host, or a compiler
  // next door, can hold either thread off its CPU for milliseconds (the client's own
  // send then reaches the kernel late), which says nothing about the server; a server
  // that is late by design (a clock started late, a thread that sleeps, work that grows
  // with the number of streams) is late in every round.
  // A first round unmeasured: the first connections of a process pay for lazy symbol
  // binding, page faults and socket buffer growth, once.
  concurrent_ttfts(server.port(), kStreams);
  double best_median = 1e9;
  for (int round = 0; round < 10 && best_median > 21.0; ++round) {
    const std::vector<Clock::duration> ttfts = concurrent_ttfts(server.port(), kStreams);
    CHECK(ttfts.front() >= kDelay);  // a timer never fires early
    const double median = (ms(ttfts[kStreams / 2 - 1]) + ms(ttfts[kStreams / 2])) / 2;
    UNSCOPED_INFO("round " << round << ": TTFT min " << ms(ttfts.front()) << " ms, median "
                           << median << " ms, max " << ms(ttfts.back()) << " ms");
    best_median = std::min(best_median, median);
  }
  CHECK(best_median >= 20.0);
  CHECK(best_median <= 21.0);
}
