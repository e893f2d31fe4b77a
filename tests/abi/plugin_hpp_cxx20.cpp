// SPDX-License-Identifier: MIT
// plugin.hpp, the C++ SDK, as C++20 with -pedantic -Werror: every template instantiated
// once, as a plugin would, so a warning inside one fails the build here and not in an
// out-of-tree plugin.
#include <benchlab/plugin.hpp>
#include <type_traits>

namespace {

namespace sdk = benchlab::sdk;

constexpr sdk::guard_texts kTexts{"out of memory in the check", "unknown exception", "check: "};

struct Instance {
  const bl_host* host;
};
using Entry = sdk::entry_points<Instance, kTexts, sizeof(bl_host)>;

// Entry's functions are what bl_workload expects, so they fill its fields.
static_assert(std::is_convertible_v<decltype(&Entry::create), decltype(bl_workload::create)>);
static_assert(std::is_convertible_v<decltype(&Entry::destroy), decltype(bl_workload::destroy)>);

int32_t parse(Instance&, std::string_view output) { return output.empty() ? BL_ERROR : BL_OK; }
int32_t parse_streams(Instance& self, std::string_view out, std::string_view err) {
  sdk::report_metric(self.host, "bytes", static_cast<double>(out.size() + err.size()));
  return BL_OK;
}
int32_t setup(const bl_host* host) { return sdk::option_values(host, "x").empty() ? 1 : 0; }

int32_t run(Instance& self) {
  static const char* const modes[] = {"fast", "slow", nullptr};
  const bl_host* host = self.host;
  const auto n = sdk::option_int(host, "n", 1, 100);
  const double f = sdk::option_float(host, "f", 0, 1, {.invalid = "{name}: {min:.1f}..{max:.1f}"});
  const bool b = sdk::option_bool(host, "b");
  const std::size_t mode = sdk::option_enum(host, "mode", modes);
  const auto r = sdk::spawn_checked(host, {.argv = {"true"}, .timeout_ms = 1000});
  sdk::require_success(r, sdk::command_text({"true"}), "", 5);
  sdk::append_output(host, r.out);
  if (sdk::has_error_output(host)) sdk::append_error_output(host, r.err);
  return n + (f > 0) + b + static_cast<int>(mode) + static_cast<int>(r.out.size()) > 0 ? BL_OK
                                                                                       : BL_ERROR;
}

}  // namespace

// External, so nothing above is dropped as unused.
const bl_workload* benchlab_test_sdk_workload() {
  static const bl_workload workload = {
      sizeof(bl_workload),
      0,
      0,
      nullptr,
      0,
      nullptr,
      0,
      nullptr,
      Entry::create,
      Entry::destroy,
      Entry::call<setup>,
      Entry::call<run>,
      Entry::parse<parse>,
      nullptr,
      Entry::parse_streams<parse_streams>,
  };
  return &workload;
}
