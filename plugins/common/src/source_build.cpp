// SPDX-License-Identifier: MIT
#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <array>
#include <benchlab_common/source_build.hpp>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <system_error>
#include <utility>

namespace source_build {

namespace {

constexpr std::size_t kErrorLines = 20;  // of a failed program's output, in the message

class Fnv1a {
 public:
  void add(std::string_view bytes) {
    for (unsigned char c : bytes) {
      hash_ ^= c;
      hash_ *= 0x100000001b3ull;
    }
  }
  // A separator no path or number contains, so "ab"+"c" and "a"+"bc" hash apart.
  void end_field() { add(std::string_view("\0", 1)); }
  std::string hex() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash_));
    return text;
  }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ull;
};

void add_file(Fnv1a& hash, const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string() + " to hash it");
  std::array<char, 1 << 16> buffer;
  while (in) {
    in.read(buffer.data(), buffer.size());
    hash.add(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) throw std::runtime_error("error reading " + file.string() + " to hash it");
}

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The roots at the shallowest level (0, 1 or 2) that has any, in name order.
std::vector<fs::path> find_roots(const fs::path& top, const Project& project) {
  if (project.why_not_root(top).empty()) return {top};
  std::vector<fs::path> level{top};
  for (int depth = 1; depth <= 2; ++depth) {
    std::vector<fs::path> next, roots;
    for (const auto& dir : level) {
      std::error_code ec;  // an unreadable directory holds no tree we could build
      for (const auto& entry :
           fs::directory_iterator(dir, fs::directory_options::skip_permission_denied, ec))
        if (entry.is_directory(ec) && !entry.is_symlink(ec)) next.push_back(entry.path());
    }
    std::sort(next.begin(), next.end());
    for (const auto& dir : next)
      if (project.why_not_root(dir).empty()) roots.push_back(dir);
    if (!roots.empty()) return roots;
    level = std::move(next);
  }
  return {};
}

// The directory whose shortcoming best explains a missing root: the top, or its only
// subdirectory when it holds nothing else (an unpacked tarball of the wrong project).
fs::path closest_candidate(const fs::path& top) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(top, ec)) entries.push_back(entry.path());
  if (entries.size() == 1 && fs::is_directory(fs::symlink_status(entries[0]))) return entries[0];
  return top;
}

// The project's root in `top`, which holds `source` as given (a copy, an unpacked
// tarball, or the directory itself). Throws CannotRun when there is none or several.
fs::path the_root(const fs::path& source, const fs::path& top, const Project& project) {
  const std::vector<fs::path> roots = find_roots(top, project);
  if (roots.size() == 1) return roots.front();
  if (roots.size() > 1) {
    std::string names;
    for (const auto& root : roots)
      names += (names.empty() ? "" : ", ") + root.lexically_relative(top).string();
    throw CannotRun(source.string() + " holds several " + project.name + " source trees (" + names +
                    "): give the path of one of them");
  }
  const fs::path candidate = closest_candidate(top);
  const std::string why = project.why_not_root(candidate);
  const std::string inner = candidate.lexically_relative(top).string();
  if (fs::is_directory(source))
    throw CannotRun((inner == "." ? source : source / inner).string() + " is not a " +
                    project.name + " source tree (" + why + "); " + project.provide);
  throw CannotRun(source.string() + " does not hold a " + project.name + " source tree (" +
                  (inner == "." ? "" : "its top directory " + inner + "/ has ") + why + "); " +
                  project.provide);
}

}  // namespace

bool is_archive(const fs::path& path) {
  const std::string name = path.filename().string();
  for (std::string_view suffix :
       {".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2"})
    if (ends_with(name, suffix) && name.size() > suffix.size()) return true;
  return false;
}

fs::path locate_source(const std::string& option, const char* data_dir, const Project& project) {
  if (option.empty()) throw CannotRun(project.name + " source not given: " + project.provide);
  fs::path path = option;
  if (path.is_relative()) {
    if (data_dir == nullptr || *data_dir == '\0')
      throw CannotRun("option source is the relative path '" + option +
                      "' and there is no profile directory to take it from: give an absolute "
                      "path. " +
                      project.provide);
    path = fs::path(data_dir) / path;
  }
  path = path.lexically_normal();
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status))
    throw CannotRun("option source: " + path.string() + " does not exist; " + project.provide);
  if (fs::is_directory(status)) {
    // Checked here, before the tree is hashed and copied: a mistaken source=/home should
    // be refused at once, not after reading all of it.
    the_root(path, path, project);
    return path;
  }
  if (fs::is_regular_file(status) && is_archive(path)) return path;
  throw CannotRun("option source: " + path.string() +
                  " is neither a directory nor a tarball (.tar.gz, .tgz, .tar.xz, .tar.bz2, "
                  ".tar); " +
                  project.provide);
}

std::string text_hash(std::string_view text) {
  Fnv1a hash;
  hash.add(text);
  return hash.hex();
}

std::string content_hash(const fs::path& path) {
  Fnv1a hash;
  if (!fs::is_directory(path)) {
    add_file(hash, path);
    return hash.hex();
  }
  std::vector<fs::path> entries;
  for (const auto& entry : fs::recursive_directory_iterator(path))
    entries.push_back(entry.path().lexically_relative(path));
  // generic_string order, so the hash does not depend on the directory's listing order.
  std::sort(entries.begin(), entries.end(), [](const fs::path& a, const fs::path& b) {
    return a.generic_string() < b.generic_string();
  });
  for (const auto& relative : entries) {
    const fs::path full = path / relative;
    const fs::file_status status = fs::symlink_status(full);
    hash.add(relative.generic_string());
    hash.end_field();
    if (fs::is_symlink(status)) {
      hash.add("l");
      hash.add(fs::read_symlink(full).generic_string());
    } else if (fs::is_directory(status)) {
      hash.add("d");
    } else if (fs::is_regular_file(status)) {
      hash.add("f");
      add_file(hash, full);
    } else {
      hash.add("o");  // a fifo or device: its name is all a build could depend on
    }
    hash.end_field();
  }
  return hash.hex();
}

std::string tool_version(const Runner& run, const std::string& program, const fs::path& cwd,
                         const std::string& install_hint) {
  const Command command{{program, "--version"}, cwd, {}};
  const Finished done = run(command);
  if (done.exit_code != 0 || done.term_signal != 0)
    throw CannotRun("'" + program + " --version' failed (" + last_lines(done.err, 3) + "): is " +
                    program + " a working compiler? (" + install_hint + ")");
  const std::string& text = done.out.empty() ? done.err : done.out;
  std::string first = text.substr(0, text.find('\n'));
  while (!first.empty() && (first.back() == '\r' || first.back() == ' ')) first.pop_back();
  return first;
}

void stage_source(const Runner& run, const fs::path& source, const fs::path& dest,
                  const Project& project) {
  if (fs::exists(dest)) throw std::logic_error("stage_source: " + dest.string() + " exists");
  const fs::path unpacked = dest.string() + ".unpacked";
  fs::remove_all(unpacked);
  fs::create_directories(unpacked);
  if (fs::is_directory(source)) {
    fs::copy(source, unpacked, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  } else {
    const Command untar{{"tar", "-xf", source.string(), "-C", unpacked.string()}, unpacked, {}};
    const Finished done = run(untar);
    if (done.exit_code != 0 || done.term_signal != 0)
      throw CannotRun("could not unpack " + source.string() + " with tar (" +
                      last_lines(done.err.empty() ? done.out : done.err, 3) +
                      "): is it a complete tarball? " + project.provide);
  }

  fs::path root;
  try {
    root = the_root(source, unpacked, project);
  } catch (...) {
    fs::remove_all(unpacked);
    throw;
  }
  fs::rename(root, dest);
  fs::remove_all(unpacked);
}

fs::path cached_build(const fs::path& cache_dir, const std::string& name,
                      const std::function<void(const fs::path& tmp)>& build, bool* built) {
  if (built != nullptr) *built = false;
  const fs::path final_dir = cache_dir / name;
  if (fs::is_directory(final_dir)) return final_dir;
  fs::create_directories(cache_dir);

  std::string pattern = (cache_dir / ("." + name + ".tmp-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::system_error(errno, std::generic_category(),
                            "cannot create a build directory in " + cache_dir.string());
  const fs::path tmp = pattern;
  // Removes the temporary tree on every way out but a successful rename.
  struct Discard {
    fs::path dir;
    ~Discard() {
      std::error_code ignored;
      if (!dir.empty()) fs::remove_all(dir, ignored);
    }
  } discard{tmp};

  build(tmp);

  std::error_code ec;
  fs::rename(tmp, final_dir, ec);
  if (ec) {
    // rename(2) refuses to replace a non-empty directory: another run got there first.
    if (fs::is_directory(final_dir)) return final_dir;
    throw fs::filesystem_error("cannot move the finished build into the cache", tmp, final_dir, ec);
  }
  discard.dir.clear();
  if (built != nullptr) *built = true;
  return final_dir;
}

std::string last_lines(std::string_view text, std::size_t count) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::size_t start = text.size();
  for (std::size_t lines = 0; start > 0; --start)
    if (text[start - 1] == '\n' && ++lines == count) break;
  return std::string(text.substr(start));
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

std::string describe(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) text += (text.empty() ? "" : " ") + arg;
  return text;
}

void require_success(const Finished& done, const Command& command, std::string_view advice) {
  if (done.exit_code == 0 && done.term_signal == 0) return;
  std::string reason = describe(command.argv) + " in " + command.cwd.string() + " failed (" +
                       (done.term_signal != 0 ? "signal " + std::to_string(done.term_signal)
                                              : "exit status " + std::to_string(done.exit_code)) +
                       ")";
  if (!advice.empty()) reason += ": " + std::string(advice);
  std::string said = done.err.empty() ? done.out : done.err;
  if (!said.empty()) reason += "; its last lines:\n" + last_lines(said, kErrorLines);
  throw BuildFailed(reason);
}

}  // namespace source_build
