// SPDX-License-Identifier: MIT
#include "plugin_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>

#include "plugin_record.h"
#include "subprocess.h"

namespace benchlab {
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

constexpr int kFormat = 1;
constexpr off_t kMaxCacheBytes = 16 << 20;  // far above any real cache; a bigger file is not ours

FileStamp stamp_from(const struct stat& st) {
  FileStamp s;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.mtime_ns = std::int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.ctime_ns = std::int64_t(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  return s;
}

// The cache's bytes, if it is a regular file of ours that nobody else may write: its
// descriptors are believed without loading the plugins again.
std::string read_private_file(const fs::path& file) {
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return {};
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
      (st.st_mode & (S_IWGRP | S_IWOTH)) || st.st_size > kMaxCacheBytes)
    return {};
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t n = 0;
  while (n < text.size()) {
    const ssize_t r = read(fd, text.data() + n, text.size() - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return {};
    n += static_cast<std::size_t>(r);
  }
  return text;
}

json::object stamp_to_json(const FileStamp& s) {
  return {{"dev", s.dev},
          {"ino", s.ino},
          {"size", s.size},
          {"mtime_ns", s.mtime_ns},
          {"ctime_ns", s.ctime_ns}};
}

FileStamp stamp_from_json(const json::value& v) {
  const json::object& o = v.as_object();
  FileStamp s;
  s.dev = json::value_to<std::uint64_t>(o.at("dev"));
  s.ino = json::value_to<std::uint64_t>(o.at("ino"));
  s.size = json::value_to<std::uint64_t>(o.at("size"));
  s.mtime_ns = json::value_to<std::int64_t>(o.at("mtime_ns"));
  s.ctime_ns = json::value_to<std::int64_t>(o.at("ctime_ns"));
  return s;
}

}  // namespace

std::optional<FileStamp> stamp_of(const fs::path& file) {
  struct stat st {};
  if (stat(file.c_str(), &st) != 0) return std::nullopt;
  return stamp_from(st);
}

fs::path PluginCache::default_location() {
  // As the plugins' own cache directories (runner.cpp): XDG's rule, absolute paths only.
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg == '/') return fs::path(xdg) / "benchlab" / "_discovery" / "plugins.json";
  const char* home = std::getenv("HOME");
  if (home && *home == '/')
    return fs::path(home) / ".cache" / "benchlab" / "_discovery" / "plugins.json";
  return {};
}

PluginCache::PluginCache(fs::path file, std::string checker)
    : file_(std::move(file)), checker_(std::move(checker)) {
  if (file_.empty()) return;
  const std::string text = read_private_file(file_);
  if (text.empty()) return;
  json::parse_options opts;
  opts.allow_invalid_utf8 = true;
  json::error_code ec;
  const json::value doc = json::parse(text, ec, {}, opts);
  if (ec || !doc.is_object()) return;
  const json::object& top = doc.get_object();
  const json::value* format = top.if_contains("format");
  const json::value* checker_v = top.if_contains("checker");
  const json::value* files = top.if_contains("files");
  if (!format || !format->is_int64() || format->get_int64() != kFormat || !checker_v ||
      !checker_v->is_string() || checker_v->get_string() != checker_ || !files ||
      !files->is_array())
    return;
  for (const json::value& e : files->get_array()) {
    try {
      const json::object& o = e.as_object();
      CachedVerdict v;
      v.stamp = stamp_from_json(o.at("stamp"));
      if (const json::value* p = o.if_contains("plugin")) {
        v.plugin = plugin_info_from_json(*p);
      } else {
        v.refused = std::string(o.at("refused").as_string());
        if (v.refused.empty()) continue;
      }
      entries_[std::string(o.at("path").as_string())] = std::move(v);
    } catch (const std::exception&) {
      // One bad entry costs that file a fresh check, nothing more.
    }
  }
}

const CachedVerdict* PluginCache::find(const fs::path& plugin_file, const FileStamp& stamp) const {
  auto it = entries_.find(plugin_file.string());
  return it != entries_.end() && it->second.stamp == stamp ? &it->second : nullptr;
}

void PluginCache::put(const fs::path& plugin_file, CachedVerdict verdict) {
  if (file_.empty()) return;
  entries_[plugin_file.string()] = std::move(verdict);
  dirty_ = true;
}

void PluginCache::save() {
  if (file_.empty() || !dirty_) return;
  dirty_ = false;
  json::array files;
  for (const auto& [path, v] : entries_) {
    if (!stamp_of(path)) continue;  // the file is gone
    json::object o{{"path", path}, {"stamp", stamp_to_json(v.stamp)}};
    if (v.plugin)
      o["plugin"] = plugin_info_to_json(*v.plugin);
    else
      o["refused"] = v.refused;
    files.push_back(std::move(o));
  }
  const std::string text =
      json::serialize(json::object{{"format", kFormat}, {"checker", checker_}, {"files", files}}) +
      "\n";
  std::error_code ec;
  const fs::path dir = file_.parent_path();
  fs::create_directories(dir, ec);
  if (ec) return;
  std::string tmp = (dir / (file_.filename().string() + ".XXXXXX")).string();
  const int fd = mkostemp(tmp.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) return;
  const bool ok = write_all(fd, text);
  if (close(fd) != 0 || !ok || rename(tmp.c_str(), file_.c_str()) != 0) unlink(tmp.c_str());
}

}  // namespace benchlab
