// SPDX-License-Identifier: MIT
// The JSON bodies of completion requests (see load_spec.hpp).
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "serve-load/load_spec.hpp"

namespace serve_load {

const char* endpoint_path(Endpoint endpoint) {
  return endpoint == Endpoint::chat ? "/v1/chat/completions" : "/v1/completions";
}

std::string request_body(const LoadSpec& spec, const Prompt& prompt, bool include_usage) {
  boost::json::object body;
  body["model"] = spec.model;
  if (spec.endpoint == Endpoint::chat) {
    if (prompt.is_chat()) {
      body["messages"] = prompt.messages;
    } else {
      boost::json::array messages;
      messages.push_back(boost::json::object{{"role", "user"}, {"content", prompt.text}});
      body["messages"] = std::move(messages);
    }
  } else if (prompt.is_chat()) {
    std::string joined;
    for (const auto& message : prompt.messages) {
      if (!joined.empty()) joined += "\n\n";
      joined += message.at("content").as_string();
    }
    body["prompt"] = std::move(joined);
  } else {
    body["prompt"] = prompt.text;
  }
  body["max_tokens"] = spec.max_tokens;
  // Greedy decoding, as vLLM's benchmark_serving does: output length and timing then do
  // not depend on sampling luck.
  body["temperature"] = 0;
  if (spec.ignore_eos) body["ignore_eos"] = true;
  body["stream"] = spec.stream;
  if (spec.stream && include_usage)
    body["stream_options"] = boost::json::object{{"include_usage", true}};
  return boost::json::serialize(body);
}

}  // namespace serve_load
