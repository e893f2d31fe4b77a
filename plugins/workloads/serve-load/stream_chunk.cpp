// SPDX-License-Identifier: MIT
// The OpenAI streaming-chunk decoder of stream_chunk.hpp.
#include "stream_chunk.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

namespace serve_load {

namespace {

namespace json = boost::json;

constexpr std::size_t kQuotedBytes = 60;

std::string_view trim(std::string_view text) {
  constexpr std::string_view space = " \t\r\n";
  const std::size_t begin = text.find_first_not_of(space);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(space) - begin + 1);
}

// The data goes into a failure reason that lands in logs and reports: a bounded, printable
// excerpt of whatever the server sent.
std::string excerpt(std::string_view data) {
  std::string out = "\"";
  const bool cut = data.size() > kQuotedBytes;
  for (const char c : data.substr(0, kQuotedBytes)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u >= 0x7f) ? '?' : c;
  }
  out += cut ? "\"..." : "\"";
  return out;
}

StreamChunk malformed(std::string_view reason, std::string_view data) {
  StreamChunk chunk;
  chunk.kind = StreamChunk::Kind::error;
  chunk.error = "malformed event: ";
  chunk.error.append(reason);
  chunk.error += " in ";
  chunk.error += excerpt(data);
  return chunk;
}

StreamChunk server_error(const json::value& error) {
  StreamChunk chunk;
  chunk.kind = StreamChunk::Kind::error;
  chunk.error = "server error: ";
  const json::string* message = nullptr;
  if (const auto* text = error.if_string()) {
    message = text;
  } else if (const auto* object = error.if_object()) {
    if (const auto* member = object->if_contains("message")) message = member->if_string();
  }
  // An error without a message string is still reported, as the JSON it came as.
  if (message)
    chunk.error.append(message->data(), message->size());
  else
    chunk.error += excerpt(json::serialize(error));
  return chunk;
}

// A member that must be a string when present; null counts as absent (servers send
// "content": null on role-only and finish chunks). False when it has another type.
bool optional_string(const json::object& object, std::string_view key, std::string_view& out) {
  out = {};
  const json::value* member = object.if_contains(key);
  if (!member || member->is_null()) return true;
  const json::string* text = member->if_string();
  if (!text) return false;
  out = std::string_view(text->data(), text->size());
  return true;
}

std::optional<std::uint64_t> token_count(const json::object& usage, std::string_view key) {
  const json::value* member = usage.if_contains(key);
  if (!member) return std::nullopt;
  if (const auto* u = member->if_uint64()) return *u;
  if (const auto* i = member->if_int64(); i && *i >= 0) return static_cast<std::uint64_t>(*i);
  return std::nullopt;
}

}  // namespace

StreamChunk decode_chunk(std::string_view data, Endpoint endpoint) {
  // Both shapes are read whatever the endpoint: servers answer /v1/completions with chat
  // deltas and the reverse, and the content is what the user waited for either way.
  (void)endpoint;
  StreamChunk chunk;
  const std::string_view trimmed = trim(data);
  if (trimmed == "[DONE]") {
    chunk.kind = StreamChunk::Kind::done;
    return chunk;
  }

  boost::system::error_code ec;
  const json::value root = json::parse(trimmed, ec);
  if (ec) return malformed("invalid JSON (" + ec.message() + ")", data);
  const json::object* object = root.if_object();
  if (!object) return malformed("not a JSON object", data);

  if (const json::value* error = object->if_contains("error"); error && !error->is_null())
    return server_error(*error);

  if (const json::value* choices_value = object->if_contains("choices");
      choices_value && !choices_value->is_null()) {
    const json::array* choices = choices_value->if_array();
    if (!choices) return malformed("\"choices\" is not an array", data);
    for (const json::value& choice_value : *choices) {
      const json::object* choice = choice_value.if_object();
      if (!choice) return malformed("a choice is not an object", data);

      std::string_view text, content, reasoning, finish;
      if (!optional_string(*choice, "text", text))
        return malformed("\"text\" is not a string", data);
      if (const json::value* delta_value = choice->if_contains("delta");
          delta_value && !delta_value->is_null()) {
        const json::object* delta = delta_value->if_object();
        if (!delta) return malformed("\"delta\" is not an object", data);
        if (!optional_string(*delta, "content", content))
          return malformed("\"delta.content\" is not a string", data);
        if (!optional_string(*delta, "reasoning_content", reasoning))
          return malformed("\"delta.reasoning_content\" is not a string", data);
      }
      if (!optional_string(*choice, "finish_reason", finish))
        return malformed("\"finish_reason\" is not a string", data);

      const std::size_t bytes = text.size() + content.size() + reasoning.size();
      if (bytes > 0) {
        chunk.content_bytes += bytes;
        ++chunk.content_pieces;
      }
      if (chunk.finish_reason.empty() && !finish.empty()) chunk.finish_reason = finish;
    }
  }

  if (const json::value* usage_value = object->if_contains("usage")) {
    if (const json::object* usage = usage_value->if_object()) {
      chunk.completion_tokens = token_count(*usage, "completion_tokens");
      chunk.prompt_tokens = token_count(*usage, "prompt_tokens");
    }
  }
  return chunk;
}

}  // namespace serve_load
