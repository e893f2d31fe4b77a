// SPDX-License-Identifier: MIT
// How `benchlab-worker --validate` (plugin_validate.h) writes its findings, and the small
// helpers its checks share: a plugin's string as it can be shown, and a size-prefixed
// struct read the way the host reads it.
#pragma once

#include <benchlab/plugin.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdint>
#include <cstring>
#include <string>

#include "plugin_loader.h"  // read_sized
#include "plugin_status.h"
#include "subprocess.h"

namespace benchlab::worker {

// A plugin's string as it can be shown: clipped, control characters as '?'.
inline std::string shown(const char* s, std::size_t max = 80) {
  if (!s) return "NULL";
  std::string out;
  for (std::size_t i = 0; s[i]; ++i) {
    if (i == max) return out + "...";
    const auto c = static_cast<unsigned char>(s[i]);
    out += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
  }
  return out;
}

// "returned BL_ERROR (why)": the finding's field names the call already.
inline std::string returned_status(int32_t status, const std::string& why) {
  return std::string("returned ") + status_name(status) + (why.empty() ? "" : " (" + why + ")");
}

// A plugin's string, "" for NULL; unset(): NULL or "".
inline std::string text_of(const char* s) { return s ? std::string(s) : std::string(); }
inline bool unset(const char* s) { return !s || !*s; }

// The findings, written as they come, so that what was found before a crash survives it.
class Report {
 public:
  explicit Report(int fd) : fd_(fd) {}
  void step(const char* name) { line({{"step", name}}); }
  void plugin(const bl_plugin& d) {
    line({{"plugin",
           {{"id", shown(d.id, 64)},
            {"version", shown(d.version, 64)},
            {"kind", d.kind},
            {"abi_major", d.abi_major},
            {"abi_minor", d.abi_minor}}}});
  }
  void error(const std::string& field, const std::string& message) {
    ++errors_;
    finding("error", field, message);
  }
  void warning(const std::string& field, const std::string& message) {
    finding("warning", field, message);
  }
  void note(const std::string& field, const std::string& message) {
    finding("note", field, message);
  }
  int errors() const { return errors_; }
  [[noreturn]] void end() {
    line({{"end", true}});
    _exit(0);  // no plugin destructors
  }

 private:
  void finding(const char* severity, const std::string& field, const std::string& message) {
    line({{"finding", {{"severity", severity}, {"field", field}, {"message", message}}}});
  }
  void line(const boost::json::object& o) {
    if (!write_all(fd_, boost::json::serialize(o) + "\n")) _exit(3);
  }
  int fd_;
  int errors_ = 0;
};

}  // namespace benchlab::worker
