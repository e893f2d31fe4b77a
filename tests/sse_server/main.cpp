// SPDX-License-Identifier: MIT
// sse-test-server: the test SSE server (sse_test_server.hpp) as a program, for benchmarks
// and manual runs of the serve-load plugin. Prints the port it listens on, on its own
// line, then serves until SIGTERM or SIGINT.
#include <signal.h>

#include <charconv>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

#include "sse_test_server.hpp"

namespace {

constexpr const char* kUsage =
    "usage: sse-test-server [--port N] [--first-token-ms N] [--inter-token-ms N] [--tokens N]\n"
    "                       [--mode NAME] [--model NAME] [--threads N]\n"
    "Serves OpenAI-compatible streaming completions on 127.0.0.1 (port 0: any free port).\n"
    "Modes: ok http_500 http_429 http_404 stall no_done garbage endless_line bad_json split\n"
    "       crlf reset error_event no_usage chunk_tokens\n"
    "A prompt may override them per request: [[mode=NAME]] [[tokens=N]] [[ttft_ms=N]]\n"
    "[[itl_ms=N]].\n";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "sse-test-server: " << message << "\n" << kUsage;
  std::exit(2);
}

template <typename Number>
Number parse_number(std::string_view flag, std::string_view text) {
  Number value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    usage_error(std::string(flag) + " needs a non-negative integer, got '" + std::string(text) +
                "'");
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  sse_test::ServerConfig config;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= argc) usage_error("unknown flag or missing value: " + std::string(flag));
    const std::string_view value = argv[++i];
    if (flag == "--port")
      config.port = parse_number<unsigned short>(flag, value);
    else if (flag == "--first-token-ms")
      config.first_token_delay_ms = parse_number<unsigned>(flag, value);
    else if (flag == "--inter-token-ms")
      config.inter_token_delay_ms = parse_number<unsigned>(flag, value);
    else if (flag == "--tokens")
      config.tokens = parse_number<unsigned>(flag, value);
    else if (flag == "--threads")
      config.threads = parse_number<unsigned>(flag, value);
    else if (flag == "--mode")
      config.mode = value;
    else if (flag == "--model")
      config.model = value;
    else
      usage_error("unknown flag: " + std::string(flag));
  }

  // Blocked before the server's threads start, so they inherit the mask and the signals
  // wait for sigwait() below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    sse_test::Server server(config);
    std::cout << server.port() << std::endl;  // the line a script waits for
    int signal = 0;
    sigwait(&stop_signals, &signal);
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 1;
  }
  return 0;
}
