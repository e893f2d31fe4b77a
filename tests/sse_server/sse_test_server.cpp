// SPDX-License-Identifier: MIT
// The OpenAI-compatible streaming test server of sse_test_server.hpp. Beast parses the
// requests; the streamed responses are framed here, byte for byte, so that every mode
// controls exactly which bytes go out in which HTTP chunk and in which write.
#include "sse_test_server.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <ctime>
#include <deque>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sse_test {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

enum class Mode {
  ok,
  http_500,
  http_429,
  http_404,
  stall,
  no_done,
  garbage,
  endless_line,
  bad_json,
  split,
  crlf,
  reset,
  error_event,
  no_usage,
  chunk_tokens,
};

std::optional<Mode> parse_mode(std::string_view name) {
  static constexpr std::pair<std::string_view, Mode> modes[] = {
      {"ok", Mode::ok},
      {"http_500", Mode::http_500},
      {"http_429", Mode::http_429},
      {"http_404", Mode::http_404},
      {"stall", Mode::stall},
      {"no_done", Mode::no_done},
      {"garbage", Mode::garbage},
      {"endless_line", Mode::endless_line},
      {"bad_json", Mode::bad_json},
      {"split", Mode::split},
      {"crlf", Mode::crlf},
      {"reset", Mode::reset},
      {"error_event", Mode::error_event},
      {"no_usage", Mode::no_usage},
      {"chunk_tokens", Mode::chunk_tokens},
  };
  for (const auto& [text, mode] : modes)
    if (text == name) return mode;
  return std::nullopt;
}

// Pipelined bytes held while a response streams; past this the server stops reading
// until the response ends, as a real server's socket buffer would.
constexpr std::size_t kMaxBufferedRequestBytes = 1u << 20;
constexpr std::size_t kMaxRequestBodyBytes = 64u << 20;  // long-context prompts
constexpr std::size_t kEndlessPieceBytes = 16u << 10;

// What one completion request asked for, after the markers in its prompt.
struct Plan {
  bool chat = false;
  bool stream = false;
  bool include_usage = false;
  Mode mode = Mode::ok;
  unsigned tokens = 0;
  unsigned ttft_ms = 0;
  unsigned itl_ms = 0;
  std::uint64_t prompt_tokens = 0;
  std::string id;
};

// Concatenates the text a request carries: the prompt (a string or an array of strings)
// or every message's content (a string or an array of text parts).
void collect_text(const json::value& value, std::string& out) {
  if (const auto* text = value.if_string()) {
    out.append(text->data(), text->size());
    out += '\n';
  } else if (const auto* array = value.if_array()) {
    for (const json::value& item : *array) collect_text(item, out);
  } else if (const auto* object = value.if_object()) {
    if (const auto* text = object->if_contains("text")) collect_text(*text, out);
  }
}

std::uint64_t count_words(std::string_view text) {
  std::uint64_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

// Applies every "[[key=value]]" marker of the text to the plan; an empty string when all
// were understood, else what was wrong (the request then gets a 400).
std::string apply_markers(std::string_view text, Plan& plan) {
  for (std::size_t open = text.find("[["); open != std::string_view::npos;
       open = text.find("[[", open + 2)) {
    const std::size_t close = text.find("]]", open + 2);
    if (close == std::string_view::npos) break;
    const std::string_view marker = text.substr(open + 2, close - open - 2);
    const std::size_t equals = marker.find('=');
    if (equals == std::string_view::npos) continue;  // "[[Page]]": not a marker
    const std::string_view key = marker.substr(0, equals);
    const std::string_view value = marker.substr(equals + 1);
    if (key == "mode") {
      const auto mode = parse_mode(value);
      if (!mode) return "unknown mode in marker [[" + std::string(marker) + "]]";
      plan.mode = *mode;
      continue;
    }
    unsigned* number = key == "tokens"    ? &plan.tokens
                       : key == "ttft_ms" ? &plan.ttft_ms
                       : key == "itl_ms"  ? &plan.itl_ms
                                          : nullptr;
    if (!number) continue;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), *number);
    if (ec != std::errc() || end != value.data() + value.size())
      return "marker [[" + std::string(marker) + "]] needs a non-negative integer";
  }
  return {};
}

std::string error_body(std::string_view message, std::string_view type, int code) {
  return json::serialize(
      json::object{{"error", json::object{{"message", message}, {"type", type}, {"code", code}}}});
}

std::string chunk_frame(std::string_view payload) {
  char size[20];
  const auto [end, ec] = std::to_chars(size, size + sizeof size, payload.size(), 16);
  (void)ec;  // 20 characters hold any size_t in hex
  std::string frame(size, end);
  frame += "\r\n";
  frame.append(payload);
  frame += "\r\n";
  return frame;
}

struct Shared {
  ServerConfig config;
  Mode mode = Mode::ok;
  std::atomic<std::uint64_t> completion_requests{0};
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> next_id{0};
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Shared& shared)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), shared_(shared) {}

  void start() { read_request(); }

 private:
  void read_request() {
    parser_.emplace();
    parser_->body_limit(kMaxRequestBodyBytes);
    if (buffer_.size() > 0) return parse_request();
    receive([self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->close();
      self->parse_request();
    });
  }

  void parse_request() {
    http::async_read(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
  }

  // Reads what has arrived into buffer_ and keeps the kernel's arrival time of the first
  // bytes of a request. The delays count from that moment, as a client's TTFT does: when
  // a burst of requests arrives, the later ones wait in the socket while the earlier
  // ones are parsed, and that wait must not lengthen their first-token delay.
  template <typename Handler>
  void receive(Handler handler) {
    socket_.async_wait(
        tcp::socket::wait_read,
        [self = shared_from_this(), handler = std::move(handler)](beast::error_code ec) mutable {
          if (ec) return handler(ec);
          const auto space = self->buffer_.prepare(64u << 10);
          iovec io{space.data(), space.size()};
          alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
          msghdr message{};
          message.msg_iov = &io;
          message.msg_iovlen = 1;
          message.msg_control = control;
          message.msg_controllen = sizeof control;
          const ssize_t n = ::recvmsg(self->socket_.native_handle(), &message, MSG_DONTWAIT);
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return self->receive(std::move(handler));
          if (n < 0) return handler(beast::error_code(errno, boost::system::system_category()));
          if (n == 0) return handler(asio::error::eof);
          self->buffer_.commit(static_cast<std::size_t>(n));
          if (!self->arrival_) self->arrival_ = arrival_time(message);
          handler(beast::error_code());
        });
  }

  static Clock::time_point arrival_time(msghdr& message) {
    const Clock::time_point now = Clock::now();
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
      timespec stamp;
      std::memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
      const auto received = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::seconds(stamp.tv_sec) + std::chrono::nanoseconds(stamp.tv_nsec)));
      // The stamp is wall-clock time; only its age is used, bounded in case the wall
      // clock was stepped meanwhile.
      const auto age = std::clamp<std::chrono::system_clock::duration>(
          std::chrono::system_clock::now() - received, std::chrono::seconds(0),
          std::chrono::seconds(1));
      return now - std::chrono::duration_cast<Clock::duration>(age);
    }
    return now;
  }

  void on_request(beast::error_code ec) {
    if (ec || closed_) {
      close();  // the client went away, or sent something that is not HTTP
      return;
    }
    // Taken for every request, so that a completion after a /health on the same
    // connection is timed from its own arrival.
    start_ = arrival_.value_or(Clock::now());
    arrival_.reset();
    const auto& request = parser_->get();
    keep_alive_ = request.keep_alive();
    std::string_view target(request.target().data(), request.target().size());
    target = target.substr(0, target.find('?'));

    if (target == "/v1/completions" || target == "/v1/chat/completions") {
      if (request.method() != http::verb::post) {
        respond(http::status::method_not_allowed, error_body("use POST", "invalid_request", 405));
        return;
      }
      ++shared_.completion_requests;
      start_completion(target == "/v1/chat/completions", request.body());
    } else if (target == "/v1/models" && request.method() == http::verb::get) {
      respond(http::status::ok,
              json::serialize(json::object{
                  {"object", "list"},
                  {"data", json::array{json::object{{"id", shared_.config.model},
                                                    {"object", "model"},
                                                    {"created", 0},
                                                    {"owned_by", "sse-test-server"}}}}}));
    } else if (target == "/health" && request.method() == http::verb::get) {
      respond(http::status::ok, R"({"status":"ok"})");
    } else if (target == "/plain" && request.method() == http::verb::get) {
      respond(http::status::ok, "hello from sse-test-server\n", "text/plain");
    } else {
      respond(http::status::not_found, error_body("no such endpoint", "not_found", 404));
    }
  }

  void start_completion(bool chat, const std::string& body) {
    const ServerConfig& config = shared_.config;
    plan_ = Plan{};
    plan_.chat = chat;
    plan_.mode = shared_.mode;
    plan_.tokens = config.tokens;
    plan_.ttft_ms = config.first_token_delay_ms;
    plan_.itl_ms = config.inter_token_delay_ms;
    plan_.id = std::to_string(shared_.next_id++);

    beast::error_code ec;
    const json::value root = json::parse(body, ec);
    const json::object* object = ec ? nullptr : root.if_object();
    if (!object) {
      respond(http::status::bad_request,
              error_body("the body is not a JSON object", "invalid_request", 400));
      return;
    }
    if (const auto* stream = object->if_contains("stream"))
      plan_.stream = stream->is_bool() && stream->get_bool();
    if (const auto* options = object->if_contains("stream_options");
        options && options->is_object())
      if (const auto* usage = options->get_object().if_contains("include_usage"))
        plan_.include_usage = usage->is_bool() && usage->get_bool();
    std::string text;
    if (const auto* prompt = object->if_contains(chat ? "messages" : "prompt")) {
      if (chat && prompt->is_array()) {
        for (const json::value& message : prompt->get_array())
          if (const auto* m = message.if_object())
            if (const auto* content = m->if_contains("content")) collect_text(*content, text);
      } else if (!chat) {
        collect_text(*prompt, text);
      }
    }
    plan_.prompt_tokens = count_words(text);
    if (std::string wrong = apply_markers(text, plan_); !wrong.empty()) {
      respond(http::status::bad_request, error_body(wrong, "invalid_request", 400));
      return;
    }

    switch (plan_.mode) {
      case Mode::http_500:
        respond(http::status::internal_server_error,
                error_body("injected failure", "server_error", 500));
        return;
      case Mode::http_429:
        respond(http::status::too_many_requests,
                error_body("too many requests", "rate_limit_exceeded", 429));
        return;
      case Mode::http_404:
        respond(http::status::not_found, error_body("no such model", "not_found", 404));
        return;
      default:
        break;
    }
    // While the response waits on its timers, a read notices a client that goes away.
    watch_client();
    if (plan_.stream)
      start_stream();
    else
      start_whole();
  }

  // ---- plain responses (Beast serializes them) ----

  void respond(http::status status, std::string body,
               std::string_view content_type = "application/json") {
    auto response = std::make_shared<http::response<http::string_body>>(status, 11);
    response->set(http::field::server, "sse-test-server");
    response->set(http::field::content_type, content_type);
    response->keep_alive(keep_alive_);
    response->body() = std::move(body);
    response->prepare_payload();
    http::async_write(socket_, *response,
                      [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->response_done();
                      });
  }

  void start_whole() {
    if (plan_.mode == Mode::stall) return;  // nothing ever comes; watch_client() waits
    timer_.expires_at(start_ + std::chrono::milliseconds(plan_.ttft_ms));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      self->respond(http::status::ok, self->whole_body());
    });
  }

  std::string whole_body() const {
    std::string text;
    for (unsigned i = 0; i < plan_.tokens; ++i) text += token_text(i);
    json::object choice{{"index", 0}, {"finish_reason", "length"}};
    if (plan_.chat)
      choice["message"] = json::object{{"role", "assistant"}, {"content", text}};
    else
      choice["text"] = text;
    return json::serialize(
        json::object{{"id", (plan_.chat ? "chatcmpl-" : "cmpl-") + plan_.id},
                     {"object", plan_.chat ? "chat.completion" : "text_completion"},
                     {"created", std::time(nullptr)},
                     {"model", shared_.config.model},
                     {"choices", json::array{std::move(choice)}},
                     {"usage", usage_object()}});
  }

  // ---- streamed responses (framed here) ----

  void start_stream() {
    pieces_per_chunk_ = plan_.mode == Mode::chunk_tokens ? 2 : 1;
    token_head_ = make_token_head();
    chunks_ = (plan_.tokens + pieces_per_chunk_ - 1) / pieces_per_chunk_;
    next_chunk_ = 0;
    after_first_done_ = false;
    usage_sent_ = false;
    done_sent_ = false;
    terminated_ = false;
    std::string headers =
        "HTTP/1.1 200 OK\r\n"
        "Server: sse-test-server\r\n"
        "Content-Type: text/event-stream\r\n"
        "Cache-Control: no-cache\r\n"
        "Transfer-Encoding: chunked\r\n";
    if (!keep_alive_) headers += "Connection: close\r\n";
    headers += "\r\n";
    out_.push_back(std::move(headers));
    write_next();
  }

  // Writes the queued pieces one write each (split mode relies on it), then asks the
  // stream for more.
  void write_next() {
    if (closed_) return;
    if (out_.empty()) return stream_next();
    asio::async_write(socket_, asio::buffer(out_.front()),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->out_.pop_front();
                        self->write_next();
                      });
  }

  void stream_next() {
    if (next_chunk_ >= 1 && !after_first_done_) {
      after_first_done_ = true;
      if (after_first_token()) return;
    }
    if (next_chunk_ < chunks_) {
      const unsigned chunk = next_chunk_++;
      // Deadlines from the request's arrival, not from the last write: late wake-ups
      // do not add up over a long stream.
      timer_.expires_at(start_ + std::chrono::milliseconds(plan_.ttft_ms) +
                        std::chrono::milliseconds(std::uint64_t{plan_.itl_ms} * chunk));
      timer_.async_wait([self = shared_from_this(), chunk](beast::error_code ec) {
        if (ec || self->closed_) return;
        self->queue_event(self->token_event(chunk));
        self->write_next();
      });
      return;
    }
    if (!usage_sent_) {
      usage_sent_ = true;
      if (plan_.include_usage && plan_.mode != Mode::no_usage) {
        queue_event(json::serialize(json::object{{"id", stream_id()},
                                                 {"object", stream_object()},
                                                 {"created", std::time(nullptr)},
                                                 {"model", shared_.config.model},
                                                 {"choices", json::array{}},
                                                 {"usage", usage_object()}}));
        return write_next();
      }
    }
    if (!done_sent_) {
      done_sent_ = true;
      if (plan_.mode != Mode::no_done) {
        queue_event("[DONE]");
        return write_next();
      }
    }
    if (!terminated_) {
      terminated_ = true;
      out_.push_back("0\r\n\r\n");
      return write_next();
    }
    response_done();
  }

  // The faults injected once the first token is out; true when the mode took over the
  // rest of the response.
  bool after_first_token() {
    switch (plan_.mode) {
      case Mode::stall:
        return true;  // watch_client() notices when the client gives up
      case Mode::garbage: {
        std::mt19937 random(static_cast<unsigned>(std::stoul(plan_.id)));
        std::string junk(512, '\0');
        for (char& c : junk) c = static_cast<char>(random());
        out_.push_back(chunk_frame(junk));
        out_.push_back("0\r\n\r\n");
        usage_sent_ = done_sent_ = terminated_ = true;
        next_chunk_ = chunks_;
        write_next();
        return true;
      }
      case Mode::endless_line:
        out_.push_back(chunk_frame("data: "));
        write_endless();
        return true;
      case Mode::bad_json:
        queue_raw_event("data: {not json");
        write_next();
        return true;
      case Mode::reset: {
        beast::error_code ignored;
        socket_.set_option(asio::socket_base::linger(true, 0), ignored);
        close();
        return true;
      }
      case Mode::error_event:
        queue_event(R"({"error":{"message":"boom"}})");
        next_chunk_ = chunks_;
        usage_sent_ = true;
        write_next();
        return true;
      default:
        return false;
    }
  }

  // A line that never ends, at whatever pace the client reads it; it stops when a write
  // fails because the client closed.
  void write_endless() {
    if (closed_) return;
    if (out_.empty()) out_.push_back(chunk_frame(std::string(kEndlessPieceBytes, 'x')));
    asio::async_write(socket_, asio::buffer(out_.front()),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->out_.pop_front();
                        self->write_endless();
                      });
  }

  std::string token_text(unsigned index) const { return "tok" + std::to_string(index) + " "; }
  std::string stream_id() const { return (plan_.chat ? "chatcmpl-" : "cmpl-") + plan_.id; }
  const char* stream_object() const {
    return plan_.chat ? "chat.completion.chunk" : "text_completion";
  }

  json::object usage_object() const {
    return json::object{{"prompt_tokens", plan_.prompt_tokens},
                        {"completion_tokens", plan_.tokens},
                        {"total_tokens", plan_.prompt_tokens + plan_.tokens}};
  }

  // Token events are built from a head serialized once per request: at a few hundred
  // concurrent streams, per-token JSON serialization would delay the tokens behind it.
  std::string token_event(unsigned chunk) const {
    std::string event = token_head_;
    const unsigned first = chunk * pieces_per_chunk_;
    for (unsigned i = first; i < first + pieces_per_chunk_ && i < plan_.tokens; ++i)
      event += token_text(i);  // "tokN ": nothing to escape
    event += '"';
    if (plan_.chat) {
      if (chunk == 0) event += R"(,"role":"assistant")";
      event += '}';
    } else {
      event += R"(,"logprobs":null)";
    }
    event +=
        chunk + 1 == chunks_ ? R"(,"finish_reason":"length"}]})" : R"(,"finish_reason":null}]})";
    return event;
  }

  std::string make_token_head() const {
    std::string head = json::serialize(json::object{{"id", stream_id()},
                                                    {"object", stream_object()},
                                                    {"created", std::time(nullptr)},
                                                    {"model", shared_.config.model}});
    head.pop_back();  // the closing brace: choices follow
    head += plan_.chat ? R"(,"choices":[{"index":0,"delta":{"content":")"
                       : R"(,"choices":[{"index":0,"text":")";
    return head;
  }

  void queue_event(std::string_view data) { queue_raw_event("data: " + std::string(data)); }

  // One event: its line, the blank line, in this mode's line ends and pieces.
  void queue_raw_event(const std::string& line) {
    const bool crlf = plan_.mode == Mode::crlf || plan_.mode == Mode::split;
    const std::string event = line + (crlf ? "\r\n\r\n" : "\n\n");
    if (plan_.mode != Mode::split) {
      out_.push_back(chunk_frame(event));
      return;
    }
    // Cut inside the field name, inside the value, between the CR and LF of the line's
    // end and of the blank line: the client must reassemble all of them.
    const std::size_t n = event.size();
    const std::size_t cuts[] = {0, 3, 3 + (n - 7) / 2, n - 3, n - 1, n};
    for (std::size_t i = 0; i + 1 < std::size(cuts); ++i)
      out_.push_back(chunk_frame(std::string_view(event).substr(cuts[i], cuts[i + 1] - cuts[i])));
  }

  // ---- the connection ----

  // Keeps one read pending while a completion is answered: it sees the client close
  // (stall and endless_line would otherwise never notice), and it holds the start of a
  // next, pipelined request for read_request().
  void watch_client() {
    if (watching_ || closed_ || buffer_.size() >= kMaxBufferedRequestBytes) return;
    watching_ = true;
    receive([self = shared_from_this()](beast::error_code ec) {
      self->watching_ = false;
      if (ec) return self->close();
      if (self->read_when_watched_) {
        self->read_when_watched_ = false;
        return self->read_request();
      }
      // The client sent (the start of) its next request before this response ended: stop
      // watching, so that response_done() reads it at once. Watching on would wait for
      // bytes that never come while the request sits in buffer_ (a keep-alive client
      // that sends its next request on [DONE] hung on that for its timeout).
      if (self->buffer_.size() > 0) return;
      self->watch_client();
    });
  }

  void response_done() {
    if (closed_) return;
    if (!keep_alive_) {
      beast::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_send, ignored);
      return close();
    }
    // The pending watch read owns the socket's read side until it completes.
    if (watching_)
      read_when_watched_ = true;
    else
      read_request();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    beast::error_code ignored;
    socket_.close(ignored);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = true;
  bool closed_ = false;
  bool watching_ = false;
  bool read_when_watched_ = false;

  Plan plan_;
  Clock::time_point start_;
  std::optional<Clock::time_point> arrival_;  // of the next request's first bytes
  std::deque<std::string> out_;
  std::string token_head_;
  unsigned pieces_per_chunk_ = 1;
  unsigned chunks_ = 0;
  unsigned next_chunk_ = 0;
  bool after_first_done_ = false;
  bool usage_sent_ = false;
  bool done_sent_ = false;
  bool terminated_ = false;
};

}  // namespace

struct Server::Impl {
  Shared shared;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_retry{io};
  unsigned short port = 0;
  std::vector<std::thread> threads;

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        // Out of descriptors, most likely: try again shortly instead of spinning.
        accept_retry.expires_after(std::chrono::milliseconds(10));
        accept_retry.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      ++shared.connections;
      beast::error_code ignored;
      // Tokens are small writes spaced in time: Nagle would hold them for the peer's ACK.
      socket.set_option(tcp::no_delay(true), ignored);
      // Arrival times of the requests (Session::receive).
      const int on = 1;
      ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
      std::make_shared<Session>(std::move(socket), shared)->start();
      accept();
    });
  }
};

Server::Server(ServerConfig config) : impl_(std::make_unique<Impl>()) {
  const auto mode = parse_mode(config.mode);
  if (!mode) throw std::invalid_argument("sse-test-server: unknown mode '" + config.mode + "'");
  if (config.threads == 0) config.threads = 1;
  impl_->shared.mode = *mode;
  impl_->shared.config = std::move(config);
  const ServerConfig& c = impl_->shared.config;

  beast::error_code ec;
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), c.port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("sse-test-server: cannot listen on 127.0.0.1:" +
                             std::to_string(c.port) + ": " + ec.message());
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  for (unsigned i = 0; i < c.threads; ++i) impl_->threads.emplace_back([this] { impl_->io.run(); });
}

Server::~Server() {
  // Open connections are not waited for: their pending handlers, and with them the
  // sessions and sockets, are destroyed with the io_context.
  impl_->io.stop();
  for (std::thread& thread : impl_->threads) thread.join();
}

unsigned short Server::port() const { return impl_->port; }

std::string Server::base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }

std::uint64_t Server::completion_requests() const {
  return impl_->shared.completion_requests.load();
}

std::uint64_t Server::connections() const { return impl_->shared.connections.load(); }

}  // namespace sse_test
