// SPDX-License-Identifier: MIT
// One prompt run against ComfyUI (see prompt_session.hpp). Everything runs on the
// caller's thread in one io_context: the websocket reader and the POST are asynchronous,
// so events that arrive before the POST's answer (a fast or cached prompt) are read and
// timestamped when they come, and kept until the prompt id says they are ours.
#include "comfyui/prompt_session.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace comfyui {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

std::string seconds_text(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", s);
  return text;
}

class Session {
 public:
  Session(const ComfyUrl& server, std::string client_id, const json::object& workflow,
          const SessionHooks& hooks)
      : server_(server), client_id_(std::move(client_id)), hooks_(hooks) {
    json::object body;
    body["prompt"] = workflow;
    body["client_id"] = client_id_;
    request_ = {http::verb::post, server_.prefix + "/prompt", 11};
    request_.set(http::field::host, server_.host_header());
    request_.set(http::field::user_agent, "benchlab-comfyui/1.0");
    request_.set(http::field::content_type, "application/json");
    request_.set(http::field::connection, "close");
    request_.body() = json::serialize(body);
    request_.prepare_payload();
    parser_.body_limit(16 << 20);
    ws_.read_message_max(64 << 20);  // previews of large images are binary frames
  }

  PromptRun run(std::chrono::milliseconds timeout) {
    const Clock::time_point deadline = Clock::now() + timeout;
    resolver_.async_resolve(
        server_.host, server_.port,
        [this](const error_code& ec, const tcp::resolver::results_type& r) { on_resolved(ec, r); });
    while (!done_) {
      ioc_.run_for(std::chrono::milliseconds(100));
      if (done_) break;
      if (hooks_.cancelled && hooks_.cancelled()) {
        finish(PromptOutcome::cancelled, "cancelled");
      } else if (Clock::now() >= deadline) {
        finish(PromptOutcome::timed_out, timeout_reason(timeout));
      } else if (ioc_.stopped()) {
        ioc_.restart();  // no work left is a bug of ours; the deadline still ends it
      }
    }
    close_all();
    ioc_.restart();
    ioc_.run();  // the handlers see their sockets closed and return
    return std::move(result_);
  }

 private:
  void finish(PromptOutcome outcome, std::string reason) {
    if (done_) return;
    done_ = true;
    result_.outcome = outcome;
    result_.reason = std::move(reason);
    if (result_.finished == Clock::time_point{}) result_.finished = Clock::now();
    close_all();
  }

  void close_all() {
    error_code ignored;
    resolver_.cancel();
    beast::get_lowest_layer(ws_).close(ignored);
    http_socket_.close(ignored);
  }

  std::string timeout_reason(std::chrono::milliseconds timeout) const {
    const double limit = std::chrono::duration<double>(timeout).count();
    std::string reason = "timed out after " + seconds_text(limit) + " s: ";
    if (result_.prompt_id.empty()) return reason + "POST /prompt was not answered";
    if (last_event_.type.empty()) return reason + "no event of the prompt since it was queued";
    const double ago = std::chrono::duration<double>(Clock::now() - last_event_at_).count();
    reason += "no end of the prompt; its last event was '" + last_event_.type + "'";
    if (!last_event_.node.empty()) reason += " of node " + last_event_.node;
    if (last_event_.type == "progress")
      reason += " (step " + std::to_string(last_event_.value) + "/" +
                std::to_string(last_event_.max) + ")";
    return reason + ", " + seconds_text(ago) + " s before";
  }

  void on_resolved(const error_code& ec, const tcp::resolver::results_type& results) {
    if (done_) return;
    if (ec) return unreachable("resolve", ec);
    endpoints_ = results;
    asio::async_connect(beast::get_lowest_layer(ws_), endpoints_,
                        [this](const error_code& ec, const tcp::endpoint&) {
                          if (done_) return;
                          if (ec) return unreachable("connect", ec);
                          ws_.async_handshake(server_.host_header(),
                                              server_.prefix + "/ws?clientId=" + client_id_,
                                              [this](const error_code& ec) { on_handshake(ec); });
                        });
  }

  void unreachable(const char* step, const error_code& ec) {
    finish(PromptOutcome::unreachable,
           "no ComfyUI at " + server_.url("") + " (" + step + ": " + ec.message() + ")");
  }

  void on_handshake(const error_code& ec) {
    if (done_) return;
    if (ec)
      return finish(PromptOutcome::unreachable,
                    "the websocket handshake with " + server_.url("/ws") +
                        " failed: " + ec.message() + " (is this ComfyUI?)");
    read_frame();
    // The websocket is connected before the prompt is posted, so no event of it is missed.
    asio::async_connect(
        http_socket_, endpoints_, [this](const error_code& ec, const tcp::endpoint&) {
          if (done_) return;
          if (ec) return unreachable("connect", ec);
          if (hooks_.on_posted) hooks_.on_posted();
          result_.posted = Clock::now();
          http::async_write(http_socket_, request_, [this](const error_code& ec, std::size_t) {
            if (done_) return;
            if (ec) return finish(PromptOutcome::connection_lost, "POST /prompt: " + ec.message());
            http::async_read(http_socket_, http_buffer_, parser_,
                             [this](const error_code& ec, std::size_t) { on_answer(ec); });
          });
        });
  }

  void on_answer(const error_code& ec) {
    if (done_) return;
    if (ec) return finish(PromptOutcome::connection_lost, "POST /prompt: " + ec.message());
    result_.accepted = Clock::now();
    const int status = static_cast<int>(parser_.get().result_int());
    const std::string& body = parser_.get().body();
    if (status != 200) return finish(PromptOutcome::refused, summarise_refusal(status, body));
    error_code jec;
    const json::value doc = json::parse(body, jec);
    const json::object* root = !jec ? doc.if_object() : nullptr;
    const json::value* id = root != nullptr ? root->if_contains("prompt_id") : nullptr;
    if (id == nullptr || !id->is_string() || id->as_string().empty())
      return finish(PromptOutcome::protocol_error,
                    "POST /prompt answered 200 without a prompt_id: '" + body.substr(0, 200) + "'");
    result_.prompt_id = std::string(id->as_string());
    if (const json::value* n = root->if_contains("number"); n != nullptr && n->is_int64())
      result_.number = n->as_int64();
    // Events read before the answer: now we know which are ours.
    std::vector<std::pair<Message, Clock::time_point>> early = std::move(early_);
    for (auto& [message, at] : early) {
      if (done_) break;
      dispatch(message, at);
    }
  }

  void read_frame() {
    ws_.async_read(ws_buffer_, [this](const error_code& ec, std::size_t) { on_frame(ec); });
  }

  void on_frame(const error_code& ec) {
    if (done_) return;
    const Clock::time_point at = Clock::now();
    if (ec) {
      std::string reason =
          "ComfyUI closed the websocket before the prompt ended (" + ec.message() + ")";
      if (!last_event_.type.empty()) reason += "; its last event was '" + last_event_.type + "'";
      if (!last_event_.node.empty()) reason += " of node " + last_event_.node;
      return finish(PromptOutcome::connection_lost, reason + " (did ComfyUI stop or crash?)");
    }
    if (!ws_.got_text()) {
      ++result_.binary_frames;  // a preview image
    } else {
      ++result_.text_frames;
      Message message;
      try {
        message = parse_message(beast::buffers_to_string(ws_buffer_.data()));
      } catch (const std::runtime_error& e) {
        return finish(PromptOutcome::protocol_error,
                      std::string("ComfyUI's websocket sent ") + e.what());
      }
      if (result_.prompt_id.empty())
        early_.emplace_back(std::move(message), at);
      else
        dispatch(message, at);
    }
    ws_buffer_.consume(ws_buffer_.size());
    if (!done_) read_frame();
  }

  void dispatch(const Message& m, Clock::time_point at) {
    // Events of other prompts (another client's, an earlier one of ours) and the status
    // broadcasts are not this prompt's.
    if (m.prompt_id != result_.prompt_id) return;
    last_event_ = m;
    last_event_at_ = at;
    if (hooks_.on_event) hooks_.on_event(m);
    if (m.type == "progress") {
      if (!m.node.empty() && m.max > 0) result_.progress.push_back({m.node, m.value, m.max, at});
    } else if (m.type == "execution_cached") {
      result_.cached.insert(result_.cached.end(), m.nodes.begin(), m.nodes.end());
    } else if (m.type == "executing") {
      if (!m.node_is_null) {
        result_.executing.push_back({m.node, at});
      } else {
        result_.finished = at;
        finish(PromptOutcome::succeeded, "");
      }
    } else if (m.type == "execution_success") {
      result_.finished = at;
      finish(PromptOutcome::succeeded, "");
    } else if (m.type == "execution_error") {
      std::string reason = "ComfyUI failed at node " + m.node + " (" + m.node_type + ")";
      if (!m.exception_type.empty()) reason += ": " + m.exception_type;
      reason += ": " + m.exception_message;
      while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
      finish(PromptOutcome::execution_error, reason);
    } else if (m.type == "execution_interrupted") {
      finish(PromptOutcome::interrupted, "ComfyUI interrupted the prompt at node " + m.node + " (" +
                                             m.node_type +
                                             "): someone pressed Cancel or sent POST /interrupt");
    }
  }

  ComfyUrl server_;
  std::string client_id_;
  const SessionHooks& hooks_;
  asio::io_context ioc_;
  tcp::resolver resolver_{ioc_};
  tcp::resolver::results_type endpoints_;
  websocket::stream<tcp::socket> ws_{ioc_};
  tcp::socket http_socket_{ioc_};
  beast::flat_buffer ws_buffer_, http_buffer_;
  http::request<http::string_body> request_;
  http::response_parser<http::string_body> parser_;
  std::vector<std::pair<Message, Clock::time_point>> early_;
  Message last_event_;
  Clock::time_point last_event_at_{};
  PromptRun result_;
  bool done_ = false;
};

}  // namespace

PromptRun run_prompt(const ComfyUrl& server, const std::string& client_id,
                     const json::object& workflow, std::chrono::milliseconds timeout,
                     const SessionHooks& hooks) {
  Session session(server, client_id, workflow, hooks);
  return session.run(timeout);
}

std::string new_client_id() {
  boost::uuids::random_generator generate;
  return boost::uuids::to_string(generate());
}

}  // namespace comfyui
