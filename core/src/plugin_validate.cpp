// SPDX-License-Identifier: MIT
#include "plugin_validate.h"

#include <benchlab/plugin.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "elf_header.h"
#include "subprocess.h"

namespace benchlab {
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxOutput = 4 << 20;  // findings of one file are a few KiB
constexpr std::size_t kStderrTail = 2048;
// The dry run times each of its calls itself (a workload makes 3, a probe 6); the core
// only steps in when the worker does not.
constexpr int kDryRunCalls = 6;

// `s` with every byte that does not belong to a well-formed UTF-8 sequence replaced by
// U+FFFD: a plugin's strings (and dlerror()'s) are bytes, and benchlab.h promises UTF-8.
std::string utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xe  ? 3
                    : (c >> 3) == 0x1e ? 4
                                       : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k)
      ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    if (ok && n > 1) {  // no overlong forms, surrogates or code points past U+10FFFF
      std::uint32_t cp = c & (0xff >> (n + 1));
      for (std::size_t k = 1; k < n; ++k)
        cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3f);
      static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMin[n] && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

// What the worker said, line by line.
struct WorkerOutput {
  std::mutex mu;
  std::string pending;
  std::string step;  // the stage in progress
  Clock::time_point step_since = Clock::now();
  bool ended = false, overflow = false;
  std::size_t size = 0;
  std::vector<std::string> bad_lines;
  PluginValidation* v = nullptr;

  void feed(std::string_view s) {
    std::lock_guard lock(mu);
    size += s.size();
    if (size > kMaxOutput) {
      overflow = true;
      return;
    }
    pending.append(s);
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
      line(pending.substr(0, nl));
      pending.erase(0, nl + 1);
    }
  }

  void line(const std::string& text) {
    try {
      json::parse_options opts;
      opts.allow_invalid_utf8 = true;  // a plugin's strings are bytes; they are shown
      const json::value jv = json::parse(text, {}, opts);
      const json::object& o = jv.as_object();
      if (const auto* s = o.if_contains("step")) {
        step = std::string(s->as_string());
        step_since = Clock::now();
      } else if (const auto* p = o.if_contains("plugin")) {
        const json::object& po = p->as_object();
        ValidatedPlugin vp;
        vp.id = utf8(po.at("id").as_string());
        vp.version = utf8(po.at("version").as_string());
        vp.kind = json::value_to<std::int32_t>(po.at("kind"));
        vp.abi_major = json::value_to<std::uint32_t>(po.at("abi_major"));
        vp.abi_minor = json::value_to<std::uint32_t>(po.at("abi_minor"));
        v->plugin = vp;
      } else if (const auto* f = o.if_contains("finding")) {
        const json::object& fo = f->as_object();
        ValidationFinding x{std::string(fo.at("severity").as_string()),
                            utf8(fo.at("field").as_string()), utf8(fo.at("message").as_string())};
        if (x.severity != "error" && x.severity != "warning" && x.severity != "note")
          throw std::runtime_error("unknown severity");
        v->findings.push_back(std::move(x));
      } else if (o.if_contains("end")) {
        ended = true;
      } else {
        throw std::runtime_error("unknown record");
      }
    } catch (const std::exception&) {
      bad_lines.push_back(text.substr(0, 200));
    }
  }
};

std::string seconds(double s) { return fmt::format("{:g} s", s); }

// The finding for a worker that ended, or was ended, before it was done.
ValidationFinding stage_failure(const std::string& step, const ExitInfo& x, bool hung,
                                double limit_s) {
  std::string how;
  if (hung)
    how = "did not finish within " + seconds(limit_s);
  else if (x.term_signal)
    how = "crashed: " + signal_description(x.term_signal);
  else
    how = fmt::format("ended the process with exit status {}", x.exit_code);
  if (step == "dlopen")
    return {"error", "dlopen",
            "loading the file " + how +
                ", in a constructor of the plugin or of a library it links: a constructor "
                "must not crash, wait or exit (do that work in setup() or open())"};
  if (step == "entry")
    return {"error", BL_ENTRY_SYMBOL,
            BL_ENTRY_SYMBOL "() " + how +
                ": it must only return its static descriptor, at once, and never exit()"};
  if (step == "descriptor" || step == "load")
    return {"error", "descriptor",
            "reading the descriptor " + how +
                (x.term_signal ? ": a pointer in it (a string, an array, a table) points to "
                                 "memory that is not mapped; check every pointer and count"
                               : "")};
  if (step == "dry run") return {"error", "dry run", "the dry run " + how};
  return {"error", "file", "checking the file " + how};
}

}  // namespace

std::size_t PluginValidation::count(const char* severity) const {
  return static_cast<std::size_t>(std::count_if(
      findings.begin(), findings.end(), [&](const auto& f) { return f.severity == severity; }));
}

PluginValidation validate_plugin_file(const std::filesystem::path& worker,
                                      const std::filesystem::path& file,
                                      const ValidationLimits& limits) {
  PluginValidation v;
  v.file = file;
  if (const std::string why = elf_header_problem(file); !why.empty()) {
    v.findings.push_back({"error", "file",
                          why + ": a plugin is an ELF shared object built for this machine "
                                "(linked with -shared)"});
    return v;
  }

  WorkerOutput out;
  out.v = &v;
  std::string err;
  SpawnSpec spec;
  spec.argv = {worker.string(), "--validate", file.string(), "--timeout",
               fmt::format("{}", limits.timeout_s)};
  if (!limits.dry_run) spec.argv.push_back("--no-dry-run");
  spec.new_process_group = true;
  spec.kill_grace = std::chrono::milliseconds(100);

  // The worker times the dry run's calls; the core times every other stage, and gives
  // the dry run its calls' time and a margin.
  std::atomic<bool> cancel{false};
  std::mutex m;
  std::condition_variable cv;
  bool finished = false;
  std::string hung_step;
  std::thread watchdog([&] {
    std::unique_lock lock(m);
    while (!finished) {
      cv.wait_for(lock, std::chrono::milliseconds(20));
      std::lock_guard olock(out.mu);
      const double allowed =
          out.step == "dry run" ? limits.timeout_s * kDryRunCalls + 5 : limits.timeout_s;
      if (!finished && !cancel &&
          Clock::now() - out.step_since > std::chrono::duration<double>(allowed)) {
        hung_step = out.step;
        cancel = true;
      }
    }
  });
  std::string spawn_error;
  const ExitInfo x = [&] {
    try {
      return run_process(
          spec, [&](std::string_view s) { out.feed(s); },
          [&](std::string_view s) {
            err.append(s);
            if (err.size() > 2 * kStderrTail) err.erase(0, err.size() - kStderrTail);
          },
          &cancel);
    } catch (const std::exception& e) {
      spawn_error = e.what();
      return ExitInfo{};
    }
  }();
  {
    std::lock_guard lock(m);
    finished = true;
  }
  cv.notify_all();
  watchdog.join();

  if (!spawn_error.empty())
    throw std::runtime_error("cannot run the plugin checker: " + spawn_error +
                             " (set BENCHLAB_WORKER to benchlab-worker)");
  if (out.overflow)
    throw std::runtime_error("benchlab-worker --validate wrote more than 4 MiB of findings");
  if (!out.bad_lines.empty())
    throw std::runtime_error("benchlab-worker --validate wrote a line that is no finding: " +
                             out.bad_lines.front());
  if (!out.ended) {
    if (out.step.empty()) {
      if (err.size() > kStderrTail) err.erase(0, err.size() - kStderrTail);
      throw std::runtime_error(
          fmt::format("benchlab-worker --validate ended before it checked anything (exit status "
                      "{}, signal {}): {}",
                      x.exit_code, x.term_signal, err));
    }
    const bool hung = x.cancelled;
    const double limit =
        hung_step == "dry run" ? limits.timeout_s * kDryRunCalls + 5 : limits.timeout_s;
    v.findings.push_back(stage_failure(hung ? hung_step : out.step, x, hung, limit));
  }
  return v;
}

std::string validation_to_json(const PluginValidation& v) {
  json::object o;
  o["file"] = v.file.string();
  if (v.plugin) {
    const auto& p = *v.plugin;
    o["plugin"] = json::object{{"id", p.id},
                               {"version", p.version},
                               {"kind", p.kind == BL_KIND_WORKLOAD ? json::value("workload")
                                        : p.kind == BL_KIND_PROBE  ? json::value("probe")
                                                                   : json::value(p.kind)},
                               {"abi", fmt::format("{}.{}", p.abi_major, p.abi_minor)}};
  } else {
    o["plugin"] = nullptr;
  }
  o["errors"] = v.count("error");
  o["warnings"] = v.count("warning");
  o["notes"] = v.count("note");
  json::array findings;
  for (const auto& f : v.findings)
    findings.push_back(
        json::object{{"severity", f.severity}, {"field", f.field}, {"message", f.message}});
  o["findings"] = std::move(findings);
  return json::serialize(o);
}

}  // namespace benchlab
