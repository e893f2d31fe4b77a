// SPDX-License-Identifier: MIT
// An API-format ComfyUI workflow ("Save (API Format)"): an object of node id -> {class_type,
// inputs}. Loading tells the UI format (nodes and links arrays) apart, since ComfyUI's
// /prompt accepts only the API format; seeding makes each trial's prompt differ, since
// ComfyUI serves an unchanged prompt from its cache without sampling.
#ifndef COMFYUI_WORKFLOW_HPP
#define COMFYUI_WORKFLOW_HPP

#include <boost/json/object.hpp>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace comfyui {

// Why a workflow file cannot be used.
class WorkflowError : public std::runtime_error {
 public:
  enum class Kind { missing, unreadable, not_json, ui_format, not_api_format };
  WorkflowError(Kind kind, const std::string& reason) : std::runtime_error(reason), kind_(kind) {}
  Kind kind() const noexcept { return kind_; }

 private:
  Kind kind_;
};

struct Workflow {
  boost::json::object nodes;  // node id -> {"class_type": ..., "inputs": {...}}

  // The node's class_type; "" for an unknown node.
  std::string class_type(std::string_view node) const;
  // Whether ComfyUI's progress of this node is sampling: a class_type naming a sampler
  // (KSampler, KSamplerAdvanced, SamplerCustomAdvanced, ...).
  bool is_sampler(std::string_view node) const;
  bool has_sampler() const;
};

// Parses `text`; `where` names it in messages. Throws WorkflowError.
Workflow parse_workflow(std::string_view text, const std::string& where);
// Reads and parses a file. Throws WorkflowError (missing, unreadable, ...).
Workflow load_workflow(const std::filesystem::path& file);

// Writes `seed` into every literal "seed" and "noise_seed" input (KSampler, KSamplerAdvanced,
// RandomNoise, ...); links ([node, output]) stay as they are. Returns how many were set.
std::size_t inject_seed(Workflow& workflow, std::uint64_t seed);

}  // namespace comfyui

#endif
