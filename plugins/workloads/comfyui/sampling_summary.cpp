// SPDX-License-Identifier: MIT
// Figures of a prompt run (see sampling_summary.hpp).
#include "comfyui/sampling_summary.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>

namespace comfyui {
namespace {

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
  std::string text;
  for (const std::string& item : list) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::vector<std::string> choose_samplers(const PromptRun& run, const Workflow& workflow,
                                         const std::string& sampler_node) {
  std::vector<std::string> reporting;  // nodes with progress, in order of their first event
  std::map<std::string, std::size_t> events;
  for (const ProgressEvent& e : run.progress) {
    if (events[e.node]++ == 0) reporting.push_back(e.node);
  }
  const std::string cache_hint =
      "ComfyUI skips nodes whose inputs did not change since the last prompt: leave the seed "
      "option unset (a new seed each trial) or make sure the workflow has a seed input";
  if (!sampler_node.empty()) {
    if (events.count(sampler_node) != 0) return {sampler_node};
    if (contains(run.cached, sampler_node))
      throw std::runtime_error("ComfyUI served the sampler node " + sampler_node +
                               " from its cache, nothing was sampled; " + cache_hint);
    throw std::runtime_error(
        "sampler_node " + sampler_node + " reported no progress" +
        (workflow.class_type(sampler_node).empty() ? " (the workflow has no such node)" : "") +
        (reporting.empty() ? "; no node did" : "; nodes that did: " + joined(reporting)));
  }
  std::vector<std::string> chosen;
  for (const std::string& node : reporting)
    if (workflow.is_sampler(node)) chosen.push_back(node);
  if (!chosen.empty()) return chosen;
  if (!reporting.empty())
    return {*std::max_element(
        reporting.begin(), reporting.end(),
        [&](const std::string& a, const std::string& b) { return events[a] < events[b]; })};
  if (!run.cached.empty())
    throw std::runtime_error("no node sampled: ComfyUI served " +
                             std::to_string(run.cached.size()) + " nodes from its cache; " +
                             cache_hint);
  throw std::runtime_error(
      "no node reported sampling progress: does the workflow sample (KSampler or the like)?");
}

}  // namespace

SamplingSummary summarise_sampling(const PromptRun& run, const Workflow& workflow,
                                   const std::string& sampler_node) {
  SamplingSummary s;
  s.sampler_nodes = choose_samplers(run, workflow, sampler_node);
  s.total_time_s = seconds(run.finished - run.posted);
  // Steps are counted per stretch of one node's events: a node that samples twice (or two
  // samplers in turn) has no interval across the switch, which is model work, not a step.
  const ProgressEvent* previous = nullptr;
  for (const ProgressEvent& e : run.progress) {
    if (!contains(s.sampler_nodes, e.node)) continue;
    if (s.first_step == Clock::time_point{}) s.first_step = e.at;
    s.last_step = e.at;
    const bool same_stretch =
        previous != nullptr && previous->node == e.node && e.value > previous->value;
    if (same_stretch) {
      s.step_intervals_s.push_back(seconds(e.at - previous->at) /
                                   static_cast<double>(e.value - previous->value));
      s.steps += e.value - previous->value;
    } else {
      s.steps += std::max<std::int64_t>(e.value, 1);
    }
    previous = &e;
  }
  s.sampling_time_s = seconds(s.last_step - s.first_step);
  const double sum = std::accumulate(s.step_intervals_s.begin(), s.step_intervals_s.end(), 0.0);
  if (s.step_intervals_s.empty() || !(sum > 0))
    throw std::runtime_error("the sampler (node " + joined(s.sampler_nodes) + ") made " +
                             std::to_string(s.steps) +
                             " step(s) with no interval to time between them: give it 2 or more "
                             "steps");
  s.s_per_it = sum / static_cast<double>(s.step_intervals_s.size());
  s.it_per_s = 1.0 / s.s_per_it;
  return s;
}

}  // namespace comfyui
