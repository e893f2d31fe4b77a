// SPDX-License-Identifier: MIT
// Decoding of ComfyUI's websocket events and /prompt refusals (see comfy_message.hpp).
#include "comfyui/comfy_message.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <stdexcept>

namespace comfyui {
namespace {

namespace json = boost::json;

std::string quote(std::string_view text) {
  constexpr std::size_t kShown = 80;
  std::string shown(text.substr(0, kShown));
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return "'" + shown + (text.size() > kShown ? "...'" : "'");
}

// Node ids are strings in ComfyUI; a number is read as its decimal text.
std::string id_text(const json::value* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

std::string string_at(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t int_at(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
  return 0;
}

}  // namespace

Message parse_message(std::string_view text) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec)
    throw std::runtime_error("a text frame that is not JSON (" + ec.message() +
                             "): " + quote(text));
  const json::object* root = doc.if_object();
  const json::value* type = root != nullptr ? root->if_contains("type") : nullptr;
  if (type == nullptr || !type->is_string())
    throw std::runtime_error("a text frame without a \"type\": " + quote(text));
  Message m;
  m.type = std::string(type->as_string());
  const json::value* data_value = root->if_contains("data");
  if (data_value == nullptr || !data_value->is_object())
    throw std::runtime_error("a '" + m.type +
                             "' event whose \"data\" is not an object: " + quote(text));
  const json::object& data = data_value->as_object();
  m.prompt_id = string_at(data, "prompt_id");
  const json::value* node = data.if_contains("node");
  if (node == nullptr) node = data.if_contains("node_id");
  m.node_is_null = node != nullptr && node->is_null();
  m.node = id_text(node);
  if (m.type == "progress") {
    m.value = int_at(data, "value");
    m.max = int_at(data, "max");  // a progress bar outside any node has no node: ignored
  } else if (m.type == "execution_cached") {
    if (const json::value* nodes = data.if_contains("nodes"); nodes && nodes->is_array())
      for (const json::value& n : nodes->as_array()) m.nodes.push_back(id_text(&n));
  } else if (m.type == "execution_error" || m.type == "execution_interrupted") {
    m.node_type = string_at(data, "node_type");
    m.exception_type = string_at(data, "exception_type");
    m.exception_message = string_at(data, "exception_message");
  }
  return m;
}

std::string summarise_refusal(int status, std::string_view body) {
  std::string head = "ComfyUI refused the prompt (HTTP " + std::to_string(status) + ")";
  boost::system::error_code ec;
  const json::value doc = json::parse(body, ec);
  const json::object* root = !ec ? doc.if_object() : nullptr;
  if (root == nullptr) return head + ": " + quote(body);
  std::string parts;
  const auto add = [&](const std::string& part) {
    if (part.empty()) return;
    parts += (parts.empty() ? "" : "; ") + part;
  };
  if (const json::value* errors = root->if_contains("node_errors"); errors && errors->is_object())
    for (const auto& [id, entry] : errors->as_object()) {
      const json::object* e = entry.if_object();
      if (e == nullptr) continue;
      std::string text = "node " + std::string(id) + " (" + string_at(*e, "class_type") + ")";
      const char* separator = ": ";
      if (const json::value* list = e->if_contains("errors"); list && list->is_array())
        for (const json::value& item : list->as_array())
          if (const json::object* one = item.if_object()) {
            std::string message = string_at(*one, "message");
            const std::string details = string_at(*one, "details");
            if (!details.empty()) message += ": " + details;
            text += separator + message;
            separator = ", ";
          }
      add(text);
    }
  if (parts.empty()) {
    // No node to blame: the prompt as a whole (no outputs, a bad shape).
    if (const json::value* error = root->if_contains("error")) {
      if (error->is_string()) {
        add(std::string(error->as_string()));
      } else if (const json::object* e = error->if_object()) {
        std::string message = string_at(*e, "message");
        const std::string details = string_at(*e, "details");
        if (!details.empty()) message += ": " + details;
        add(message);
      }
    }
  }
  return parts.empty() ? head + ": " + quote(body) : head + ": " + parts;
}

}  // namespace comfyui
