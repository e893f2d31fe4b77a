// SPDX-License-Identifier: MIT
// A blocking HTTP GET with a deadline (see http_get.hpp).
#include "serve-load/http_get.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <stdexcept>

namespace serve_load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

HttpAnswer http_get(const ServerUrl& server, std::string_view path,
                    std::chrono::milliseconds timeout, const std::string& api_key) {
  HttpAnswer answer;
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  tcp::socket socket(ioc);
  beast::flat_buffer buffer;
  http::request<http::empty_body> request{http::verb::get, server.prefix + std::string(path), 11};
  request.set(http::field::host, server.host_header());
  request.set(http::field::user_agent, "benchlab-serve-load/1.0");
  request.set(http::field::connection, "close");
  if (!api_key.empty()) request.set(http::field::authorization, "Bearer " + api_key);
  http::response_parser<http::string_body> parser;
  parser.body_limit(1 << 20);
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
    ioc.run();  // lets the handlers see the cancellation
    answer = HttpAnswer{0, {}, "no answer within " + std::to_string(timeout.count()) + " ms"};
  }
  return answer;
}

std::string first_model_id(const ServerUrl& server, std::chrono::milliseconds timeout,
                           const std::string& api_key) {
  const HttpAnswer answer = http_get(server, "/v1/models", timeout, api_key);
  const std::string where = "GET " + server.url("/v1/models");
  if (answer.status == 0) throw std::runtime_error(where + ": " + answer.error);
  if (answer.status != 200)
    throw std::runtime_error(where + ": HTTP " + std::to_string(answer.status) + ": " +
                             answer.body.substr(0, 200));
  error_code ec;
  const boost::json::value value = boost::json::parse(answer.body, ec);
  const boost::json::value* data =
      !ec && value.is_object() ? value.as_object().if_contains("data") : nullptr;
  if (data != nullptr && data->is_array())
    for (const auto& model : data->as_array())
      if (const auto* m = model.if_object(); m && m->contains("id") && m->at("id").is_string())
        return std::string(m->at("id").as_string());
  throw std::runtime_error(where + " lists no model; give the model option");
}

}  // namespace serve_load
