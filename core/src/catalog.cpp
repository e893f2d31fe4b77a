#include "catalog.h"

#include <dlfcn.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>

#include "subprocess.h"

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

// Files under `dir` with extension `ext`, sorted so discovery order is stable.
std::vector<fs::path> files_with_ext(const fs::path& dir, std::string_view ext, bool recursive,
                                     std::vector<std::string>& diagnostics) {
  std::vector<fs::path> out;
  std::error_code ec;
  auto add = [&](const fs::directory_entry& e) {
    if (e.path().extension() == ext && e.is_regular_file(ec)) out.push_back(e.path());
  };
  if (recursive) {
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec), end;
         !ec && it != end; it.increment(ec))
      add(*it);
  } else {
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) add(*it);
  }
  if (ec) diagnostics.push_back(dir.string() + ": cannot read directory: " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

// How long loading every plugin file may take in the checking worker.
constexpr std::chrono::seconds kCheckTimeout{10};

// Loads `files` in benchlab-worker (--check-plugins) before discovery loads them here, so
// that a plugin whose constructor or entry function crashes or hangs costs a diagnostic,
// not benchlab. The worker writes a byte after each file, so the count read when it dies
// names the file it died in; the files after that one are checked by a fresh worker.
// Returns the files not to load. Without a worker to run, nothing is checked.
std::set<fs::path> check_in_worker(const fs::path& worker, const std::vector<fs::path>& files,
                                   std::vector<std::string>& diagnostics) {
  std::set<fs::path> refused;
  if (worker.empty() || access(worker.c_str(), X_OK) != 0) return refused;
  std::size_t next = 0;
  while (next < files.size()) {
    SpawnSpec spec;
    spec.argv = {worker.string(), "--check-plugins"};
    for (std::size_t i = next; i < files.size(); ++i) spec.argv.push_back(files[i].string());
    spec.new_process_group = true;
    spec.timeout = kCheckTimeout;
    spec.kill_grace = std::chrono::milliseconds(100);
    std::size_t done = 0;
    ExitInfo exit;
    try {
      exit = run_process(spec, [&](std::string_view out) { done += out.size(); }, nullptr);
    } catch (const std::exception&) {  // no worker to run: the files load unchecked
      return refused;
    }
    next += done;
    if (next >= files.size()) break;  // every file answered (a constructor's exit(0) did not)
    const fs::path& culprit = files[next];
    std::string how = exit.timed_out ? fmt::format("hung for {} s", kCheckTimeout.count())
                      : exit.term_signal ? "crashed: " + signal_description(exit.term_signal)
                                         : fmt::format("ended its process with exit status {}",
                                                       exit.exit_code);
    diagnostics.push_back(culprit.string() + ": refused: loading it " + how +
                          " (in a constructor or in " BL_ENTRY_SYMBOL "())");
    refused.insert(culprit);
    ++next;
  }
  return refused;
}

}  // namespace

fs::path install_prefix() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&install_prefix), &info) && info.dli_fname) {
    fs::path self = fs::weakly_canonical(info.dli_fname);
    return self.parent_path().parent_path();
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
    for (auto& d : split_path_list(std::getenv("BENCHLAB_PLUGIN_PATH"))) p.plugin_dirs.push_back(fs::absolute(d));
    for (auto& d : split_path_list(std::getenv("BENCHLAB_PROFILE_PATH"))) p.profile_dirs.push_back(fs::absolute(d));
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
  return p;
}

const LoadedPlugin* Catalog::plugin(std::string_view id) const {
  for (const auto& p : plugins)
    if (p->info().id == id) return p.get();
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

Catalog discover(const SearchPaths& paths) {
  Catalog c;
  std::error_code ec;
  std::vector<fs::path> plugin_files;
  for (const auto& dir : paths.plugin_dirs) {
    if (!fs::is_directory(dir, ec)) continue;  // absent search dirs are normal
    if (auto why = unsafe_dir_reason(dir); !why.empty()) {
      c.diagnostics.push_back(dir.string() + ": plugin directory refused: " + why);
      continue;
    }
    auto files = files_with_ext(dir, ".so", false, c.diagnostics);
    plugin_files.insert(plugin_files.end(), files.begin(), files.end());
  }
  const std::set<fs::path> refused = check_in_worker(paths.worker, plugin_files, c.diagnostics);
  for (const auto& file : plugin_files) {
    if (refused.count(file)) continue;
    try {
      auto lp = LoadedPlugin::load(file);
      if (const LoadedPlugin* first = c.plugin(lp->info().id)) {
        c.diagnostics.push_back(file.string() + ": plugin '" + lp->info().id + "' ignored: already loaded from " +
                                first->info().path.string());
        continue;
      }
      c.plugins.push_back(std::move(lp));
    } catch (const PluginError& e) {
      c.diagnostics.push_back(e.what());
    }
  }
  for (const auto& dir : paths.profile_dirs) {
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& file : files_with_ext(dir, ".xml", true, c.diagnostics)) {
      try {
        auto ps = load_profile_file(file);
        if (ps.profile) {
          if (const Profile* first = c.profile(ps.profile->id)) {
            c.diagnostics.push_back(file.string() + ": profile '" + ps.profile->id + "' ignored: already defined in " +
                                    first->path.string());
          } else {
            c.profiles.push_back(std::move(*ps.profile));
          }
        } else if (ps.suite) {
          if (const Suite* first = c.suite(ps.suite->id)) {
            c.diagnostics.push_back(file.string() + ": suite '" + ps.suite->id + "' ignored: already defined in " +
                                    first->path.string());
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
