// SPDX-License-Identifier: MIT
// One prompt run against ComfyUI, as its own client would: connect the websocket
// (/ws?clientId=ID), POST /prompt {"prompt": WORKFLOW, "client_id": ID}, then follow the
// prompt's events until it ends. Every event is timestamped on the steady clock when its
// websocket read completes. The run never outlives its timeout and never throws for
// anything the server does: the result says how it ended and why.
#ifndef COMFYUI_PROMPT_SESSION_HPP
#define COMFYUI_PROMPT_SESSION_HPP

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "comfyui/comfy_message.hpp"
#include "comfyui/comfy_url.hpp"

namespace comfyui {

using Clock = std::chrono::steady_clock;

enum class PromptOutcome {
  succeeded,        // execution_success, or executing with node null
  unreachable,      // no connection, or the websocket handshake failed
  refused,          // POST /prompt answered other than 200 (400: node_errors)
  execution_error,  // execution_error
  interrupted,      // execution_interrupted
  connection_lost,  // the websocket closed before the end
  protocol_error,   // a frame or answer that is not ComfyUI's
  timed_out,
  cancelled,
};

struct ProgressEvent {
  std::string node;
  std::int64_t value = 0, max = 0;
  Clock::time_point at;
};

struct NodeStart {  // an executing event
  std::string node;
  Clock::time_point at;
};

struct PromptRun {
  PromptOutcome outcome = PromptOutcome::protocol_error;
  std::string reason;  // empty when succeeded
  std::string prompt_id;
  std::int64_t number = -1;                            // the queue number ComfyUI gave
  Clock::time_point posted{}, accepted{}, finished{};  // request written, answer read, end
  std::vector<ProgressEvent> progress;
  std::vector<NodeStart> executing;
  std::vector<std::string> cached;  // execution_cached's nodes
  std::size_t text_frames = 0, binary_frames = 0;
};

struct SessionHooks {
  std::function<bool()> cancelled;               // polled about every 100 ms; may be empty
  std::function<void()> on_posted;               // right before the request is written
  std::function<void(const Message&)> on_event;  // each event of this prompt, as it is read
};

// Runs the workflow once. `client_id` names this client to ComfyUI (a UUID).
PromptRun run_prompt(const ComfyUrl& server, const std::string& client_id,
                     const boost::json::object& workflow, std::chrono::milliseconds timeout,
                     const SessionHooks& hooks);

// A new random client id (UUID version 4).
std::string new_client_id();

}  // namespace comfyui

#endif
