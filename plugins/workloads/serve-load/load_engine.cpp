// SPDX-License-Identifier: MIT
// The load generator (see load_engine.hpp): users, their connection pools and the life of
// one streamed request.
#include "serve-load/load_engine.hpp"

#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "serve-load/sse_parser.hpp"

namespace serve_load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

std::uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;      // bytes per read of a response body
constexpr std::size_t kErrorBodyKept = 64 * 1024;  // of a non-200 body
constexpr std::size_t kPlainBodyLimit = 16 << 20;  // a non-streamed completion
constexpr std::size_t kDetailBytes = 200;          // of a body quoted in a failure

// Printable ASCII of the first bytes of `text`, for failure details and logs.
std::string excerpt(std::string_view text, std::size_t bytes = kDetailBytes) {
  std::string out;
  for (const char c : text.substr(0, bytes))
    out += (c >= 0x20 && c < 0x7f) ? c : (c == '\n' || c == '\r' || c == '\t' ? ' ' : '?');
  if (text.size() > bytes) out += "...";
  return out;
}

// One keep-alive connection. Everything done with it runs on its strand.
struct Connection {
  explicit Connection(asio::io_context& ioc) : socket(asio::make_strand(ioc)) {}
  tcp::socket socket;
  beast::flat_buffer buffer;
};

class Engine;

// A request from its send to its last byte; holds itself alive through its handlers.
class Request : public std::enable_shared_from_this<Request> {
 public:
  Request(Engine& engine, std::uint32_t user, std::uint32_t index, RequestRecord& record)
      : engine_(engine), user_(user), index_(index), record_(record) {}
  void start();

 private:
  void attempt(bool fresh_connection);
  void on_timer(const error_code& ec, unsigned generation);
  void connect();
  void write();
  void on_write(const error_code& ec);
  void on_header(const error_code& ec);
  void read_body();
  void on_body(error_code ec);
  void on_events(std::uint64_t t);
  void end_of_response(std::uint64_t t);
  void end_of_error_body();
  // [DONE] has come: a success, unless no content came before it.
  void finish_after_done();
  void finish(Failure failure, std::string detail, std::uint64_t t = 0);
  // A reused keep-alive connection the server had closed: once, try a fresh one.
  bool retry_stale(const error_code& ec);
  Failure io_failure() const;

  Engine& engine_;
  std::uint32_t user_, index_;
  RequestRecord& record_;
  std::shared_ptr<Connection> conn_;
  std::unique_ptr<asio::steady_timer> timer_;
  std::atomic<unsigned> generation_{0};  // of attempts; a timer of an earlier attempt is ignored
  bool reused_ = false, stale_retried_ = false, include_usage_ = true;
  bool timed_out_ = false, done_ = false, done_seen_ = false;
  std::uint64_t done_ns_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  std::optional<http::response_parser<http::buffer_body>> parser_;
  std::array<char, kReadChunk> read_buffer_{};
  std::optional<SseParser> sse_;
  std::vector<std::string> events_;
  std::string body_;  // a non-200 body or a non-streamed completion
};

struct User {
  std::mutex mutex;  // the idle pool, taken from request strands
  std::vector<std::shared_ptr<Connection>> idle;
  std::vector<std::uint64_t> offsets_ns;  // open loop: when each request leaves
  std::uint32_t prompt_offset = 0;
  std::uint32_t next = 0;                     // the next request to send
  std::unique_ptr<asio::steady_timer> timer;  // open loop: the schedule
};

class Engine {
 public:
  Engine(const LoadSpec& spec, LoadResult& result) : spec_(spec), result_(result) {
    if (spec.prompts.empty()) throw std::invalid_argument("no prompts to send");
    if (spec.users == 0 || spec.prompts_per_user == 0)
      throw std::invalid_argument("no requests to send (users and prompts_per_user >= 1)");
    // Every request as it goes on the wire, made once: the load sends bytes, it does not
    // format them.
    std::string head = "POST " + spec.server.prefix + endpoint_path(spec.endpoint) +
                       " HTTP/1.1\r\nHost: " + spec.server.host_header() +
                       "\r\nUser-Agent: benchlab-serve-load/1.0\r\nContent-Type: "
                       "application/json\r\nAccept: " +
                       (spec.stream ? "text/event-stream" : "application/json") + "\r\n";
    if (!spec.api_key.empty()) head += "Authorization: Bearer " + spec.api_key + "\r\n";
    for (const Prompt& prompt : spec.prompts)
      for (const bool usage : {false, true}) {
        const std::string body = request_body(spec, prompt, usage);
        wires_[usage ? 1 : 0].push_back(head + "Content-Length: " + std::to_string(body.size()) +
                                        "\r\n\r\n" + body);
      }
    result_.requests.resize(spec.total_requests());
    users_.reserve(spec.users);
    for (std::uint32_t u = 0; u < spec.users; ++u) {
      auto user = std::make_unique<User>();
      ScheduleRandom pick(spec.seed ^ 0x70726f6d707473ull, u);  // which prompt comes first
      user->prompt_offset = static_cast<std::uint32_t>(pick.next() % spec.prompts.size());
      if (spec.rate > 0)
        user->offsets_ns = arrival_offsets_ns(spec.arrival, spec.rate, spec.prompts_per_user,
                                              spec.seed, u, spec.users);
      users_.push_back(std::move(user));
    }
  }

  void run(const LoadMonitor& monitor) {
    if (!resolve()) return;
    auto work = asio::make_work_guard(ioc_);
    start_ = std::chrono::steady_clock::now();
    for (std::uint32_t u = 0; u < spec_.users; ++u) {
      if (spec_.rate > 0) {
        users_[u]->timer = std::make_unique<asio::steady_timer>(asio::make_strand(ioc_));
        schedule_next(u);
      } else {
        launch(u);
      }
    }
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < std::max(1u, spec_.io_threads); ++i)
      threads.emplace_back([this] { ioc_.run(); });
    const std::uint32_t total = spec_.total_requests();
    {
      std::unique_lock lock(done_mutex_);
      for (;;) {
        if (done_cv_.wait_for(lock, std::chrono::milliseconds(100),
                              [&] { return done_.load() == total; }))
          break;
        lock.unlock();
        if (monitor.progress) monitor.progress(done_.load(), total);
        const bool stop = monitor.cancelled && monitor.cancelled();
        lock.lock();
        if (stop) {
          result_.cancelled = true;
          break;
        }
      }
    }
    if (monitor.progress) monitor.progress(done_.load(), total);
    // Every request has ended (or the load is cancelled): nothing more to wait for.
    work.reset();
    ioc_.stop();
    for (std::thread& t : threads) t.join();
    for (auto& user : users_) user->idle.clear();
    result_.usage_rejected = usage_rejected_.load();
    result_.connections_opened = connections_.load();
    for (RequestRecord& r : result_.requests)
      if (!r.finished) {
        r.failure = Failure::cancelled;
        r.detail = "the trial was cancelled";
      }
  }

  // [io thread] Request `index` of `user` as sent (head and body), with or without
  // include_usage.
  const std::string& wire(std::uint32_t user, std::uint32_t index, bool include_usage) const {
    const std::size_t prompt = (users_[user]->prompt_offset + index) % spec_.prompts.size();
    return wires_[include_usage ? 1 : 0][prompt];
  }
  // [io thread] An idle keep-alive connection of the user's pool, or a new one.
  std::shared_ptr<Connection> connection(std::uint32_t user, bool fresh, bool& reused) {
    if (!fresh) {
      const std::lock_guard lock(users_[user]->mutex);
      auto& idle = users_[user]->idle;
      if (!idle.empty()) {
        auto conn = std::move(idle.back());
        idle.pop_back();
        reused = true;
        return conn;
      }
    }
    reused = false;
    connections_.fetch_add(1, std::memory_order_relaxed);
    return std::make_shared<Connection>(ioc_);
  }
  // [io thread] A connection whose last response ended cleanly goes back to the pool.
  void give_back(std::uint32_t user, std::shared_ptr<Connection> conn) {
    const std::lock_guard lock(users_[user]->mutex);
    users_[user]->idle.push_back(std::move(conn));
  }
  // [io thread] Request `index` of `user` has ended; the closed loop sends the next one.
  void request_done(std::uint32_t user) {
    if (spec_.rate <= 0) launch(user);
    if (done_.fetch_add(1) + 1 == spec_.total_requests()) {
      const std::lock_guard lock(done_mutex_);
      done_cv_.notify_all();
    }
  }

  const LoadSpec& spec() const { return spec_; }
  const tcp::resolver::results_type& endpoints() const { return endpoints_; }
  asio::io_context& ioc() { return ioc_; }
  std::atomic<bool>& usage_rejected() { return usage_rejected_; }
  RequestRecord& record(std::uint32_t user, std::uint32_t index) {
    return result_.requests[std::size_t{user} * spec_.prompts_per_user + index];
  }

 private:
  bool resolve() {
    error_code ec;
    tcp::resolver resolver(ioc_);
    endpoints_ = resolver.resolve(spec_.server.host, spec_.server.port, ec);
    if (!ec) return true;
    const std::uint64_t t = monotonic_ns();
    for (RequestRecord& r : result_.requests) {
      r.finished = true;
      r.failure = Failure::unreachable;
      r.detail = "resolve " + spec_.server.host + ": " + ec.message();
      r.start_ns = r.end_ns = t;
    }
    return false;
  }

  // The next request of `user`, now.
  void launch(std::uint32_t user) {
    User& u = *users_[user];
    std::uint32_t index = 0;
    {
      const std::lock_guard lock(u.mutex);
      if (u.next >= spec_.prompts_per_user) return;
      index = u.next++;
    }
    RequestRecord& rec = record(user, index);
    rec.user = user;
    std::make_shared<Request>(*this, user, index, rec)->start();
  }

  // Open loop: waits for the next request's time on the user's timer, sends it, repeats.
  void schedule_next(std::uint32_t user) {
    User& u = *users_[user];
    std::uint32_t next = 0;
    {
      const std::lock_guard lock(u.mutex);
      next = u.next;
    }
    if (next >= spec_.prompts_per_user) return;
    u.timer->expires_at(start_ + std::chrono::nanoseconds(u.offsets_ns[next]));
    u.timer->async_wait([this, user](const error_code& ec) {
      if (ec) return;
      launch(user);
      schedule_next(user);
    });
  }

  const LoadSpec& spec_;
  LoadResult& result_;
  asio::io_context ioc_;  // before the users: their sockets must go first
  tcp::resolver::results_type endpoints_;
  std::array<std::vector<std::string>, 2> wires_;  // per prompt: without, with include_usage
  std::vector<std::unique_ptr<User>> users_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<std::uint32_t> done_{0};
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<bool> usage_rejected_{false};
  std::mutex done_mutex_;
  std::condition_variable done_cv_;
};

void Request::start() {
  record_.start_ns = monotonic_ns();
  deadline_ = std::chrono::steady_clock::now() +
              std::chrono::nanoseconds(static_cast<std::int64_t>(engine_.spec().timeout_s * 1e9));
  include_usage_ = engine_.spec().stream && engine_.spec().include_usage &&
                   !engine_.usage_rejected().load(std::memory_order_relaxed);
  attempt(false);
}

void Request::attempt(bool fresh_connection) {
  if (timer_) timer_->cancel();
  if (conn_) {
    error_code ignored;
    conn_->socket.close(ignored);
  }
  const unsigned generation = ++generation_;
  conn_ = engine_.connection(user_, fresh_connection, reused_);
  timer_ = std::make_unique<asio::steady_timer>(conn_->socket.get_executor());
  timer_->expires_at(deadline_);
  timer_->async_wait([self = shared_from_this(), generation](const error_code& ec) {
    self->on_timer(ec, generation);
  });
  asio::dispatch(conn_->socket.get_executor(), [self = shared_from_this()] {
    if (self->reused_)
      self->write();
    else
      self->connect();
  });
}

void Request::on_timer(const error_code& ec, unsigned generation) {
  if (ec || generation != generation_ || done_) return;
  // The pending operation completes with operation_aborted and sees timed_out_.
  timed_out_ = true;
  error_code ignored;
  conn_->socket.cancel(ignored);
  conn_->socket.close(ignored);
}

void Request::connect() {
  if (timed_out_) return finish(Failure::timeout, "no connection within the timeout");
  asio::async_connect(
      conn_->socket, engine_.endpoints(),
      [self = shared_from_this()](const error_code& ec, const tcp::endpoint&) {
        if (self->timed_out_)
          return self->finish(Failure::timeout, "no connection within the timeout");
        if (ec) {
          const ServerUrl& s = self->engine_.spec().server;
          return self->finish(
              ec == asio::error::connection_refused ? Failure::refused : Failure::unreachable,
              "connect to " + s.host_header() + ": " + ec.message());
        }
        error_code ignored;
        self->conn_->socket.set_option(tcp::no_delay(true), ignored);
        self->write();
      });
}

void Request::write() {
  // Tried at once, without a trip through the event loop, so that written_ns is taken as
  // the kernel accepts the last byte; a request the socket buffer cannot take whole
  // continues asynchronously.
  const std::string& wire = engine_.wire(user_, index_, include_usage_);
  error_code ec;
  conn_->socket.non_blocking(true, ec);
  std::size_t sent = ec ? 0 : conn_->socket.write_some(asio::buffer(wire), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec = {};
    sent = 0;
  }
  if (ec || sent == wire.size()) return on_write(ec);
  asio::async_write(
      conn_->socket, asio::buffer(wire.data() + sent, wire.size() - sent),
      [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_write(ec); });
}

Failure Request::io_failure() const { return timed_out_ ? Failure::timeout : Failure::reset; }

bool Request::retry_stale(const error_code& ec) {
  if (!reused_ || stale_retried_ || timed_out_) return false;
  if (ec != http::error::end_of_stream && ec != asio::error::connection_reset &&
      ec != asio::error::broken_pipe && ec != asio::error::eof)
    return false;
  stale_retried_ = true;
  attempt(true);
  return true;
}

void Request::on_write(const error_code& ec) {
  if (timed_out_) return finish(Failure::timeout, "the request could not be written in time");
  if (ec) {
    if (retry_stale(ec)) return;
    return finish(io_failure(), "write: " + ec.message());
  }
  record_.written_ns = monotonic_ns();
  parser_.emplace();
  parser_->body_limit(boost::none);  // bounded by the SSE parser's limits and the timeout
  http::async_read_header(
      conn_->socket, conn_->buffer, *parser_,
      [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_header(ec); });
}

void Request::on_header(const error_code& ec) {
  if (timed_out_) return finish(Failure::timeout, "no response header within the timeout");
  if (ec) {
    if (retry_stale(ec)) return;
    return finish(io_failure(), "reading the response header: " + ec.message());
  }
  const auto& response = parser_->get();
  record_.http_status = static_cast<int>(response.result_int());
  body_.clear();
  if (record_.http_status / 100 != 2) {
    if (record_.http_status == 400 && include_usage_) {
      // Some servers refuse stream_options: once without it, on a new connection.
      include_usage_ = false;
      record_.retried_without_usage = true;
      return attempt(true);
    }
  } else if (engine_.spec().stream) {
    const std::string_view type = response[http::field::content_type];
    if (type.find("text/event-stream") == std::string_view::npos)
      return finish(
          Failure::malformed_event,
          "expected a text/event-stream response, got Content-Type '" + excerpt(type, 60) + "'");
    sse_.emplace();
  }
  read_body();
}

void Request::read_body() {
  if (parser_->is_done()) {
    if (record_.http_status / 100 != 2) return end_of_error_body();
    return end_of_response(monotonic_ns());
  }
  parser_->get().body().data = read_buffer_.data();
  parser_->get().body().size = read_buffer_.size();
  http::async_read_some(
      conn_->socket, conn_->buffer, *parser_,
      [self = shared_from_this()](error_code ec, std::size_t) { self->on_body(ec); });
}

void Request::on_body(error_code ec) {
  // The read time, before anything else touches the bytes.
  const std::uint64_t t = monotonic_ns();
  if (timed_out_) {
    if (done_seen_) return finish_after_done();
    return finish(Failure::timeout, "the response did not end within the timeout");
  }
  if (ec == http::error::need_buffer) ec = {};
  const std::size_t got = read_buffer_.size() - parser_->get().body().size;
  const std::string_view bytes(read_buffer_.data(), got);
  const bool success_status = record_.http_status / 100 == 2;
  if (!success_status) {
    if (body_.size() < kErrorBodyKept) body_.append(bytes.substr(0, kErrorBodyKept - body_.size()));
    if (ec || parser_->is_done() || body_.size() >= kErrorBodyKept) return end_of_error_body();
    return read_body();
  }
  if (got > 0) {
    if (sse_) {
      if (sse_->feed(bytes, events_) != SseParser::Status::ok) {
        on_events(t);
        if (done_) return;
        return finish(Failure::malformed_event, describe(sse_->status(), *sse_), t);
      }
      on_events(t);
      if (done_) return;
    } else {
      if (body_.size() + got > kPlainBodyLimit)
        return finish(Failure::malformed_event, "a completion larger than 16 MiB", t);
      body_.append(bytes);
    }
  }
  if (ec) {
    if (done_seen_) return finish_after_done();
    return finish(io_failure(), "the response broke off: " + ec.message(), t);
  }
  if (parser_->is_done()) return end_of_response(t);
  read_body();
}

void Request::on_events(std::uint64_t t) {
  const Endpoint endpoint = engine_.spec().endpoint;
  for (const std::string& data : events_) {
    if (done_seen_) break;
    const StreamChunk chunk = decode_chunk(data, endpoint);
    switch (chunk.kind) {
      case StreamChunk::Kind::done:
        done_seen_ = true;
        done_ns_ = t;
        break;
      case StreamChunk::Kind::error:
        events_.clear();
        return finish(chunk.error.rfind("server error", 0) == 0 ? Failure::server_error
                                                                : Failure::malformed_event,
                      chunk.error, t);
      case StreamChunk::Kind::data:
        if (chunk.content_bytes > 0) {
          if (record_.first_content_ns == 0) record_.first_content_ns = t;
          record_.content_ns.push_back(t);
          ++record_.content_chunks;
        }
        if (chunk.completion_tokens) {
          record_.usage_seen = true;
          record_.usage_completion_tokens = *chunk.completion_tokens;
        }
        break;
    }
  }
  events_.clear();
}

void Request::end_of_response(std::uint64_t t) {
  if (!engine_.spec().stream) {
    error_code ec;
    const boost::json::value value = boost::json::parse(body_, ec);
    if (ec || !value.is_object())
      return finish(Failure::malformed_event,
                    "the completion is not a JSON object: " + excerpt(body_, 60), t);
    const boost::json::object& object = value.as_object();
    if (object.contains("error"))
      return finish(Failure::server_error,
                    "server error: " + excerpt(boost::json::serialize(object.at("error"))), t);
    const auto* choices = object.if_contains("choices");
    if (choices == nullptr || !choices->is_array() || choices->as_array().empty())
      return finish(Failure::malformed_event, "the completion has no choices", t);
    record_.first_content_ns = t;
    record_.content_chunks = 1;
    if (const auto* usage = object.if_contains("usage"); usage && usage->is_object())
      if (const auto* tokens = usage->as_object().if_contains("completion_tokens");
          tokens && tokens->is_int64() && tokens->as_int64() >= 0) {
        record_.usage_seen = true;
        record_.usage_completion_tokens = static_cast<std::uint64_t>(tokens->as_int64());
      }
    return finish(Failure::none, {}, t);
  }
  if (!done_seen_)
    return finish(Failure::no_done,
                  sse_ && !sse_->at_event_boundary()
                      ? "the stream ended inside an event, without data: [DONE]"
                      : "the stream ended without data: [DONE]",
                  t);
  finish_after_done();
}

void Request::finish_after_done() {
  if (record_.content_chunks == 0)
    return finish(Failure::no_content, "the stream ended with [DONE] but carried no content",
                  done_ns_);
  finish(Failure::none, {}, done_ns_);
}

void Request::end_of_error_body() {
  finish(Failure::http_status,
         "HTTP " + std::to_string(record_.http_status) +
             (body_.empty() ? std::string() : ": " + excerpt(body_)),
         monotonic_ns());
}

void Request::finish(Failure failure, std::string detail, std::uint64_t t) {
  if (done_) return;
  done_ = true;
  if (timer_) timer_->cancel();
  record_.finished = true;
  record_.failure = failure;
  record_.detail = std::move(detail);
  record_.end_ns = t != 0 ? t : monotonic_ns();
  if (failure == Failure::none && record_.retried_without_usage)
    engine_.usage_rejected().store(true, std::memory_order_relaxed);
  // A connection goes back to the pool only after a response that ended cleanly and
  // lets it live; anything else may have left bytes of a broken response in it.
  if (failure == Failure::none && !timed_out_ && parser_ && parser_->is_done() &&
      parser_->keep_alive()) {
    engine_.give_back(user_, std::move(conn_));
  } else if (conn_) {
    error_code ignored;
    conn_->socket.close(ignored);
  }
  engine_.request_done(user_);
}

}  // namespace

LoadResult run_load(const LoadSpec& spec, const LoadMonitor& monitor) {
  LoadResult result;
  Engine engine(spec, result);
  engine.run(monitor);
  return result;
}

}  // namespace serve_load
