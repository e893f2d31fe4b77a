#include "trial_output.hpp"

namespace hmmsearch_workload {
namespace {

// hmmsearch never prints this line.
constexpr std::string_view kTableMarker = "\n==== benchlab: hmmsearch --tblout ====\n";

}  // namespace

std::string join_trial_output(std::string_view main_output, std::string_view table) {
  std::string joined(main_output);
  joined += kTableMarker;
  joined += table;
  return joined;
}

TrialOutput split_trial_output(std::string_view joined) {
  const std::size_t at = joined.rfind(kTableMarker);
  if (at == std::string_view::npos) return {joined, {}, false};
  return {joined.substr(0, at), joined.substr(at + kTableMarker.size()), true};
}

}  // namespace hmmsearch_workload
