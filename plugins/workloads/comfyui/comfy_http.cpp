// SPDX-License-Identifier: MIT
// A blocking HTTP request with a deadline (see comfy_http.hpp).
#include "comfyui/comfy_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <stdexcept>

namespace comfyui {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

HttpAnswer http_request(const ComfyUrl& server, bool post, std::string_view path,
                        const std::string& body, std::chrono::milliseconds timeout) {
  HttpAnswer answer;
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  tcp::socket socket(ioc);
  beast::flat_buffer buffer;
  http::request<http::string_body> request{post ? http::verb::post : http::verb::get,
                                           server.prefix + std::string(path), 11};
  request.set(http::field::host, server.host_header());
  request.set(http::field::user_agent, "benchlab-comfyui/1.0");
  request.set(http::field::connection, "close");
  if (post) {
    request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(4 << 20);
  bool finished = false;

  const auto fail = [&](const char* step, const error_code& ec) {
    answer.error = std::string(step) + ": " + ec.message();
    finished = true;
  };
  resolver.async_resolve(server.host, server.port, [&](const error_code& ec, const auto& results) {
    if (ec) return fail("resolve", ec);
    asio::async_connect(socket, results, [&](const error_code& ec, const tcp::endpoint&) {
      if (ec) return fail("connect", ec);
      http::async_write(socket, request, [&](const error_code& ec, std::size_t) {
        if (ec) return fail("write", ec);
        http::async_read(socket, buffer, parser, [&](const error_code& ec, std::size_t) {
          if (ec) return fail("read", ec);
          answer.status = static_cast<int>(parser.get().result_int());
          answer.body = std::move(parser.get().body());
          finished = true;
        });
      });
    });
  });
  ioc.run_for(timeout);
  if (!finished) {
    error_code ignored;
    socket.close(ignored);
    resolver.cancel();
    ioc.restart();
    ioc.run();  // lets the handlers see the cancellation
    answer = HttpAnswer{0, {}, "no answer within " + std::to_string(timeout.count()) + " ms"};
  }
  return answer;
}

namespace {

std::string text_at(const boost::json::object& object, const char* key) {
  const boost::json::value* v = object.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

double number_at(const boost::json::object& object, const char* key) {
  const boost::json::value* v = object.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return static_cast<double>(v->as_int64());
  if (v->is_uint64()) return static_cast<double>(v->as_uint64());
  if (v->is_double()) return v->as_double();
  return 0;
}

}  // namespace

std::string describe_system(const ComfyUrl& server, std::chrono::milliseconds timeout) {
  const HttpAnswer answer = http_request(server, false, "/system_stats", "", timeout);
  const std::string where = server.url("/system_stats");
  if (answer.status == 0)
    throw std::runtime_error("no ComfyUI answers at " + server.url("") + " (" + answer.error +
                             "); start it with 'python main.py --listen 127.0.0.1 --port " +
                             server.port +
                             "' or give its address with -o base_url=http://HOST:PORT");
  if (answer.status != 200)
    throw std::runtime_error("GET " + where + " answered HTTP " + std::to_string(answer.status) +
                             ": is this ComfyUI? " + answer.body.substr(0, 200));
  error_code ec;
  const boost::json::value doc = boost::json::parse(answer.body, ec);
  const boost::json::object* root = !ec ? doc.if_object() : nullptr;
  const boost::json::value* system = root != nullptr ? root->if_contains("system") : nullptr;
  const boost::json::value* devices = root != nullptr ? root->if_contains("devices") : nullptr;
  if (system == nullptr || !system->is_object() || devices == nullptr || !devices->is_array())
    throw std::runtime_error("GET " + where +
                             " is not ComfyUI's (no 'system' and 'devices'): is base_url right?");
  std::string text = "ComfyUI";
  const std::string version = text_at(system->as_object(), "comfyui_version");
  if (!version.empty()) text += " " + version;
  const std::string python = text_at(system->as_object(), "python_version");
  if (!python.empty()) text += ", Python " + python.substr(0, python.find(' '));
  const char* separator = "; ";
  for (const boost::json::value& device : devices->as_array()) {
    const boost::json::object* d = device.if_object();
    if (d == nullptr) continue;
    char vram[64];
    std::snprintf(vram, sizeof vram, " %.1f GiB VRAM", number_at(*d, "vram_total") / (1 << 30));
    text += separator + text_at(*d, "name") + vram;
    separator = ", ";
  }
  return text;
}

}  // namespace comfyui
