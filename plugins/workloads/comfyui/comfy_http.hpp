// SPDX-License-Identifier: MIT
// One blocking HTTP request with a deadline, for what comes around a prompt: the server's
// identity (GET /system_stats) and stopping abandoned work (POST /interrupt). The prompt
// itself is posted by the session (prompt_session.hpp), beside its websocket.
#ifndef COMFYUI_COMFY_HTTP_HPP
#define COMFYUI_COMFY_HTTP_HPP

#include <chrono>
#include <string>
#include <string_view>

#include "comfyui/comfy_url.hpp"

namespace comfyui {

struct HttpAnswer {
  int status = 0;     // 0 when no response was read
  std::string body;   // at most 4 MiB
  std::string error;  // why no response was read ("connect: Connection refused", "timed out")
};

// GET (body empty) or POST (JSON body) base + path. Never throws for network trouble: the
// answer says what happened.
HttpAnswer http_request(const ComfyUrl& server, bool post, std::string_view path,
                        const std::string& body, std::chrono::milliseconds timeout);

// A one-line description of GET /system_stats ("ComfyUI 0.3.40, Python 3.12; cuda:0
// NVIDIA ... 24.0 GiB VRAM"); throws std::runtime_error saying why when the server is not
// there or does not look like ComfyUI.
std::string describe_system(const ComfyUrl& server, std::chrono::milliseconds timeout);

}  // namespace comfyui

#endif
