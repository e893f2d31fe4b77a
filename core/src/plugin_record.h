/* SPDX-License-Identifier: MIT */
// The JSON form of what loading a plugin file found: a PluginInfo, or the reason the file
// was refused. benchlab-worker --describe writes one record per file (one line of JSON),
// discovery reads it, and the plugin cache keeps it. The core treats a record as
// untrusted input: it comes from a process that ran the plugin's code.
#pragma once

#include <boost/json/fwd.hpp>
#include <optional>
#include <string>

#include "plugin_info.h"

namespace benchlab {

// One file's verdict: `plugin` when it loaded and its descriptor was valid, else
// `refused`, the diagnostic ("PATH: not a benchlab plugin (no symbol ...)").
struct PluginRecord {
  std::string file;
  std::optional<PluginInfo> plugin;
  std::string refused;
};

// One line, without the newline.
std::string encode_plugin_record(const PluginRecord& r);

// Throws std::runtime_error naming what is wrong with the record.
PluginRecord decode_plugin_record(std::string_view line);

// A PluginInfo as a JSON object (path and sha256 included) and back. from_json checks
// what the core relies on (the id and version become directory names, the kinds and
// types are known) and throws std::runtime_error naming the first bad field.
boost::json::object plugin_info_to_json(const PluginInfo& p);
PluginInfo plugin_info_from_json(const boost::json::value& v);

}  // namespace benchlab
