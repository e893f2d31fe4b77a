/* SPDX-License-Identifier: MIT */
// From what the operator asked (targets, option overrides, trial policy) to the list of
// results to measure: suites expanded, options validated against each plugin's
// declaration, trial policy settled, requirements gathered for the gate.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "catalog.h"
#include "profile.h"
#include "store.h"

namespace benchlab {

// A bad target, option or policy: the message says which and lists what is valid.
class PlanError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A target, run or plugin that does not exist (BENCHLAB_E_NOT_FOUND).
class NotFoundError : public PlanError {
 public:
  using PlanError::PlanError;
};

struct Policy {
  unsigned warmup = 0;
  unsigned min_trials = 3, max_trials = 3;  // equal: a fixed count
  double target_ci = 0;                     // > 0: dynamic count until reached
  double timeout_s = 600;
};

struct PlanItem {
  std::string test;  // profile id, or plugin id
  const PluginInfo* plugin = nullptr;
  const Profile* profile = nullptr;  // null for a bare plugin
  OptionList options;                // complete: defaults filled in, validated
  Policy policy;
  std::vector<Requirement> requirements;  // the plugin's and the profile's
};

struct PlanRequest {
  std::vector<std::string> targets;
  OptionList overrides;  // KEY=VALUE from the operator
  TrialPolicy policy;    // operator's overrides (unset = profile's)
};

std::vector<PlanItem> make_plan(const Catalog& catalog, const PlanRequest& req);

// Merges profile options and overrides (an overridden key loses all its profile
// values), checks them against the plugin and fills in defaults. Throws PlanError.
OptionList resolve_options(const PluginInfo& plugin, const OptionList& given,
                           const OptionList& overrides, const std::string& test);

// Checks one value against its option's declaration (type, bounds, allowed values);
// returns the problem ("is not an integer", "must be between 1 and 8") or "".
std::string check_option_value(const OptionInfo& o, const std::string& value);

// Policy <-> JSON (stored per result, read back by --resume), requirements included.
std::string policy_to_json(const Policy& p, const std::vector<Requirement>& reqs,
                           const std::string& data_dir);
Policy policy_from_json(const std::string& json, std::vector<Requirement>& reqs,
                        std::string& data_dir);

}  // namespace benchlab
