// SPDX-License-Identifier: MIT
#include "plugin_commands.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>

namespace benchlab_cli {
namespace {

namespace json = boost::json;

constexpr const char* kValidateHelp =
    "Check a plugin file the way benchlab loads it, and say what to fix.\n"
    "The file is loaded in a benchlab-worker process, never in benchlab's own. Checked:\n"
    "  the file: an ELF shared object for this machine that dlopen() loads (missing\n"
    "    libraries and undefined symbols are named), exporting benchlab_plugin_entry;\n"
    "  the descriptor: abi_major (must be this benchlab's), abi_minor (newer: a note),\n"
    "    struct_size of the descriptor and of every table and array element (at least\n"
    "    the ABI 1.0 size, and a size), kind, id ([a-z0-9][a-z0-9._-]*), version,\n"
    "    description, the functions the kind needs (workload: create, run, destroy;\n"
    "    probe: open, close, channels, sample);\n"
    "  options: unique names of [a-z0-9_.-], a known type, a default that parses as\n"
    "    the type and lies within min..max or among `allowed`, no default on a REQUIRED\n"
    "    option; metrics: unique names, direction -1 or 1, a unit; requirements;\n"
    "  a dry run in a process of its own, each call limited by --timeout: a workload's\n"
    "    create() with the default options and destroy() (and destroy(NULL)); a probe's\n"
    "    open(), channels() (ids, quantities, kinds), one sample() and close(). A crash,\n"
    "    hang or exit() in any call, or while loading, is an error naming the call.\n"
    "Each finding is one line, \"error:\", \"warning:\" or \"note:\", the field or call, and\n"
    "what to do; then \"FILE: N errors, M warnings\". Only errors fail the check.\n"
    "Exit status: 0 no errors, 1 some file has errors, 2 bad usage or no such file,\n"
    "4 the check could not be made. See docs/plugin-validate.md.";

std::string plural(std::size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

const char* kind_name(const json::value& k) {
  if (k.is_string()) return k.as_string() == "workload" ? "workload" : "probe";
  return "unknown kind";
}

// The findings for people: one line each, then the counts.
void print_text(const json::object& v) {
  const std::string file(v.at("file").as_string());
  if (const auto& p = v.at("plugin"); p.is_object()) {
    const auto& po = p.as_object();
    fmt::print("{}: plugin '{}' {} ({}, plugin ABI {})\n", file,
               std::string(po.at("id").as_string()), std::string(po.at("version").as_string()),
               kind_name(po.at("kind")), std::string(po.at("abi").as_string()));
  }
  for (const auto& f : v.at("findings").as_array()) {
    const auto& fo = f.as_object();
    fmt::print("{}: {}: {}\n", std::string(fo.at("severity").as_string()),
               std::string(fo.at("field").as_string()), std::string(fo.at("message").as_string()));
  }
  const auto n = [&](const char* k) { return v.at(k).to_number<std::size_t>(); };
  std::string counts = plural(n("errors"), "error") + ", " + plural(n("warnings"), "warning");
  if (n("notes") > 0) counts += ", " + plural(n("notes"), "note");
  fmt::print("{}: {}\n", file, counts);
}

}  // namespace

void add_plugin_commands(CLI::App& app, PluginCommands& cmds) {
  cmds.plugin = app.add_subcommand("plugin", "Tools for plugin authors (validate)");
  cmds.plugin->require_subcommand(1);
  cmds.validate = cmds.plugin->add_subcommand(
      "validate", "Check plugin files and say what is wrong with them, and how to fix it");
  cmds.validate->footer(kValidateHelp);
  cmds.validate->add_option("files", cmds.files, "Plugin files (.so)")
      ->required()
      ->type_name("FILE");
  cmds.validate->add_flag("--json", cmds.json,
                          "One JSON object a file, one a line: file, plugin, errors, warnings, "
                          "notes, findings");
  cmds.validate
      ->add_option("--timeout", cmds.timeout,
                   "Seconds that loading the file, and each call of the dry run, may take")
      ->capture_default_str()
      ->type_name("SECONDS")
      ->check([](const std::string& s) -> std::string {
        try {
          std::size_t used = 0;
          const double x = std::stod(s, &used);
          if (used == s.size() && std::isfinite(x) && x > 0 && x <= 3600) return {};
        } catch (const std::exception&) {
        }
        return "a number of seconds above 0, at most 3600, is expected; got '" + s + "'";
      });
  cmds.validate->add_flag("--no-dry-run", cmds.no_dry_run,
                          "Check the file and its descriptor only: call no create(), open() or "
                          "other plugin function");
}

int run_plugin_commands(const PluginCommands& cmds, const Common& common) {
  if (!cmds.validate || !*cmds.validate) return -1;
  int rc = 0;
  benchlab_ctx* ctx = open_ctx(common, StoreUse::none, rc, true);
  if (!ctx) return rc;
  int status = 0;
  for (const auto& file : cmds.files) {
    char* text = nullptr;
    const int32_t r =
        benchlab_validate_plugin(ctx, file.c_str(), cmds.timeout,
                                 cmds.no_dry_run ? BENCHLAB_VALIDATE_NO_DRY_RUN : 0u, &text);
    if (r != BENCHLAB_OK) {
      status = std::max(status, error(r));
      continue;
    }
    const json::value v = json::parse(text);
    benchlab_free(text);
    if (cmds.json)
      fmt::print("{}\n", json::serialize(v));
    else
      print_text(v.as_object());
    if (v.as_object().at("errors").to_number<std::size_t>() > 0)
      status = std::max(status, kExitTrialsFailed);
  }
  benchlab_close(ctx);
  return status;
}

}  // namespace benchlab_cli
