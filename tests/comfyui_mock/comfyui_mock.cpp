// SPDX-License-Identifier: MIT
// The ComfyUI stand-in (see comfyui_mock.hpp). Message shapes follow ComfyUI's server.py
// (status, /prompt answers) and execution.py (execution_*, executing, progress, executed).
#include "comfyui_mock.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace comfyui_mock {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;

struct Job {
  std::string prompt_id;
  json::object prompt;
  bool all_cached = false;
};

struct Client {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Job> jobs;
};

struct MockServer::State {
  MockOptions options;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  unsigned short port = 0;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  std::condition_variable stopped;  // sleeps end early when stopping
  std::vector<std::thread> threads;
  std::set<int> fds;  // open connections, shut down on stop to end blocking reads
  std::map<std::string, std::shared_ptr<Client>> clients;
  std::vector<std::string> prompts;
  std::string last_prompt;  // for the cache
  std::size_t interrupts = 0;
  int number = 0;
  std::thread acceptor_thread;

  // Sleeps, or less when stopping; false when stopping.
  bool pause(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    return !stopped.wait_for(lock, d, [&] { return stopping.load(); });
  }

  void accept_loop() {
    for (;;) {
      tcp::socket socket(ioc);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      if (stopping) return;
      if (ec) continue;
      std::lock_guard lock(mutex);
      fds.insert(socket.native_handle());
      threads.emplace_back([this, s = std::move(socket)]() mutable { serve(std::move(s)); });
    }
  }

  void forget(int fd) {
    std::lock_guard lock(mutex);
    fds.erase(fd);
  }

  void serve(tcp::socket socket) {
    const int fd = socket.native_handle();
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      boost::system::error_code ec;
      http::read(socket, buffer, request, ec);
      if (ec) break;
      if (websocket::is_upgrade(request)) {
        serve_websocket(std::move(socket), request, fd);
        return;
      }
      http::response<http::string_body> response = answer(request);
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec || !request.keep_alive()) break;
    }
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    forget(fd);
  }

  static http::response<http::string_body> reply(http::status status, const json::value& body) {
    http::response<http::string_body> r{status, 11};
    r.set(http::field::content_type, "application/json; charset=utf-8");
    r.body() = json::serialize(body);
    return r;
  }

  static json::object prompt_error(const std::string& type, const std::string& message,
                                   const std::string& details) {
    return {
        {"type", type}, {"message", message}, {"details", details}, {"extra_info", json::object{}}};
  }

  http::response<http::string_body> answer(const http::request<http::string_body>& request) {
    const std::string target(request.target());
    if (request.method() == http::verb::get && target == "/system_stats")
      return reply(http::status::ok,
                   json::parse(R"({"system": {"os": "posix", "ram_total": 68719476736,
                     "ram_free": 34359738368, "comfyui_version": "0.3.40-mock",
                     "python_version": "3.12.3 (main) [GCC 13.2.0]", "pytorch_version": "2.7.0",
                     "embedded_python": false, "argv": ["main.py"]},
                     "devices": [{"name": "cuda:0 Mock GPU : cudaMallocAsync", "type": "cuda",
                     "index": 0, "vram_total": 25769803776, "vram_free": 24696061952,
                     "torch_vram_total": 0, "torch_vram_free": 0}]})"));
    if (request.method() == http::verb::post && target == "/interrupt") {
      std::lock_guard lock(mutex);
      ++interrupts;
      return reply(http::status::ok, json::object{});
    }
    if (request.method() == http::verb::post && target == "/prompt") return queue(request.body());
    return reply(http::status::not_found, json::object{{"error", "not found: " + target}});
  }

  // ComfyUI's POST /prompt: the body shape, then every node, then the queue.
  http::response<http::string_body> queue(const std::string& body) {
    boost::system::error_code ec;
    const json::value doc = json::parse(body, ec);
    const json::object* root = !ec ? doc.if_object() : nullptr;
    const json::value* prompt = root ? root->if_contains("prompt") : nullptr;
    const json::value* client = root ? root->if_contains("client_id") : nullptr;
    if (prompt == nullptr || !prompt->is_object())
      return reply(http::status::bad_request,
                   json::object{{"error", prompt_error("no_prompt", "No prompt provided", "")},
                                {"node_errors", json::object{}}});
    if (client == nullptr || !client->is_string())
      return reply(http::status::bad_request,
                   json::object{{"error", prompt_error("invalid_prompt", "No client_id", "")},
                                {"node_errors", json::object{}}});
    json::object node_errors;
    for (const auto& [id, node] : prompt->as_object()) {
      const json::object* n = node.if_object();
      const json::value* type = n ? n->if_contains("class_type") : nullptr;
      if (type == nullptr || !type->is_string())
        return reply(http::status::bad_request,
                     json::object{{"error", prompt_error("invalid_prompt",
                                                         "Cannot execute because a node is "
                                                         "missing the class_type property.",
                                                         "Node ID '#" + std::string(id) + "'")},
                                  {"node_errors", json::object{}}});
      const json::value* inputs = n->if_contains("inputs");
      if (inputs == nullptr || !inputs->is_object()) continue;
      for (const auto& [name, value] : inputs->as_object())
        if (value.is_string() && value.as_string() == options.missing_model)
          node_errors[id] = json::object{
              {"errors", json::array{json::object{
                             {"type", "value_not_in_list"},
                             {"message", "Value not in list"},
                             {"details", std::string(name) + ": '" + options.missing_model +
                                             "' not in ['v1-5-pruned-emaonly-fp16.safetensors']"},
                             {"extra_info", json::object{{"input_name", name}}}}}},
              {"dependent_outputs", json::array{}},
              {"class_type", type->as_string()}};
    }
    if (!node_errors.empty())
      return reply(http::status::bad_request,
                   json::object{{"error", prompt_error("prompt_outputs_failed_validation",
                                                       "Prompt outputs failed validation", "")},
                                {"node_errors", node_errors}});
    const std::string text = json::serialize(*prompt);
    Job job{"", prompt->as_object(), false};
    int number = 0;
    std::shared_ptr<Client> target;
    {
      std::lock_guard lock(mutex);
      number = this->number++;
      job.prompt_id = "00000000-mock-4000-8000-" + std::to_string(100000000000 + number);
      job.all_cached = options.cache && text == last_prompt;
      last_prompt = text;
      prompts.push_back(text);
      if (auto it = clients.find(std::string(client->as_string())); it != clients.end())
        target = it->second;
    }
    const json::object answer{
        {"prompt_id", job.prompt_id}, {"number", number}, {"node_errors", json::object{}}};
    if (target) {
      std::lock_guard lock(target->mutex);
      target->jobs.push_back(std::move(job));
      target->wake.notify_all();
    }
    return reply(http::status::ok, answer);
  }

  static std::string client_id_of(std::string_view target) {
    const std::size_t at = target.find("clientId=");
    if (at == std::string_view::npos) return {};
    std::string_view id = target.substr(at + 9);
    return std::string(id.substr(0, id.find('&')));
  }

  void serve_websocket(tcp::socket socket, const http::request<http::string_body>& request,
                       int fd) {
    websocket::stream<tcp::socket> ws(std::move(socket));
    // Forgotten while still open: a closed fd's number may be reused by someone else's socket.
    struct Forget {
      State* state;
      int fd;
      ~Forget() { state->forget(fd); }
    } forget_fd{this, fd};
    std::string id = client_id_of(request.target());
    if (id.empty()) id = "mock-sid";
    auto client = std::make_shared<Client>();
    // Registered before the handshake answer goes out: a client posts its prompt as soon
    // as the handshake completes, and that prompt must reach this connection, not the
    // previous trial's one of the same client id (whose thread is still winding down).
    {
      std::lock_guard lock(mutex);
      clients[id] = client;
    }
    boost::system::error_code ec;
    ws.accept(request, ec);
    if (ec) {
      std::lock_guard lock(mutex);
      if (auto it = clients.find(id); it != clients.end() && it->second == client)
        clients.erase(it);
      return;
    }
    const auto send = [&](const char* type, json::object data) {
      ws.text(true);
      ws.write(asio::buffer(json::serialize(json::object{{"type", type}, {"data", data}})), ec);
      return !ec;
    };
    send("status", {{"status", {{"exec_info", {{"queue_remaining", 0}}}}}, {"sid", id}});
    while (!ec && !stopping) {
      Job job;
      {
        std::unique_lock lock(client->mutex);
        client->wake.wait_for(lock, std::chrono::milliseconds(50),
                              [&] { return !client->jobs.empty(); });
        if (client->jobs.empty()) continue;
        job = std::move(client->jobs.front());
        client->jobs.pop_front();
      }
      if (!execute(ws, job, send)) break;
    }
    std::lock_guard lock(mutex);
    if (auto it = clients.find(id); it != clients.end() && it->second == client) clients.erase(it);
  }

  // Runs one prompt's events; false when the connection is to end (fault or stop).
  template <class Send>
  bool execute(websocket::stream<tcp::socket>& ws, const Job& job, Send& send) {
    const std::string& pid = job.prompt_id;
    std::vector<std::string> order;
    for (const auto& [id, node] : job.prompt) order.emplace_back(id);
    std::sort(order.begin(), order.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    const auto stamp = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
    if (!send("status", {{"status", {{"exec_info", {{"queue_remaining", 1}}}}}})) return false;
    if (!send("execution_start", {{"prompt_id", pid}, {"timestamp", stamp()}})) return false;
    json::array cached;
    if (job.all_cached)
      for (const std::string& id : order) cached.emplace_back(id);
    if (!send("execution_cached", {{"nodes", cached}, {"prompt_id", pid}, {"timestamp", stamp()}}))
      return false;
    for (const std::string& id : job.all_cached ? std::vector<std::string>{} : order) {
      const json::object& node = job.prompt.at(id).as_object();
      const std::string type(node.at("class_type").as_string());
      if (!send("executing", {{"node", id}, {"display_node", id}, {"prompt_id", pid}}))
        return false;
      if (type.find("Sampler") == std::string::npos) {
        if (!pause(options.node_delay)) return false;
      } else {
        int steps = options.steps;
        const json::object& inputs = node.at("inputs").as_object();
        if (const json::value* s = inputs.if_contains("steps"); s && s->is_int64())
          steps = static_cast<int>(s->as_int64());
        for (int step = 1; step <= steps; ++step) {
          if (!pause(options.step_delay)) return false;
          if (!send("progress",
                    {{"value", step}, {"max", steps}, {"prompt_id", pid}, {"node", id}}))
            return false;
          if (options.previews) {
            const unsigned char preview[] = {0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xd8, 0xff, 0xd9};
            ws.binary(true);
            boost::system::error_code ec;
            ws.write(asio::buffer(preview), ec);
            if (ec) return false;
          }
          if (step == options.fault_step && !fault(ws, id, type, pid, send)) return false;
        }
      }
      if (type == "SaveImage" &&
          !send("executed",
                {{"node", id},
                 {"display_node", id},
                 {"output",
                  {{"images", json::array{json::object{{"filename", "ComfyUI_00001_.png"},
                                                       {"subfolder", ""},
                                                       {"type", "output"}}}}}},
                 {"prompt_id", pid}}))
        return false;
    }
    if (!send("execution_success", {{"prompt_id", pid}, {"timestamp", stamp()}})) return false;
    return send("executing", {{"node", nullptr}, {"display_node", nullptr}, {"prompt_id", pid}});
  }

  // The configured fault at a sampler step; false when the run ends there.
  template <class Send>
  bool fault(websocket::stream<tcp::socket>& ws, const std::string& node, const std::string& type,
             const std::string& pid, Send& send) {
    switch (options.fault) {
      case Fault::none:
        return true;
      case Fault::execution_error:
        send("execution_error",
             {{"prompt_id", pid},
              {"node_id", node},
              {"node_type", type},
              {"executed", json::array{}},
              {"exception_message",
               "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of "
               "24.00 GiB\n"},
              {"exception_type", "torch.OutOfMemoryError"},
              {"traceback", json::array{"Traceback (most recent call last):\n"}},
              {"current_inputs", json::object{}},
              {"current_outputs", json::object{}}});
        return false;
      case Fault::interrupted:
        send("execution_interrupted", {{"prompt_id", pid},
                                       {"node_id", node},
                                       {"node_type", type},
                                       {"executed", json::array{}}});
        return false;
      case Fault::close_mid_run: {
        boost::system::error_code ignored;
        beast::get_lowest_layer(ws).shutdown(tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(ws).close(ignored);
        return false;
      }
      case Fault::stall:
        while (pause(std::chrono::milliseconds(100))) {
        }
        return false;
      case Fault::garbage: {
        boost::system::error_code ec;
        ws.text(true);
        ws.write(asio::buffer(std::string("<html><body>502 Bad Gateway</body></html>")), ec);
        return !ec;
      }
    }
    return false;
  }
};

MockServer::MockServer(MockOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
  const tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
  state_->acceptor.open(local.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(local);
  state_->acceptor.listen();
  state_->port = state_->acceptor.local_endpoint().port();
  state_->acceptor_thread = std::thread([s = state_.get()] { s->accept_loop(); });
}

MockServer::~MockServer() {
  State& s = *state_;
  {
    std::lock_guard lock(s.mutex);
    s.stopping = true;
    for (const int fd : s.fds) ::shutdown(fd, SHUT_RDWR);
  }
  s.stopped.notify_all();
  {
    // The acceptor blocks in accept(): one connection wakes it to see `stopping`.
    asio::io_context ioc;
    tcp::socket wake(ioc);
    boost::system::error_code ignored;
    wake.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port), ignored);
  }
  s.acceptor_thread.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(s.mutex);
    for (const int fd : s.fds) ::shutdown(fd, SHUT_RDWR);
    threads.swap(s.threads);
  }
  for (std::thread& t : threads) t.join();
}

unsigned short MockServer::port() const { return state_->port; }

std::string MockServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(state_->port);
}

std::vector<std::string> MockServer::prompts() const {
  std::lock_guard lock(state_->mutex);
  return state_->prompts;
}

std::size_t MockServer::interrupts() const {
  std::lock_guard lock(state_->mutex);
  return state_->interrupts;
}

}  // namespace comfyui_mock
