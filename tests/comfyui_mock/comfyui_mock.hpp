// SPDX-License-Identifier: MIT
// A ComfyUI stand-in on 127.0.0.1 (an ephemeral port) speaking ComfyUI's wire shapes:
// GET /system_stats, POST /prompt (validated like ComfyUI: 400 with node_errors), POST
// /interrupt, and /ws?clientId=ID, which sends a queued prompt's events to its client:
// status, execution_start, execution_cached, executing per node, progress per sampler
// step (a binary preview frame after each), executed, execution_success and executing
// with node null. Faults replace the end of a run. Thread per connection, blocking I/O:
// a test server, simple rather than scalable.
#ifndef COMFYUI_MOCK_HPP
#define COMFYUI_MOCK_HPP

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace comfyui_mock {

enum class Fault {
  none,
  execution_error,  // execution_error at the sampler's fault step
  interrupted,      // execution_interrupted at the sampler's fault step
  close_mid_run,    // the websocket's TCP connection is closed at the fault step
  stall,            // nothing more is sent after the fault step
  garbage,          // a text frame that is not JSON at the fault step, then the rest
};

struct MockOptions {
  int steps = 20;  // a sampler node's steps when its inputs have no "steps"
  std::chrono::milliseconds step_delay{10};
  std::chrono::milliseconds node_delay{2};  // time in each node that does not sample
  Fault fault = Fault::none;
  int fault_step = 3;
  bool previews = true;  // a binary frame after each progress event
  bool cache = true;     // the same prompt twice in a row: every node from the cache
  // A node input with this string value is refused as ComfyUI refuses a missing model.
  std::string missing_model = "missing.safetensors";
};

class MockServer {
 public:
  explicit MockServer(MockOptions options = {});
  ~MockServer();  // stops: every connection closed, every thread joined
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  unsigned short port() const;
  std::string base_url() const;              // "http://127.0.0.1:PORT"
  std::vector<std::string> prompts() const;  // the "prompt" of each accepted POST, as JSON
  std::size_t interrupts() const;            // POST /interrupt received

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace comfyui_mock

#endif
