/* SPDX-License-Identifier: MIT */
// Fixture sysfs trees for the probe tests (tests/fixtures/sysfs/<name>/ stands for "/"):
// where each is, a writable copy for tests that change counters between samples, and the
// path of a built probe plugin.
#pragma once

#include <benchlab/plugin.h>

#include <filesystem>
#include <string>
#include <vector>

namespace benchlab::test {

// tests/fixtures/sysfs/<name>
std::string sysfs_fixture(const std::string& name);
// The built probe-<id>.so.
std::string probe_plugin_path(const std::string& id);

// A temporary directory, removed with everything in it when destroyed; optionally a copy
// of a fixture tree.
class TempTree {
 public:
  TempTree();                                     // empty
  explicit TempTree(const std::string& fixture);  // a copy of sysfs_fixture(fixture)
  ~TempTree();
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;
  const std::string& root() const { return root_; }
  // Replaces the content of root()/relative in place (same inode, as a driver's attribute
  // changes), creating it and its directories when missing.
  void write(const std::string& relative, const std::string& text) const;

 private:
  std::string root_;
};

// The channel `id` of `channels`; throws std::runtime_error when there is none.
const bl_channel_desc& channel(const std::vector<bl_channel_desc>& channels, const std::string& id);
// Its parent's id, or "(none)".
std::string parent_of(const bl_channel_desc& c);
// Its device, or "(none)".
std::string device_of(const bl_channel_desc& c);

// Every channel id matches [a-z0-9_.-]+ and none repeats.
bool ids_well_formed(const std::vector<bl_channel_desc>& channels);

}  // namespace benchlab::test
