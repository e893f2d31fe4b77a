// SPDX-License-Identifier: MIT
// The prompts a load sends: a built-in set of code-assistant requests (the study simulated
// developers using a coding model), or a JSONL file of {"prompt": "..."} or
// {"messages": [...]} lines.
#ifndef SERVE_LOAD_PROMPT_SET_HPP
#define SERVE_LOAD_PROMPT_SET_HPP

#include <boost/json/array.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace serve_load {

// One prompt: a text, or a chat conversation (an array of {"role","content"} objects).
struct Prompt {
  std::string text;             // set when the line gave "prompt"
  boost::json::array messages;  // set when it gave "messages"
  bool is_chat() const { return !messages.empty(); }
};

// The built-in set (compiled in, so a run needs no file).
std::vector<Prompt> builtin_prompts();

// Reads a JSONL file; blank lines are skipped. Throws std::runtime_error naming the file,
// the line and what is wrong (not JSON, neither member, an empty messages array, a
// message without string role and content).
std::vector<Prompt> load_prompts(const std::filesystem::path& file);

}  // namespace serve_load

#endif
