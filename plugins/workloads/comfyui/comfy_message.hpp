// SPDX-License-Identifier: MIT
// ComfyUI's websocket events and its /prompt refusals, decoded. The shapes are those of
// ComfyUI's server.py and execution.py: text frames {"type": T, "data": {...}}; binary
// frames are previews, which a timing client skips.
#ifndef COMFYUI_COMFY_MESSAGE_HPP
#define COMFYUI_COMFY_MESSAGE_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace comfyui {

// One text frame. Fields a type does not carry stay empty.
struct Message {
  std::string type;                // status, execution_start, executing, progress, executed, ...
  std::string prompt_id;           // "" when the message has none (status)
  std::string node;                // executing, progress, executed; node ids are strings
  bool node_is_null = false;       // executing with node null: the prompt is done
  std::int64_t value = 0;          // progress: steps done
  std::int64_t max = 0;            // progress: steps in all
  std::vector<std::string> nodes;  // execution_cached: the nodes taken from the cache
  std::string node_type;           // execution_error, execution_interrupted
  std::string exception_type, exception_message;  // execution_error
};

// Decodes a text frame; throws std::runtime_error saying what is wrong with it (not JSON,
// no "type", "data" not an object) and quoting its start.
Message parse_message(std::string_view text);

// The reason for a refused POST /prompt (HTTP 400): ComfyUI's {"error": {...},
// "node_errors": {ID: {"class_type": ..., "errors": [{"message", "details"}]}}} as
// "node 4 (CheckpointLoaderSimple): Value not in list: ckpt_name: 'x' not in [...]; ...".
std::string summarise_refusal(int status, std::string_view body);

}  // namespace comfyui

#endif
