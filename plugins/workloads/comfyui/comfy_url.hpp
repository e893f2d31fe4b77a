// SPDX-License-Identifier: MIT
// The ComfyUI server a workload talks to, from the base_url option: "http://HOST[:PORT]".
#ifndef COMFYUI_COMFY_URL_HPP
#define COMFYUI_COMFY_URL_HPP

#include <string>
#include <string_view>

namespace comfyui {

struct ComfyUrl {
  std::string host;           // a name or an address; IPv6 without brackets
  std::string port = "8188";  // ComfyUI's default
  std::string prefix;         // path before /prompt, "" or "/something" (a reverse proxy)

  std::string host_header() const;               // "host:port" (brackets for IPv6)
  std::string url(std::string_view path) const;  // "http://host:port" + prefix + path
};

// Parses base_url; anything but plain http throws std::invalid_argument saying what is
// accepted (ComfyUI serves plain http; TLS is a proxy's business).
ComfyUrl parse_comfy_url(std::string_view text);

}  // namespace comfyui

#endif
