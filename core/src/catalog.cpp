// SPDX-License-Identifier: MIT
#include "catalog.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

#include "elf_header.h"
#include "plugin_cache.h"
#include "plugin_inspection.h"
#include "plugin_trust.h"

namespace benchlab {
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> split_path_list(const char* s) {
  std::vector<fs::path> out;
  if (!s) return out;
  std::string_view v(s);
  while (!v.empty()) {
    auto c = v.find(':');
    auto part = v.substr(0, c);
    if (!part.empty()) out.emplace_back(std::string(part));
    if (c == std::string_view::npos) break;
    v.remove_prefix(c + 1);
  }
  return out;
}

const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a file";
}

std::string link_target(const fs::path& p) {
  std::error_code ec;
  fs::path t = fs::read_symlink(p, ec);
  return ec ? std::string("?") : t.string();
}

// What a directory entry is, read before a byte of it: a regular file (or a link to
// one) that discovery may read, or the reason it is skipped.
struct Entry {
  fs::path path;
  struct stat st {};  // of the target, when it could be followed
  bool followed = false;
  bool is_link = false;
  std::string problem;  // why it is not something to read; empty when it is

  bool regular() const { return followed && S_ISREG(st.st_mode); }
  bool directory() const { return followed && S_ISDIR(st.st_mode); }
};

Entry look_at(const fs::path& p) {
  Entry e;
  e.path = p;
  struct stat lst {};
  if (lstat(p.c_str(), &lst) != 0) {
    e.problem = std::string("cannot stat: ") + std::strerror(errno);
    return e;
  }
  e.is_link = S_ISLNK(lst.st_mode);
  if (!e.is_link) {
    e.st = lst;
    e.followed = true;
  } else if (stat(p.c_str(), &e.st) == 0) {
    e.followed = true;
  } else {
    const int err = errno;
    e.problem = err == ELOOP ? "a symlink loop (" + link_target(p) + ")"
                : err == ENOENT
                    ? "a dangling symlink to " + link_target(p)
                    : "cannot follow the symlink to " + link_target(p) + ": " + std::strerror(err);
    return e;
  }
  if (!S_ISREG(e.st.st_mode) && !S_ISDIR(e.st.st_mode))
    e.problem = e.is_link ? std::string("not a regular file (a symlink to ") +
                                kind_of(e.st.st_mode) + ", " + link_target(p) + ")"
                          : std::string("not a regular file (") + kind_of(e.st.st_mode) + ")";
  return e;
}

// The *.so entries of one plugin directory, sorted so that discovery order is stable.
std::vector<fs::path> list_plugin_dir(const fs::path& dir, std::vector<std::string>& diagnostics) {
  std::vector<fs::path> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".so") names.push_back(it->path());
  if (ec) diagnostics.push_back(dir.string() + ": cannot read directory: " + ec.message());
  std::sort(names.begin(), names.end());
  std::vector<fs::path> files;
  for (const auto& p : names) {
    Entry e = look_at(p);
    if (e.regular())
      files.push_back(p);
    else
      diagnostics.push_back(p.string() + ": skipped: " +
                            (e.problem.empty() ? "not a regular file (a directory)" : e.problem));
  }
  return files;
}

// Every *.xml file under a profile directory, symlinked directories followed once each
// (a link back up the tree would otherwise be walked until the path grows too long).
void walk_profile_dir(const fs::path& dir, std::set<std::pair<dev_t, ino_t>>& seen, int depth,
                      std::vector<fs::path>& files, std::vector<std::string>& diagnostics) {
  std::vector<fs::path> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    names.push_back(it->path());
  if (ec) diagnostics.push_back(dir.string() + ": cannot read directory: " + ec.message());
  std::sort(names.begin(), names.end());
  for (const auto& p : names) {
    const bool xml = p.extension() == ".xml";
    Entry e = look_at(p);
    if (e.directory()) {
      if (depth >= 32) {
        diagnostics.push_back(p.string() + ": skipped: more than 32 directories deep");
      } else if (seen.insert({e.st.st_dev, e.st.st_ino}).second) {
        walk_profile_dir(p, seen, depth + 1, files, diagnostics);
      } else if (e.is_link) {
        diagnostics.push_back(p.string() + ": skipped: a symlink to " + link_target(p) +
                              ", a directory searched already (a loop, or a second way in)");
      }
    } else if (e.regular()) {
      if (xml) files.push_back(p);
    } else if (xml || !e.followed) {
      // A broken link may have been meant as a directory, so it is named whatever its name.
      diagnostics.push_back(p.string() + ": skipped: " + e.problem);
    }
  }
}

// What decides a cached verdict besides the plugin file: the rules of this benchlab and
// the worker that applied them.
std::string checker_identity(const fs::path& worker) {
  std::string id = std::string("benchlab ") + BENCHLAB_VERSION + "; " + worker.string();
  if (auto s = stamp_of(worker))
    id += fmt::format(" {}:{} {} {}", s->dev, s->ino, s->size, s->mtime_ns);
  return id;
}

// One plugin file's verdict, kept in discovery order.
struct Verdict {
  std::optional<PluginInfo> plugin;
  std::string refused;
};

std::vector<Verdict> judge_plugin_files(const SearchPaths& paths,
                                        const std::vector<fs::path>& files,
                                        const DiscoveryNotice& notice) {
  std::vector<Verdict> verdicts(files.size());
  PluginCache cache(paths.plugin_cache, checker_identity(paths.worker));
  std::vector<std::size_t> unknown;  // indices of files to load in workers
  std::vector<FileStamp> stamps(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    const fs::path& file = files[i];
    Verdict& v = verdicts[i];
    // Trust first, every time: a cached descriptor is no reason to run code others can change.
    if (auto why = unsafe_path_reason(file); !why.empty()) {
      v.refused = file.string() + ": refused: " + why;
      continue;
    }
    auto stamp = stamp_of(file);
    if (!stamp) {
      v.refused = file.string() + ": cannot stat: " + std::strerror(errno);
      continue;
    }
    stamps[i] = *stamp;
    if (const CachedVerdict* hit = cache.find(file, *stamp)) {
      v.plugin = hit->plugin;
      if (!hit->plugin)
        v.refused = hit->refused + " (as found before: change or touch the file to check it again)";
      continue;
    }
    if (auto why = elf_header_problem(file); !why.empty()) {
      v.refused = file.string() + ": cannot load: " + why;
      cache.put(file, {*stamp, std::nullopt, v.refused});
      continue;
    }
    unknown.push_back(i);
  }
  if (unknown.empty()) {
    cache.save();
    return verdicts;
  }
  if (paths.worker.empty() || access(paths.worker.c_str(), X_OK) != 0) {
    for (std::size_t i : unknown)
      verdicts[i].refused = files[i].string() + ": not checked: the plugin checker " +
                            paths.worker.string() +
                            " is missing or not executable (set BENCHLAB_WORKER)";
    cache.save();
    return verdicts;
  }

  std::vector<fs::path> to_load;
  for (std::size_t i : unknown) to_load.push_back(files[i]);
  const std::vector<Inspection> found = inspect_plugin_files(paths.worker, to_load, {}, notice);
  for (std::size_t k = 0; k < unknown.size(); ++k) {
    const std::size_t i = unknown[k];
    Verdict& v = verdicts[i];
    v.plugin = found[k].plugin;
    v.refused = found[k].refused;
    // A file that changed while it was checked gets its verdict, but not for its new stamp.
    if (found[k].lasting && stamp_of(files[i]) == stamps[i])
      cache.put(files[i], {stamps[i], v.plugin, v.refused});
  }
  cache.save();
  return verdicts;
}

}  // namespace

void notice_on_stderr(const std::string& line) {
  std::string text = "benchlab: " + line + "\n";
  (void)!write(STDERR_FILENO, text.data(), text.size());
}

fs::path install_prefix() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&install_prefix), &info) && info.dli_fname) {
    // The library sits in PREFIX/BENCHLAB_LIBDIR, which may have several components
    // (Debian's multiarch lib/x86_64-linux-gnu): climb one level per component.
    fs::path dir = fs::weakly_canonical(info.dli_fname).parent_path();
    for ([[maybe_unused]] const auto& part : fs::path(BENCHLAB_LIBDIR)) dir = dir.parent_path();
    return dir;
  }
  return "/usr";
}

SearchPaths make_search_paths(const std::vector<std::string>& plugin_dirs,
                              const std::vector<std::string>& profile_dirs,
                              const std::string& worker, bool defaults) {
  SearchPaths p;
  // Absolute, because workers run in a scratch directory.
  for (const auto& d : plugin_dirs) p.plugin_dirs.push_back(fs::absolute(d));
  for (const auto& d : profile_dirs) p.profile_dirs.push_back(fs::absolute(d));
  fs::path prefix = install_prefix();
  if (defaults) {
    for (auto& d : split_path_list(std::getenv("BENCHLAB_PLUGIN_PATH")))
      p.plugin_dirs.push_back(fs::absolute(d));
    for (auto& d : split_path_list(std::getenv("BENCHLAB_PROFILE_PATH")))
      p.profile_dirs.push_back(fs::absolute(d));
    p.plugin_dirs.push_back(prefix / BENCHLAB_PLUGIN_SUBDIR);
    p.profile_dirs.push_back(prefix / BENCHLAB_PROFILE_SUBDIR);
  }
  if (!worker.empty()) {
    p.worker = fs::absolute(worker);
  } else if (const char* w = std::getenv("BENCHLAB_WORKER"); w && *w) {
    p.worker = fs::absolute(w);
  } else {
    p.worker = prefix / BENCHLAB_WORKER_SUBDIR / "benchlab-worker";
  }
  p.plugin_cache = PluginCache::default_location();
  return p;
}

const PluginInfo* Catalog::plugin(std::string_view id) const {
  for (const auto& p : plugins)
    if (p.id == id) return &p;
  return nullptr;
}

const Profile* Catalog::profile(std::string_view id) const {
  for (const auto& p : profiles)
    if (p.id == id) return &p;
  return nullptr;
}

const Suite* Catalog::suite(std::string_view id) const {
  for (const auto& s : suites)
    if (s.id == id) return &s;
  return nullptr;
}

Catalog discover(const SearchPaths& paths, const DiscoveryNotice& notice) {
  Catalog c;
  std::vector<fs::path> plugin_files;
  // A directory named twice (an explicit one that is also the installed one) is searched
  // once: its plugins would otherwise each be "already loaded" from themselves.
  std::set<std::pair<dev_t, ino_t>> searched;
  for (const auto& dir : paths.plugin_dirs) {
    struct stat st {};
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;  // absent dirs are normal
    if (!searched.insert({st.st_dev, st.st_ino}).second) continue;
    if (auto why = unsafe_dir_reason(dir); !why.empty()) {
      c.diagnostics.push_back(dir.string() + ": plugin directory refused: " + why);
      continue;
    }
    auto files = list_plugin_dir(dir, c.diagnostics);
    plugin_files.insert(plugin_files.end(), files.begin(), files.end());
  }
  std::vector<Verdict> verdicts = judge_plugin_files(paths, plugin_files, notice);
  for (std::size_t i = 0; i < plugin_files.size(); ++i) {
    Verdict& v = verdicts[i];
    if (!v.plugin) {
      c.diagnostics.push_back(std::move(v.refused));
      continue;
    }
    if (const PluginInfo* first = c.plugin(v.plugin->id)) {
      c.diagnostics.push_back(plugin_files[i].string() + ": plugin '" + v.plugin->id +
                              "' ignored: already loaded from " + first->path.string());
      continue;
    }
    c.plugins.push_back(std::move(*v.plugin));
  }

  std::set<std::pair<dev_t, ino_t>> seen;  // across profile dirs: each directory once
  for (const auto& dir : paths.profile_dirs) {
    struct stat st {};
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    if (!seen.insert({st.st_dev, st.st_ino}).second) continue;
    std::vector<fs::path> files;
    walk_profile_dir(dir, seen, 0, files, c.diagnostics);
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      try {
        auto ps = load_profile_file(file);
        if (ps.profile) {
          if (const Profile* first = c.profile(ps.profile->id)) {
            c.diagnostics.push_back(file.string() + ": profile '" + ps.profile->id +
                                    "' ignored: already defined in " + first->path.string());
          } else {
            c.profiles.push_back(std::move(*ps.profile));
          }
        } else if (ps.suite) {
          if (const Suite* first = c.suite(ps.suite->id)) {
            c.diagnostics.push_back(file.string() + ": suite '" + ps.suite->id +
                                    "' ignored: already defined in " + first->path.string());
          } else {
            c.suites.push_back(std::move(*ps.suite));
          }
        }
      } catch (const ProfileError& e) {
        c.diagnostics.push_back(e.what());
      }
    }
  }
  return c;
}

}  // namespace benchlab
