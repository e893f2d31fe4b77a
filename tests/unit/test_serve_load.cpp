// SPDX-License-Identifier: MIT
// serve-load: the arrival schedules, the load generator against a real loopback
// OpenAI-compatible streaming server (tests/sse_server) in every failure mode it offers,
// the plugin through its C ABI with and without the host's values extension, and
// `benchlab run serve-load` against the sse-test-server program.
#include <benchlab/ext/values.h>
#include <benchlab/plugin.h>
#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/process.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "serve-load/arrival_schedule.hpp"
#include "serve-load/http_get.hpp"
#include "serve-load/load_engine.hpp"
#include "serve-load/prompt_set.hpp"
#include "serve-load/server_process.hpp"
#include "serve-load/server_url.hpp"
#include "serve-load/trial_summary.hpp"
#include "sse_test_server.hpp"
#include "unit_support.hpp"

using namespace serve_load;
using Catch::Matchers::Contains;

namespace {

// A LoadSpec aimed at `server`, closed loop, the built-in prompts.
LoadSpec spec_for(const sse_test::Server& server, std::uint32_t users, std::uint32_t per_user) {
  LoadSpec spec;
  spec.server = parse_server_url(server.base_url());
  spec.model = "test-model";
  spec.users = users;
  spec.prompts_per_user = per_user;
  spec.rate = 0;
  spec.prompts = builtin_prompts();
  spec.timeout_s = 10;
  spec.io_threads = 2;
  return spec;
}

sse_test::ServerConfig config(const std::string& mode = "ok", unsigned tokens = 8) {
  sse_test::ServerConfig c;
  c.mode = mode;
  c.tokens = tokens;
  return c;
}

// A port on 127.0.0.1 that nothing listens on: bound, then released.
unsigned short closed_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const unsigned short port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

}  // namespace

// ---- arrival schedules ----

TEST_CASE("serve-load: Poisson gaps have mean 1/rate, an exponential shape and dispersion 1",
          "[serve-load][schedule]") {
  constexpr std::uint32_t n = 20000;
  constexpr double rate = 10;
  for (std::uint32_t user : {0u, 1u, 7u}) {
    CAPTURE(user);
    const auto at = arrival_offsets_ns(Arrival::poisson, rate, n, 42, user, 8);
    REQUIRE(at.size() == n);
    std::vector<double> gaps;
    double previous = 0;
    for (const std::uint64_t t : at) {
      gaps.push_back(t / 1e9 - previous);
      previous = t / 1e9;
    }
    // Mean within 4 standard errors (the exponential's sd equals its mean).
    const double mean = mean_of(gaps);
    CHECK(std::abs(mean - 1 / rate) < 4 * (1 / rate) / std::sqrt(n));
    // Kolmogorov-Smirnov against the exponential CDF, at the 1% level.
    std::sort(gaps.begin(), gaps.end());
    double d = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      const double cdf = 1 - std::exp(-rate * gaps[i]);
      d = std::max({d, std::abs(cdf - static_cast<double>(i) / n),
                    std::abs(cdf - static_cast<double>(i + 1) / n)});
    }
    CHECK(d < 1.628 / std::sqrt(n));
    // Counts per one-second window: a Poisson count has variance = mean.
    std::vector<double> counts(static_cast<std::size_t>(at.back() / 1000000000ull), 0.0);
    for (const std::uint64_t t : at)
      if (t / 1000000000ull < counts.size()) counts[t / 1000000000ull] += 1;
    const double m = mean_of(counts);
    double var = 0;
    for (double c : counts) var += (c - m) * (c - m);
    var /= static_cast<double>(counts.size() - 1);
    CHECK(var / m > 0.85);
    CHECK(var / m < 1.15);
  }
}

TEST_CASE("serve-load: schedules are seeded per user; constant arrivals are evenly phased",
          "[serve-load][schedule]") {
  CHECK(arrival_offsets_ns(Arrival::poisson, 2, 50, 7, 3, 4) ==
        arrival_offsets_ns(Arrival::poisson, 2, 50, 7, 3, 4));
  CHECK(arrival_offsets_ns(Arrival::poisson, 2, 50, 7, 3, 4) !=
        arrival_offsets_ns(Arrival::poisson, 2, 50, 7, 2, 4));
  CHECK(arrival_offsets_ns(Arrival::poisson, 2, 50, 7, 3, 4) !=
        arrival_offsets_ns(Arrival::poisson, 2, 50, 8, 3, 4));
  // The first request waits a gap too: no burst of every user at time zero.
  CHECK(arrival_offsets_ns(Arrival::poisson, 2, 1, 7, 0, 4)[0] > 0);

  const auto user0 = arrival_offsets_ns(Arrival::constant, 4, 5, 0, 0, 2);
  const auto user1 = arrival_offsets_ns(Arrival::constant, 4, 5, 0, 1, 2);
  CHECK(user0 == std::vector<std::uint64_t>{0, 250000000, 500000000, 750000000, 1000000000});
  CHECK(user1 ==
        std::vector<std::uint64_t>{125000000, 375000000, 625000000, 875000000, 1125000000});
}

// ---- parts ----

TEST_CASE("serve-load: base_url forms, and what is refused", "[serve-load]") {
  const ServerUrl a = parse_server_url("http://127.0.0.1:8080");
  CHECK(a.host == "127.0.0.1");
  CHECK(a.port == "8080");
  CHECK(a.prefix.empty());
  CHECK(parse_server_url("http://gpu-box/v1/").prefix.empty());
  CHECK(parse_server_url("http://gpu-box/v1/").port == "80");
  CHECK(parse_server_url("http://h:1/proxy/v1").prefix == "/proxy");
  const ServerUrl v6 = parse_server_url("http://[::1]:9000");
  CHECK(v6.host == "::1");
  CHECK(v6.host_header() == "[::1]:9000");
  CHECK_THROWS_WITH(parse_server_url("https://api.example.com"), Contains("https is not spoken"));
  CHECK_THROWS_WITH(parse_server_url("127.0.0.1:8080"), Contains("must start with http://"));
  CHECK_THROWS_WITH(parse_server_url("http://h:99999"), Contains("port"));
  CHECK_THROWS_WITH(parse_server_url("http://user:pw@h:1"), Contains("api_key_env"));
}

TEST_CASE("serve-load: server commands split like a shell's simple quoting", "[serve-load]") {
  CHECK(split_command("vllm serve  Qwen/Qwen3 --port 8000") ==
        std::vector<std::string>{"vllm", "serve", "Qwen/Qwen3", "--port", "8000"});
  CHECK(split_command(R"(a 'b c' "d \"e\" $f" g\ h '')") ==
        std::vector<std::string>{"a", "b c", "d \"e\" $f", "g h", ""});
  CHECK_THROWS_WITH(split_command("a 'b"), Contains("unclosed '"));
  CHECK_THROWS_WITH(split_command("a \"b"), Contains("unclosed \""));
  CHECK_THROWS_WITH(split_command("   "), Contains("empty"));
}

TEST_CASE("serve-load: prompt files, and request bodies for both endpoints", "[serve-load]") {
  unit::TempDir dir;
  const auto file = dir.path / "p.jsonl";
  std::ofstream(file) << "{\"prompt\": \"hello\"}\n\n"
                      << "{\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"}, "
                         "{\"role\": \"user\", \"content\": \"hi\"}]}\n";
  const auto prompts = load_prompts(file);
  REQUIRE(prompts.size() == 2);
  CHECK(prompts[0].text == "hello");
  CHECK(prompts[1].is_chat());

  std::ofstream(dir.path / "bad.jsonl") << "{\"prompt\": \"ok\"}\n{\"text\": 1}\n";
  CHECK_THROWS_WITH(load_prompts(dir.path / "bad.jsonl"), Contains("bad.jsonl:2"));
  CHECK(builtin_prompts().size() >= 20);

  LoadSpec spec;
  spec.model = "m";
  spec.max_tokens = 7;
  spec.ignore_eos = true;
  const auto body = boost::json::parse(request_body(spec, prompts[1], true)).as_object();
  CHECK(body.at("prompt").as_string() == "be brief\n\nhi");
  CHECK(body.at("max_tokens").as_int64() == 7);
  CHECK(body.at("ignore_eos").as_bool());
  CHECK(body.at("stream").as_bool());
  CHECK(body.at("stream_options").at("include_usage").as_bool());
  spec.endpoint = Endpoint::chat;
  const auto chat = boost::json::parse(request_body(spec, prompts[0], false)).as_object();
  CHECK(chat.at("messages").at(0).at("content").as_string() == "hello");
  CHECK_FALSE(chat.contains("stream_options"));
}

TEST_CASE("serve-load: TPOT is vLLM's (e2e - ttft) / (tokens - 1); goodput counts the SLOs",
          "[serve-load]") {
  LoadResult load;
  RequestRecord a;  // 11 tokens: ttft 100 ms, e2e 300 ms -> tpot 20 ms
  a.finished = true;
  a.start_ns = 1000000000;
  a.written_ns = 1000000000;
  a.first_content_ns = 1100000000;
  a.end_ns = 1300000000;
  a.content_ns = {1100000000, 1150000000, 1300000000};
  a.content_chunks = 3;
  a.usage_seen = true;
  a.usage_completion_tokens = 11;
  RequestRecord b = a;  // one token: no TPOT; ttft 400 ms
  b.first_content_ns = b.end_ns = 1400000000;
  b.content_ns = {1400000000};
  b.usage_completion_tokens = 1;
  RequestRecord c;  // failed
  c.finished = true;
  c.failure = Failure::http_status;
  c.http_status = 503;
  c.detail = "HTTP 503: busy";
  c.start_ns = 1000000000;
  c.end_ns = 2000000000;
  load.requests = {a, b, c};
  const TrialSummary s = summarise(load, Slo{150, 25});
  CHECK(s.succeeded == 2);
  CHECK(s.failed == 1);
  REQUIRE(s.tpot_ms.size() == 1);
  CHECK(s.tpot_ms[0] == Approx(20.0));
  CHECK(s.ttft_ms == std::vector<double>{100.0, 400.0});
  CHECK(s.itl_ms == std::vector<double>{50.0, 150.0});
  CHECK(s.duration_s == Approx(1.0));
  CHECK(s.request_throughput == Approx(2.0));
  CHECK(s.output_throughput == Approx(12.0));
  REQUIRE(s.goodput);
  CHECK(*s.goodput == Approx(1.0));  // b misses the TTFT objective
  CHECK(s.failure_text() == "1 http_503 (HTTP 503: busy)");
  CHECK_FALSE(summarise(load, Slo{}).goodput);
  CHECK(percentile_of({1, 2, 3, 4}, 50) == Approx(2.5));
}

// ---- the load generator against the test server ----

TEST_CASE("serve-load: TTFT median is within 1 ms of the server's delay at 64 streams",
          "[serve-load][timing]") {
  // 64 users, arrivals spread evenly (one every 0.8 ms in all) so that about 64 streams are
  // open at any time; all 64 at the same instant would measure how long a burst of 64
  // first tokens takes to be written and read on this machine, not the client's error.
  auto c = config("ok", 2);
  c.first_token_delay_ms = 50;
  c.inter_token_delay_ms = 5;
  sse_test::Server server(c);
  LoadSpec spec = spec_for(server, 64, 3);
  spec.rate = 20;
  spec.arrival = Arrival::constant;
  const LoadResult load = run_load(spec);
  const TrialSummary s = summarise(load, {});
  INFO(s.failure_text());
  REQUIRE(s.succeeded == 192);
  CHECK(load.connections_opened >= 64);
  const double median = percentile_of(s.ttft_ms, 50);
  CHECK(median >= 50.0 - 0.05);
  CHECK(median <= 51.0);
  CHECK(percentile_of(s.e2e_ms, 50) >= 50.0 + 5 - 0.05);
}

TEST_CASE("serve-load: output tokens are exact with usage, without it, and with 2-token chunks",
          "[serve-load]") {
  struct Case {
    const char* mode;
    bool include_usage;
    std::uint64_t chunks, tokens;
  };
  for (const Case& k : {Case{"ok", true, 12, 12}, Case{"ok", false, 12, 12},
                        Case{"no_usage", true, 12, 12}, Case{"chunk_tokens", true, 6, 12},
                        Case{"split", true, 12, 12}, Case{"crlf", true, 12, 12}}) {
    CAPTURE(k.mode, k.include_usage);
    sse_test::Server server(config(k.mode, 12));
    LoadSpec spec = spec_for(server, 2, 3);
    spec.include_usage = k.include_usage;
    for (Endpoint endpoint : {Endpoint::completions, Endpoint::chat}) {
      spec.endpoint = endpoint;
      const LoadResult load = run_load(spec);
      for (const RequestRecord& r : load.requests) {
        INFO(r.detail);
        REQUIRE(r.ok());
        CHECK(r.content_chunks == k.chunks);
        CHECK(r.output_tokens() == k.tokens);
        CHECK(r.usage_seen == (k.include_usage && std::string(k.mode) != "no_usage"));
      }
    }
  }
}

TEST_CASE("serve-load: the closed loop sends exactly users x prompts_per_user on keep-alive",
          "[serve-load]") {
  sse_test::Server server(config("ok", 3));
  const LoadResult load = run_load(spec_for(server, 3, 5));
  CHECK(server.completion_requests() == 15);
  CHECK(load.requests.size() == 15);
  CHECK(std::all_of(load.requests.begin(), load.requests.end(),
                    [](const RequestRecord& r) { return r.ok(); }));
  // One connection per user, reused for each of its requests.
  CHECK(load.connections_opened == 3);
  CHECK(server.connections() == 3);
}

TEST_CASE("serve-load: the open loop sends on schedule over more connections when needed",
          "[serve-load]") {
  auto c = config("ok", 5);
  c.first_token_delay_ms = 20;
  c.inter_token_delay_ms = 20;  // each request lasts about 100 ms
  sse_test::Server server(c);
  LoadSpec spec = spec_for(server, 1, 10);
  spec.rate = 50;  // one every 20 ms: about five at once
  spec.arrival = Arrival::constant;
  const LoadResult load = run_load(spec);
  REQUIRE(server.completion_requests() == 10);
  CHECK(load.connections_opened > 1);
  // Each request leaves at its own time on the schedule (start + i x 20 ms): a late one
  // does not delay the next, so lateness never accumulates.
  for (std::size_t i = 1; i < load.requests.size(); ++i) {
    const double at_ms = (load.requests[i].start_ns - load.requests[0].start_ns) / 1e6;
    CHECK(at_ms == Approx(20.0 * i).margin(10.0));
    CHECK(load.requests[i].ok());
  }
}

TEST_CASE("serve-load: every failure mode is counted under its reason", "[serve-load]") {
  const std::map<std::string, std::string> reasons{
      {"http_500", "http_500"},
      {"http_429", "http_429"},
      {"http_404", "http_404"},
      {"no_done", "no_done"},
      {"endless_line", "malformed_event"},
      {"bad_json", "malformed_event"},
      {"reset", "reset"},
      {"error_event", "server_error"},
  };
  for (const auto& [mode, reason] : reasons) {
    CAPTURE(mode);
    sse_test::Server server(config(mode, 6));
    LoadSpec spec = spec_for(server, 2, 2);
    spec.timeout_s = 5;
    const TrialSummary s = summarise(run_load(spec), {});
    CHECK(s.succeeded == 0);
    CHECK(s.failures == std::map<std::string, std::uint32_t>{{reason, 4}});
    if (reason.rfind("http_", 0) == 0)
      CHECK_THAT(s.failure_text(), Contains("HTTP " + reason.substr(5)));
  }
  {
    sse_test::Server server(config("garbage", 6));
    const TrialSummary s = summarise(run_load(spec_for(server, 1, 2)), {});
    CHECK(s.succeeded == 0);  // garbage bytes end without [DONE] or break the framing
    CHECK(s.failures.count("malformed_event") + s.failures.count("no_done") > 0);
  }
  LoadSpec refused;
  refused.server = parse_server_url("http://127.0.0.1:" + std::to_string(closed_port()));
  refused.model = "m";
  refused.users = 2;
  refused.prompts_per_user = 3;
  refused.prompts = builtin_prompts();
  const TrialSummary s = summarise(run_load(refused), {});
  CHECK(s.failures == std::map<std::string, std::uint32_t>{{"refused", 6}});
  CHECK_THAT(s.failure_text(), Contains("6 refused (connect to 127.0.0.1:"));
  CHECK_THAT(s.failure_text(), Contains("refused)"));
}

TEST_CASE("serve-load: a stalled stream ends as a timeout within timeout + 250 ms",
          "[serve-load][timing]") {
  sse_test::Server server(config("stall", 6));
  LoadSpec spec = spec_for(server, 2, 1);
  spec.timeout_s = 0.5;
  const auto start = std::chrono::steady_clock::now();
  const LoadResult load = run_load(spec);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(elapsed >= 0.5);
  CHECK(elapsed < 0.75);
  for (const RequestRecord& r : load.requests) {
    CHECK(r.failure == Failure::timeout);
    CHECK(r.first_content_ns != 0);  // the first chunk came before the stall
  }
}

TEST_CASE("serve-load: stream=false loads the plain endpoint; ttft is the whole response",
          "[serve-load]") {
  auto c = config("ok", 4);
  c.first_token_delay_ms = 5;
  sse_test::Server server(c);
  LoadSpec spec = spec_for(server, 2, 5);
  spec.stream = false;
  const TrialSummary s = summarise(run_load(spec), {});
  INFO(s.failure_text());
  CHECK(s.succeeded == 10);
  CHECK(s.ttft_ms == s.e2e_ms);
  CHECK(percentile_of(s.e2e_ms, 50) >= 5.0);
}

TEST_CASE("serve-load: the load stops promptly when cancelled", "[serve-load]") {
  sse_test::Server server(config("stall", 2));
  LoadSpec spec = spec_for(server, 4, 4);
  spec.timeout_s = 60;
  const auto start = std::chrono::steady_clock::now();
  LoadMonitor monitor;
  monitor.cancelled = [&] {
    return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(300);
  };
  const LoadResult load = run_load(spec, monitor);
  CHECK(load.cancelled);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(std::all_of(load.requests.begin(), load.requests.end(),
                    [](const RequestRecord& r) { return r.failure == Failure::cancelled; }));
}

// ---- a server of the test's own, for what sse_test::Server does not do ----
namespace {

// Answers 400 to a completion whose body asks for stream_options, else streams two
// tokens; records the Authorization headers it saw. One connection at a time.
class PickyServer {
 public:
  PickyServer() : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { serve(); });
  }
  ~PickyServer() {
    // A blocking accept() is not woken by closing its socket: a last connection does it.
    stop_ = true;
    boost::system::error_code ignored;
    boost::asio::ip::tcp::socket wake(ioc_);
    wake.connect(acceptor_.local_endpoint(), ignored);
    wake.close(ignored);
    thread_.join();
  }
  std::string base_url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  std::vector<std::string> authorizations() {
    const std::lock_guard lock(mutex_);
    return authorizations_;
  }
  int refused = 0;

 private:
  void serve() {
    namespace http = boost::beast::http;
    while (!stop_) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec) return;
      boost::beast::flat_buffer buffer;
      for (;;) {
        http::request<http::string_body> request;
        http::read(socket, buffer, request, ec);
        if (ec) break;
        {
          const std::lock_guard lock(mutex_);
          authorizations_.emplace_back(request[http::field::authorization]);
        }
        if (request.target() == "/v1/models") {
          http::response<http::string_body> r{http::status::ok, 11};
          r.body() = R"({"data":[{"id":"picky-model"}]})";
          r.prepare_payload();
          http::write(socket, r, ec);
          continue;
        }
        if (request.body().find("stream_options") != std::string::npos) {
          ++refused;
          http::response<http::string_body> r{http::status::bad_request, 11};
          r.body() = R"({"error":{"message":"unknown field stream_options"}})";
          r.prepare_payload();
          http::write(socket, r, ec);
          continue;
        }
        http::response<http::string_body> r{http::status::ok, 11};
        r.set(http::field::content_type, "text/event-stream");
        r.body() =
            "data: {\"choices\":[{\"text\":\"a\"}]}\n\ndata: "
            "{\"choices\":[{\"text\":\"b\"}]}\n\ndata: [DONE]\n\n";
        r.prepare_payload();
        http::write(socket, r, ec);
      }
    }
  }
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::string> authorizations_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("serve-load: a 400 to include_usage is retried without it, then never asked again",
          "[serve-load]") {
  PickyServer server;
  LoadSpec spec;
  spec.server = parse_server_url(server.base_url());
  spec.model = "m";
  spec.users = 1;
  spec.prompts_per_user = 4;
  spec.prompts = builtin_prompts();
  spec.timeout_s = 5;
  spec.api_key = "sk-test-123";
  const LoadResult load = run_load(spec);
  CHECK(load.usage_rejected);
  CHECK(server.refused == 1);
  for (const RequestRecord& r : load.requests) {
    CHECK(r.ok());
    CHECK(r.output_tokens() == 2);
  }
  CHECK(load.requests[0].retried_without_usage);
  CHECK_FALSE(load.requests[1].retried_without_usage);
  for (const std::string& seen : server.authorizations()) CHECK(seen == "Bearer sk-test-123");
  CHECK(first_model_id(spec.server, std::chrono::seconds(2), "") == "picky-model");
}

// ---- server lifecycle ----

TEST_CASE("serve-load: a server that exits or never answers fails with its log's last lines",
          "[serve-load]") {
  unit::TempDir dir;
  const ServerUrl url = parse_server_url("http://127.0.0.1:" + std::to_string(closed_port()));
  {
    ServerProcess process(split_command("sh -c 'echo loading; echo fatal: no GPU >&2; exit 3'"),
                          dir.path / "a.log");
    CHECK_THROWS_WITH(
        wait_until_ready(process, url, std::chrono::seconds(10), "", dir.path / "a.log", {}),
        Contains("exit status 3") && Contains("fatal: no GPU"));
  }
  {
    const auto start = std::chrono::steady_clock::now();
    ServerProcess process(split_command("sh -c 'echo still loading; exec sleep 30'"),
                          dir.path / "b.log");
    CHECK_THROWS_WITH(
        wait_until_ready(process, url, std::chrono::milliseconds(600), "", dir.path / "b.log", {}),
        Contains("within 0.6 s") && Contains("still loading"));
    process.stop();
    CHECK(process.ended() == std::optional<std::string>("signal 15"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  }
  CHECK_THROWS_WITH(ServerProcess({"no-such-server-program"}, dir.path / "c.log"),
                    Contains("no-such-server-program"));
}

// ---- the plugin through its C ABI ----
namespace {

struct PluginHost {
  bl_host host{};
  const bl_plugin* plugin = nullptr;
  std::map<std::string, std::string> options;
  std::map<std::string, double> metrics;
  std::map<std::string, std::vector<double>> values;
  std::vector<std::string> declared, marks, logs;
  std::string error, output, scratch;
  bool offer_values = true;
  bl_host_values_ext values_ext{};

  static PluginHost& self(const bl_host* h) { return *static_cast<PluginHost*>(h->host_data); }

  PluginHost(const bl_plugin* p, const std::string& scratch_dir) : plugin(p), scratch(scratch_dir) {
    host.struct_size = sizeof(bl_host);
    host.abi_major = BL_ABI_MAJOR;
    host.abi_minor = BL_ABI_MINOR;
    host.phase = BL_PHASE_RUN;
    host.cpu_count = 2;
    host.scratch_dir = scratch.c_str();
    host.cache_dir = scratch.c_str();
    host.host_data = this;
    host.log = [](const bl_host* h, int32_t, const char* msg) { self(h).logs.emplace_back(msg); };
    host.set_error = [](const bl_host* h, const char* msg) { self(h).error = msg; };
    host.option = [](const bl_host* h, const char* name) -> const char* {
      auto& me = self(h);
      if (auto it = me.options.find(name); it != me.options.end()) return it->second.c_str();
      const bl_workload* w = me.plugin->workload;
      for (uint32_t i = 0; i < w->option_count; ++i)
        if (std::string(w->options[i].name) == name) return w->options[i].default_value;
      return nullptr;
    };
    host.declare_metric = [](const bl_host* h, const char* name, const char*, int32_t) -> int32_t {
      self(h).declared.emplace_back(name);
      return BL_OK;
    };
    host.report_metric = [](const bl_host* h, const char* name, double value) -> int32_t {
      if (!std::isfinite(value)) return BL_INVALID_ARGUMENT;
      self(h).metrics[name] = value;
      return BL_OK;
    };
    host.progress = [](const bl_host*, double, const char*) {};
    host.append_output = [](const bl_host* h, const char* data, size_t size) -> int32_t {
      self(h).output.append(data, size);
      return BL_OK;
    };
    host.is_cancelled = [](const bl_host*) -> int32_t { return 0; };
    host.now_ns = [](const bl_host*) -> uint64_t { return monotonic_ns(); };
    host.get_extension = [](const bl_host* h, const char* id) -> const void* {
      auto& me = self(h);
      if (std::string(id) == BL_EXT_HOST_VALUES && me.offer_values) return &me.values_ext;
      return nullptr;
    };
    values_ext.struct_size = sizeof values_ext;
    values_ext.report_values = [](const bl_host* h, const char* name, const double* v,
                                  uint32_t n) -> int32_t {
      auto& into = self(h).values[name];
      into.insert(into.end(), v, v + n);
      return BL_OK;
    };
  }

  int32_t run() {
    void* instance = nullptr;
    int32_t status = plugin->workload->create(&host, &instance);
    if (status != BL_OK) return status;
    status = plugin->workload->run(instance);
    plugin->workload->destroy(instance);
    return status;
  }
  // Everything the plugin said or kept, for checks that a text appears nowhere.
  std::string everything() const {
    std::string all = error + output;
    for (const auto& l : logs) all += l;
    return all;
  }
};

struct LoadedPlugin {
  LoadedPlugin() {
    handle = dlopen(SERVE_LOAD_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    INFO((handle ? "" : dlerror()));
    REQUIRE(handle != nullptr);
    const auto entry = reinterpret_cast<bl_entry_fn>(dlsym(handle, BL_ENTRY_SYMBOL));
    REQUIRE(entry != nullptr);
    plugin = entry(1, 1);
    REQUIRE(plugin != nullptr);
  }
  ~LoadedPlugin() { dlclose(handle); }
  void* handle = nullptr;
  const bl_plugin* plugin = nullptr;
};

}  // namespace

TEST_CASE("serve-load.so reports distributions through the values extension, and means without it",
          "[serve-load][plugin]") {
  LoadedPlugin so;
  CHECK(std::string(so.plugin->id) == "serve-load");
  CHECK(so.plugin->workload->flags & BL_WORKLOAD_DYNAMIC_METRICS);
  auto c = config("ok", 5);
  c.first_token_delay_ms = 3;
  sse_test::Server server(c);
  unit::TempDir scratch;
  for (const bool offer : {true, false}) {
    CAPTURE(offer);
    PluginHost host(so.plugin, scratch.path.string());
    host.offer_values = offer;
    host.options = {{"base_url", server.base_url()},
                    {"users", "2"},
                    {"prompts_per_user", "3"},
                    {"rate", "0"},
                    {"ttft_slo_ms", "1000"}};
    REQUIRE(host.run() == BL_OK);
    INFO(host.error);
    for (const char* name :
         {"ttft", "tpot", "itl", "e2e_latency", "request_throughput", "output_throughput",
          "goodput", "successful_requests", "failed_requests"})
      CHECK(host.metrics.count(name) == 1);
    CHECK(host.metrics["successful_requests"] == 6);
    CHECK(host.metrics["failed_requests"] == 0);
    CHECK(host.metrics["goodput"] == Approx(host.metrics["request_throughput"]));
    CHECK(host.metrics["ttft"] >= 3.0);
    // The model came from GET /v1/models; the endpoint is in the output.
    CHECK_THAT(host.output,
               Contains("endpoint: " + server.base_url() + "/v1/completions model test-model"));
    if (offer) {
      CHECK(host.values["ttft"].size() == 6);
      CHECK(host.values["e2e_latency"].size() == 6);
      CHECK(host.values["tpot"].size() == 6);
      CHECK(host.values["itl"].size() == 6 * 4);
      CHECK(mean_of(host.values["ttft"]) == Approx(host.metrics["ttft"]));
    } else {
      CHECK(host.values.empty());
    }
    CHECK(host.declared.empty());
  }
}

TEST_CASE("serve-load.so counts failures as failed.REASON and fails a trial with no success",
          "[serve-load][plugin]") {
  LoadedPlugin so;
  unit::TempDir scratch;
  {
    sse_test::Server server(config("http_500", 4));
    PluginHost host(so.plugin, scratch.path.string());
    host.options = {{"base_url", server.base_url()},
                    {"model", "m"},
                    {"users", "2"},
                    {"prompts_per_user", "2"},
                    {"rate", "0"}};
    CHECK(host.run() == BL_ERROR);
    CHECK_THAT(host.error, Contains("all 4 requests failed: 4 http_500 (HTTP 500"));
  }
  const std::string port = std::to_string(closed_port());
  PluginHost host(so.plugin, scratch.path.string());
  host.options = {{"base_url", "http://127.0.0.1:" + port},
                  {"model", "m"},
                  {"users", "2"},
                  {"prompts_per_user", "2"},
                  {"rate", "0"}};
  CHECK(host.run() == BL_ERROR);
  CHECK(host.error ==
        "all 4 requests failed: 4 refused (connect to 127.0.0.1:" + port + ": Connection refused)");

  // Some failed, some not: the trial stands, with the reasons as metrics.
  sse_test::Server server(config("ok", 4));
  PluginHost mixed(so.plugin, scratch.path.string());
  unit::TempDir files;
  std::ofstream(files.path / "p.jsonl") << "{\"prompt\": \"fine\"}\n"
                                        << "{\"prompt\": \"[[mode=http_429]] not fine\"}\n";
  mixed.options = {{"base_url", server.base_url()},
                   {"model", "m"},
                   {"users", "1"},
                   {"prompts_per_user", "4"},
                   {"rate", "0"},
                   {"prompts", (files.path / "p.jsonl").string()}};
  REQUIRE(mixed.run() == BL_OK);
  CHECK(mixed.declared == std::vector<std::string>{"failed.http_429"});
  CHECK(mixed.metrics["failed.http_429"] == 2);
  CHECK(mixed.metrics["failed_requests"] == 2);
  CHECK(mixed.metrics["successful_requests"] == 2);
}

TEST_CASE("serve-load.so sends the API key from the named variable and never shows it",
          "[serve-load][plugin]") {
  LoadedPlugin so;
  PickyServer server;
  unit::TempDir scratch;
  const std::string key = "sk-secret-" + std::to_string(getpid());
  REQUIRE(setenv("SERVE_LOAD_TEST_KEY", key.c_str(), 1) == 0);
  PluginHost host(so.plugin, scratch.path.string());
  host.options = {{"base_url", server.base_url()},
                  {"api_key_env", "SERVE_LOAD_TEST_KEY"},
                  {"users", "1"},
                  {"prompts_per_user", "2"},
                  {"rate", "0"}};
  REQUIRE(host.run() == BL_OK);
  for (const std::string& seen : server.authorizations()) CHECK(seen == "Bearer " + key);
  CHECK(host.everything().find(key) == std::string::npos);
  CHECK_THAT(host.output, Contains("model picky-model"));

  PluginHost unset(so.plugin, scratch.path.string());
  unset.options = {{"base_url", server.base_url()}, {"api_key_env", "SERVE_LOAD_NO_SUCH_VAR"}};
  CHECK(unset.run() == BL_INVALID_ARGUMENT);
  CHECK_THAT(unset.error, Contains("SERVE_LOAD_NO_SUCH_VAR") && Contains("not set"));
  unsetenv("SERVE_LOAD_TEST_KEY");
}

// ---- the benchlab command against the sse-test-server program ----

TEST_CASE("benchlab run serve-load against sse-test-server stores TTFT and throughput",
          "[serve-load][cli]") {
  namespace bp = boost::process;
  bp::ipstream out;
  bp::child server(SSE_TEST_SERVER, "--first-token-ms", "5", "--tokens", "6", bp::std_out > out);
  std::string port;
  REQUIRE(std::getline(out, port));
  while (!port.empty() && (port.back() == '\n' || port.back() == '\r')) port.pop_back();
  REQUIRE(!port.empty());
  unit::TempDir home;
  const auto run = unit::benchlab_cli(
      home.path, {"run",    "serve-load", "-o",       "base_url=http://127.0.0.1:" + port,
                  "-o",     "users=2",    "-o",       "prompts_per_user=4",
                  "-o",     "rate=20",    "-o",       "max_tokens=16",
                  "-n",     "2",          "--warmup", "0",
                  "--json", "-q",         "--db",     (home.path / "r.db").string()});
  server.terminate();
  INFO("stderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  const auto result = unit::only_result(run);
  CHECK(result.at("status").as_string() == "ok");
  for (const char* metric :
       {"ttft", "tpot", "itl", "e2e_latency", "request_throughput", "output_throughput"}) {
    CAPTURE(metric);
    CHECK(unit::first_value(result, metric) > 0);
  }
  // The server holds the first token 5 ms from its kernel receive stamp; the client's
  // clock starts when its write completes, which can be a little after that stamp on a
  // slow (sanitized, loaded) machine: the delay shows, minus that margin.
  CHECK(unit::first_value(result, "ttft") >= 4.0);
  CHECK(unit::first_value(result, "successful_requests") == 8);
  CHECK(unit::first_value(result, "failed_requests") == 0);
}
