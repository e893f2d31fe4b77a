// SPDX-License-Identifier: MIT
// A successful prompt run turned into the workload's figures: which nodes sampled, how
// many steps they made, the gaps between their steps, it/s and s/it, and the total time.
#ifndef COMFYUI_SAMPLING_SUMMARY_HPP
#define COMFYUI_SAMPLING_SUMMARY_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "comfyui/prompt_session.hpp"
#include "comfyui/workflow.hpp"

namespace comfyui {

struct SamplingSummary {
  std::vector<std::string> sampler_nodes;  // in the order they sampled
  std::int64_t steps = 0;                  // steps made by the sampler nodes
  std::vector<double> step_intervals_s;    // gaps between consecutive steps of one node
  double sampling_time_s = 0;              // first to last progress event of the sampler nodes
  double it_per_s = 0;                     // intervals / their sum
  double s_per_it = 0;                     // the mean interval
  double total_time_s = 0;                 // POST written to the end of the prompt
  Clock::time_point first_step{}, last_step{};
};

// The sampler nodes: `sampler_node` when given; otherwise every node whose class_type names
// a sampler and that reported progress (the two experts of Wan 2.2 both count); otherwise
// the node with the most progress events. Throws std::runtime_error with the reason when
// nothing sampled (typically: ComfyUI served the prompt from its cache) or when no step
// interval can be timed.
SamplingSummary summarise_sampling(const PromptRun& run, const Workflow& workflow,
                                   const std::string& sampler_node);

}  // namespace comfyui

#endif
