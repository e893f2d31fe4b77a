// SPDX-License-Identifier: MIT
// The server a load is aimed at, from the base_url option: "http://HOST[:PORT][/PREFIX]".
#ifndef SERVE_LOAD_SERVER_URL_HPP
#define SERVE_LOAD_SERVER_URL_HPP

#include <string>
#include <string_view>

namespace serve_load {

struct ServerUrl {
  std::string host;         // a name or an address; IPv6 without brackets
  std::string port = "80";  // decimal
  std::string prefix;       // path before /v1/..., "" or "/something" without a trailing '/'

  std::string host_header() const;               // "host:port" (brackets for IPv6)
  std::string url(std::string_view path) const;  // "http://host:port" + prefix + path
};

// Parses base_url. Only plain http is spoken (a local server or a TLS-terminating proxy);
// https and anything unparsable throw std::invalid_argument saying what is accepted. A
// trailing "/v1" is dropped, since OpenAI clients take base URLs that end in it.
ServerUrl parse_server_url(std::string_view text);

}  // namespace serve_load

#endif
