// SPDX-License-Identifier: MIT
// API-format workflows: loading, format checks and seeding (see workflow.hpp).
#include "comfyui/workflow.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fstream>
#include <sstream>

namespace comfyui {

namespace json = boost::json;

std::string Workflow::class_type(std::string_view node) const {
  const json::value* entry = nodes.if_contains(node);
  const json::object* o = entry != nullptr ? entry->if_object() : nullptr;
  const json::value* type = o != nullptr ? o->if_contains("class_type") : nullptr;
  return type != nullptr && type->is_string() ? std::string(type->as_string()) : std::string();
}

bool Workflow::is_sampler(std::string_view node) const {
  return class_type(node).find("Sampler") != std::string::npos;
}

bool Workflow::has_sampler() const {
  for (const auto& entry : nodes)
    if (is_sampler(entry.key())) return true;
  return false;
}

Workflow parse_workflow(std::string_view text, const std::string& where) {
  using Kind = WorkflowError::Kind;
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) throw WorkflowError(Kind::not_json, where + " is not JSON: " + ec.message());
  json::object* root = doc.if_object();
  if (root == nullptr)
    throw WorkflowError(Kind::not_api_format, where + " is not a JSON object of nodes");
  const json::value* ui_nodes = root->if_contains("nodes");
  const json::value* ui_links = root->if_contains("links");
  if (ui_nodes != nullptr && ui_nodes->is_array() && ui_links != nullptr && ui_links->is_array())
    throw WorkflowError(Kind::ui_format,
                        where +
                            " is a workflow in ComfyUI's UI format (\"nodes\" and \"links\"); "
                            "/prompt takes the API format: open it in ComfyUI and export it "
                            "with Workflow > Export (API), 'Save (API Format)' in older versions");
  if (root->empty()) throw WorkflowError(Kind::not_api_format, where + " holds no node");
  for (const auto& [id, entry] : *root) {
    const json::object* node = entry.if_object();
    const json::value* type = node != nullptr ? node->if_contains("class_type") : nullptr;
    const json::value* inputs = node != nullptr ? node->if_contains("inputs") : nullptr;
    if (type == nullptr || !type->is_string() || inputs == nullptr || !inputs->is_object())
      throw WorkflowError(Kind::not_api_format,
                          where + ": entry \"" + std::string(id) +
                              "\" is not an API-format node ({\"class_type\": ..., \"inputs\": "
                              "{...}}); export the workflow with 'Save (API Format)'");
  }
  return Workflow{std::move(*root)};
}

Workflow load_workflow(const std::filesystem::path& file) {
  using Kind = WorkflowError::Kind;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    throw WorkflowError(Kind::missing,
                        "workflow file " + file.string() +
                            " does not exist; give an API-format export with -o workflow=FILE");
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf()))
    throw WorkflowError(Kind::unreadable, "cannot read workflow file " + file.string());
  return parse_workflow(text.str(), "workflow file " + file.string());
}

std::size_t inject_seed(Workflow& workflow, std::uint64_t seed) {
  std::size_t set = 0;
  for (auto& entry : workflow.nodes) {
    json::object* node = entry.value().if_object();
    json::value* inputs = node != nullptr ? node->if_contains("inputs") : nullptr;
    if (inputs == nullptr || !inputs->is_object()) continue;
    for (const char* name : {"seed", "noise_seed"}) {
      json::value* input = inputs->as_object().if_contains(name);
      if (input == nullptr || !input->is_number()) continue;  // a link is an array
      *input = seed;
      ++set;
    }
  }
  return set;
}

}  // namespace comfyui
