// SPDX-License-Identifier: MIT
// base_url parsing (see comfy_url.hpp).
#include "comfyui/comfy_url.hpp"

#include <charconv>
#include <stdexcept>

namespace comfyui {

std::string ComfyUrl::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + port;
}

std::string ComfyUrl::url(std::string_view path) const {
  return "http://" + host_header() + prefix + std::string(path);
}

ComfyUrl parse_comfy_url(std::string_view text) {
  const auto refuse = [&](const std::string& why) {
    throw std::invalid_argument("base_url '" + std::string(text) + "': " + why +
                                "; give http://HOST[:PORT], e.g. http://127.0.0.1:8188");
  };
  std::string_view rest = text;
  if (rest.substr(0, 8) == "https://")
    refuse("https is not spoken; point it at ComfyUI's own plain-http port");
  if (rest.substr(0, 7) != "http://") refuse("it must start with http://");
  rest.remove_prefix(7);
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) refuse("credentials are not accepted");
  ComfyUrl url;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) refuse("an IPv6 address lacks its ']'");
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') refuse("unexpected text after the IPv6 address");
      port = after.substr(1);
      has_port = true;
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      has_port = true;
    }
  }
  if (url.host.empty()) refuse("the host is missing");
  if (has_port) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535)
      refuse("the port must be a number from 1 to 65535");
    url.port = std::to_string(value);
  }
  if (path.find_first_of("?#") != std::string_view::npos) refuse("no query or fragment allowed");
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.prefix = std::string(path);
  return url;
}

}  // namespace comfyui
