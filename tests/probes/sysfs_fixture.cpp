// SPDX-License-Identifier: MIT
#include "sysfs_fixture.h"

#include <stdlib.h>

#include <fstream>
#include <set>
#include <stdexcept>

namespace fs = std::filesystem;

namespace benchlab::test {

std::string sysfs_fixture(const std::string& name) {
  return std::string(BENCHLAB_SYSFS_FIXTURES) + "/" + name;
}

std::string probe_plugin_path(const std::string& id) {
  return std::string(BENCHLAB_PLUGIN_DIR) + "/probe-" + id + ".so";
}

TempTree::TempTree() {
  std::string pattern = (fs::temp_directory_path() / "benchlab-probe-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  root_ = pattern;
}

TempTree::TempTree(const std::string& fixture) : TempTree() {
  fs::copy(sysfs_fixture(fixture), root_, fs::copy_options::recursive);
}

TempTree::~TempTree() {
  std::error_code ec;
  // A test may have taken permissions away; give them back so the tree can be removed.
  for (fs::recursive_directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec))
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(root_, ec);
}

void TempTree::write(const std::string& relative, const std::string& text) const {
  const fs::path path = fs::path(root_) / relative;
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::out | std::ios::trunc);  // O_TRUNC: the same inode
  out << text << "\n";
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

const bl_channel_desc& channel(const std::vector<bl_channel_desc>& channels,
                               const std::string& id) {
  for (const auto& c : channels)
    if (c.id && id == c.id) return c;
  throw std::runtime_error("no channel " + id);
}

std::string parent_of(const bl_channel_desc& c) { return c.parent ? c.parent : "(none)"; }
std::string device_of(const bl_channel_desc& c) { return c.device ? c.device : "(none)"; }

bool ids_well_formed(const std::vector<bl_channel_desc>& channels) {
  std::set<std::string> seen;
  for (const auto& c : channels) {
    const std::string id = c.id ? c.id : "";
    if (id.empty() || !seen.insert(id).second) return false;
    for (char ch : id)
      if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
            ch == '-'))
        return false;
  }
  return true;
}

}  // namespace benchlab::test
