// SPDX-License-Identifier: MIT
#include "worker_host.h"

#include <benchlab/ext/mark.h>
#include <benchlab/ext/programs.h>
#include <benchlab/ext/requirements.h>
#include <benchlab/ext/values.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "mark_name.h"
#include "program_rules.h"
#include "requirement_rules.h"
#include "subprocess.h"

namespace benchlab {
namespace {

constexpr std::size_t kOutputCap = 16u << 20;     // each raw stream, kept for parse()
constexpr std::size_t kOutputSentCap = 1u << 20;  // each raw stream, sent to the store
constexpr std::size_t kSpawnCaptureCap = 16u << 20;
constexpr std::size_t kChunk = 64u << 10;

// Log lines, error texts and progress notes a plugin hands in: a frame must stay under
// protocol::kMaxPayload, and a person reads the start of a long message anyway.
constexpr std::size_t kTextCap = 64u << 10;

std::string clipped(const char* s) {
  std::string_view v(s ? s : "");
  if (v.size() <= kTextCap) return std::string(v);
  return std::string(v.substr(0, kTextCap)) + " [" + std::to_string(v.size() - kTextCap) +
         " more bytes cut]";
}

// Copies what fits of `data` into `dst`, up to `cap` bytes in all; true if all fitted.
bool append_capped(std::string& dst, std::string_view data, std::size_t cap) {
  std::size_t room = dst.size() < cap ? cap - dst.size() : 0;
  dst.append(data.substr(0, room));
  return data.size() <= room;
}

}  // namespace

WorkerHost::WorkerHost(int fd, const PluginInfo& plugin, const WorkerPhase& phase,
                       const std::atomic<bool>& cancel)
    : fd_(fd), plugin_(plugin), phase_(phase), cancel_(cancel) {
  table_.struct_size = sizeof(bl_host);
  table_.abi_major = BL_ABI_MAJOR;
  table_.abi_minor = BL_ABI_MINOR;
  table_.phase = phase.phase;
  table_.trial = phase.trial;
  table_.cpu_count = phase.cpu_count;
  table_.scratch_dir = phase_.scratch_dir.c_str();
  table_.cache_dir = phase_.cache_dir.c_str();
  table_.data_dir = phase_.data_dir.empty() ? nullptr : phase_.data_dir.c_str();
  table_.host_data = this;
  table_.log = log_cb;
  table_.set_error = set_error_cb;
  table_.option = option_cb;
  table_.option_count = option_count_cb;
  table_.option_at = option_at_cb;
  table_.declare_metric = declare_metric_cb;
  table_.report_metric = report_metric_cb;
  table_.progress = progress_cb;
  table_.append_output = append_output_cb;
  table_.spawn = spawn_cb;
  table_.is_cancelled = is_cancelled_cb;
  table_.now_ns = now_ns_cb;
  table_.get_extension = get_extension_cb;
  table_.append_error_output = append_error_output_cb;
  table_.sysroot = "/";
}

void WorkerHost::hold(const protocol::Message& m) {
  std::string frame = protocol::encode(m);
  std::lock_guard lock(mu_);
  held_ += frame;
}

void WorkerHost::send(const protocol::Message& m) {
  std::string frame = protocol::encode(m);
  std::lock_guard lock(mu_);
  if (!held_.empty()) {
    frame.insert(0, held_);
    held_.clear();
  }
  write_all(frame);
}

void WorkerHost::flush() {
  std::lock_guard lock(mu_);
  std::string frames = std::move(held_);
  held_.clear();
  write_all(frames);
}

void WorkerHost::write_all(const std::string& frame) {
  const char* p = frame.data();
  std::size_t left = frame.size();
  while (left > 0) {
    ssize_t n = write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // The core is gone, or the plugin closed the channel: say so on stderr, whose last
      // lines the core quotes in the trial's reason.
      std::fprintf(stderr, "benchlab-worker: cannot write to the frame channel (fd %d): %s\n", fd_,
                   n < 0 ? std::strerror(errno) : "nothing written");
      _exit(3);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

std::string WorkerHost::error() const {
  std::lock_guard lock(mu_);
  return error_;
}

std::string WorkerHost::metric_failure() const {
  std::lock_guard lock(mu_);
  return metric_failure_;
}

// Remembers the first failed report: a plugin that ignores the status must not turn a
// metric it could not report into a successful trial without it.
void WorkerHost::report_failed(const std::string& call, const std::string& why) {
  std::string text = call + " failed: " + why;
  send(protocol::Log{BL_LOG_ERROR, text});
  std::lock_guard lock(mu_);
  if (metric_failure_.empty()) metric_failure_ = std::move(text);
}

int32_t WorkerHost::metric_failed(const char* name, const std::string& why) {
  report_failed("report_metric(" + (name ? "\"" + clipped(name) + "\"" : std::string("NULL")) + ")",
                why);
  return BL_INVALID_ARGUMENT;
}

void WorkerHost::log_cb(const bl_host* h, int32_t level, const char* msg) {
  if (!msg) return;
  self(h).send(protocol::Log{level, clipped(msg)});
}

void WorkerHost::set_error_cb(const bl_host* h, const char* msg) {
  auto& s = self(h);
  std::lock_guard lock(s.mu_);
  s.error_ = clipped(msg);
}

const char* WorkerHost::option_cb(const bl_host* h, const char* name) {
  return option_at_cb(h, name, 0);
}

uint32_t WorkerHost::option_count_cb(const bl_host* h, const char* name) {
  if (!name) return 0;
  return static_cast<uint32_t>(self(h).phase_.options.count(name));
}

const char* WorkerHost::option_at_cb(const bl_host* h, const char* name, uint32_t index) {
  if (!name) return nullptr;
  auto [b, e] = self(h).phase_.options.equal_range(name);
  for (uint32_t i = 0; b != e; ++b, ++i)
    if (i == index) return b->second.c_str();
  return nullptr;
}

int32_t WorkerHost::declare_metric_cb(const bl_host* h, const char* name, const char* unit,
                                      int32_t direction) {
  auto& s = self(h);
  if (!(s.plugin_.workload_flags & BL_WORKLOAD_DYNAMIC_METRICS)) {
    s.send(protocol::Log{BL_LOG_ERROR, "declare_metric() needs BL_WORKLOAD_DYNAMIC_METRICS"});
    return BL_UNSUPPORTED;
  }
  if (!name || !*name || std::strlen(name) > 128 ||
      (direction != BL_LOWER_IS_BETTER && direction != BL_HIGHER_IS_BETTER))
    return BL_INVALID_ARGUMENT;
  std::string u = unit ? unit : "";
  if (const MetricInfo* m = s.plugin_.metric(name); m && m->unit != u) return BL_INVALID_ARGUMENT;
  {
    std::lock_guard lock(s.mu_);
    auto [it, fresh] = s.declared_.emplace(name, u);
    if (!fresh) return it->second == u ? BL_OK : BL_INVALID_ARGUMENT;
  }
  s.send(protocol::DeclareMetric{name, u, direction});
  return BL_OK;
}

int32_t WorkerHost::report_metric_cb(const bl_host* h, const char* name, double value) {
  auto& s = self(h);
  if (!name) return s.metric_failed(name, "no metric name");
  if (s.phase_.phase != BL_PHASE_RUN) {
    return s.metric_failed(name, std::string("only run() and parse() report metrics, not ") +
                                     (s.phase_.phase == BL_PHASE_SETUP ? "setup()" : "teardown()"));
  }
  bool known = s.plugin_.metric(name) != nullptr;
  if (!known) {
    std::lock_guard lock(s.mu_);
    known = s.declared_.count(name) > 0;
  }
  if (!known) {
    return s.metric_failed(name,
                           "no such metric: declare it in the plugin's descriptor, or with "
                           "declare_metric() first");
  }
  if (!std::isfinite(value)) {
    return s.metric_failed(name,
                           std::string("the value is ") + (std::isnan(value) ? "NaN" : "infinite"));
  }
  s.hold(protocol::Metric{name, value});  // it counts only once the phase is done
  return BL_OK;
}

void WorkerHost::progress_cb(const bl_host* h, double fraction, const char* note) {
  auto& s = self(h);
  std::uint64_t now = monotonic_ns();
  {
    std::lock_guard lock(s.mu_);
    if (now - s.last_progress_ns_ < 100'000'000ull && fraction < 1.0) return;  // 10 per second
    s.last_progress_ns_ = now;
  }
  s.send(protocol::Progress{fraction, clipped(note)});
}

template <class Frame>
int32_t WorkerHost::append_stream(std::string& kept, std::size_t& sent, const char* data,
                                  size_t size, const char* what) {
  if (!data && size) return BL_INVALID_ARGUMENT;
  const bool all = append_capped(kept, std::string_view(data, size), kOutputCap);
  while (sent < std::min(kept.size(), kOutputSentCap)) {
    const std::size_t n = std::min({kChunk, kept.size() - sent, kOutputSentCap - sent});
    send(Frame{kept.substr(sent, n)});
    sent += n;
  }
  if (!all) {
    set_error_cb(&table_, (std::string(what) + " exceeds 16 MiB; the rest was dropped").c_str());
    return BL_NO_MEMORY;
  }
  return BL_OK;
}

int32_t WorkerHost::append_output_cb(const bl_host* h, const char* data, size_t size) {
  auto& s = self(h);
  return s.append_stream<protocol::Output>(s.output_, s.output_sent_, data, size, "raw output");
}

int32_t WorkerHost::append_error_output_cb(const bl_host* h, const char* data, size_t size) {
  auto& s = self(h);
  return s.append_stream<protocol::ErrorOutput>(s.error_output_, s.error_output_sent_, data, size,
                                                "error output");
}

int32_t WorkerHost::spawn_cb(const bl_host* h, const bl_spawn* req, bl_spawn_result* res) {
  auto& s = self(h);
  if (!req || !res || !req->argv || !req->argv[0] ||
      res->struct_size < offsetof(bl_spawn_result, out)) {
    set_error_cb(h, "spawn(): request needs argv and res->struct_size");
    return BL_INVALID_ARGUMENT;
  }
  bl_spawn r{};
  std::memcpy(&r, req, std::min<std::size_t>(req->struct_size, sizeof r));
  bl_spawn_result out{};
  out.struct_size = sizeof out;
  int32_t st;
  try {
    st = s.spawn(r, out);
  } catch (const std::exception& e) {
    set_error_cb(h, e.what());
    st = BL_ERROR;
  }
  std::memcpy(reinterpret_cast<char*>(res) + sizeof(uint32_t),
              reinterpret_cast<const char*>(&out) + sizeof(uint32_t),
              std::min<std::size_t>(res->struct_size, sizeof out) - sizeof(uint32_t));
  return st;
}

int32_t WorkerHost::spawn(const bl_spawn& req, bl_spawn_result& res) {
  SpawnSpec spec;
  for (auto a = req.argv; *a; ++a) spec.argv.emplace_back(*a);
  for (auto e = req.env; e && *e; ++e) spec.env_add.emplace_back(*e);
  spec.cwd = req.cwd ? req.cwd : phase_.scratch_dir;
  if (req.stdin_path) spec.stdin_path = req.stdin_path;
  spec.merge_stderr = req.flags & BL_SPAWN_MERGE_STDERR;
  spec.timeout = std::chrono::milliseconds(req.timeout_ms);
  spec.kill_grace = std::chrono::seconds(1);
  spawn_out_.clear();
  spawn_err_.clear();
  bool truncated = false;
  const bool to_output = req.flags & BL_SPAWN_STDOUT_TO_OUTPUT;
  const bool to_error_output = req.flags & BL_SPAWN_STDERR_TO_ERROR_OUTPUT;
  auto on_out = [&](std::string_view d) {
    truncated |= !append_capped(spawn_out_, d, kSpawnCaptureCap);
    if (to_output) append_output_cb(&table_, d.data(), d.size());
  };
  auto on_err = [&](std::string_view d) {
    truncated |= !append_capped(spawn_err_, d, kSpawnCaptureCap);
    if (to_error_output) append_error_output_cb(&table_, d.data(), d.size());
  };

  ExitInfo x = run_process(spec, on_out, on_err, &cancel_);
  res.exit_code = x.exit_code;
  res.term_signal = x.term_signal;
  res.timed_out = x.timed_out;
  res.truncated = truncated;
  res.wall_ns = x.wall_ns;
  res.user_ns = x.user_ns;
  res.sys_ns = x.sys_ns;
  res.max_rss_bytes = x.max_rss_bytes;
  res.out = spawn_out_.c_str();
  res.out_size = spawn_out_.size();
  res.err = spawn_err_.c_str();
  res.err_size = spawn_err_.size();
  if (x.cancelled) return BL_CANCELLED;
  if (x.timed_out) {
    std::lock_guard lock(mu_);
    error_ = spec.argv[0] + " timed out after " + std::to_string(req.timeout_ms) + " ms";
    return BL_TIMEOUT;
  }
  return BL_OK;
}

int32_t WorkerHost::is_cancelled_cb(const bl_host* h) { return self(h).cancel_.load() ? 1 : 0; }

uint64_t WorkerHost::now_ns_cb(const bl_host*) { return monotonic_ns(); }

const void* WorkerHost::get_extension_cb(const bl_host*, const char* id) {
  static const bl_host_mark_ext mark{sizeof(bl_host_mark_ext), mark_cb};
  static const bl_host_values_ext values{sizeof(bl_host_values_ext), report_values_cb};
  if (id && std::strcmp(id, BL_EXT_HOST_MARK) == 0) return &mark;
  static const bl_host_requirements_ext requirements{sizeof(bl_host_requirements_ext), require_cb};
  if (id && std::strcmp(id, BL_EXT_HOST_VALUES) == 0) return &values;
  if (id && std::strcmp(id, BL_EXT_HOST_REQUIREMENTS) == 0) return &requirements;
  static const bl_host_programs_ext programs{sizeof(bl_host_programs_ext), report_program_cb};
  if (id && std::strcmp(id, BL_EXT_HOST_PROGRAMS) == 0) return &programs;
  return nullptr;
}

int32_t WorkerHost::mark_cb(const bl_host* h, const char* name) {
  const std::uint64_t t = monotonic_ns();  // first: the phase starts when the plugin says
  auto& s = self(h);
  if (s.phase_.phase != BL_PHASE_RUN || !s.in_run_.load()) {
    set_error_cb(h, "mark() is for run() only");
    return BL_INVALID_ARGUMENT;
  }
  if (!name || !valid_mark_name(name)) {
    const std::string call = name ? "mark(\"" + clipped(name) + "\")" : "mark(NULL)";
    set_error_cb(h, (call + ": a mark's name is [a-z0-9_-]+, at most " +
                     std::to_string(kMaxMarkName) + " characters")
                        .c_str());
    return BL_INVALID_ARGUMENT;
  }
  {
    std::lock_guard lock(s.mu_);
    if (s.marks_ >= kMaxMarks) {
      s.error_ = "mark(): at most " + std::to_string(kMaxMarks) + " marks a trial";
      return BL_INVALID_ARGUMENT;
    }
    ++s.marks_;
  }
  // Held like metrics: it counts once the trial is done, and waking the core now would
  // disturb what is measured.
  s.hold(protocol::Mark{name, t});
  return BL_OK;
}

// Refused calls fail the trial like a refused report_metric() (the first one is the
// reason), and return BL_INVALID_ARGUMENT, as values.h promises.
int32_t WorkerHost::report_values_cb(const bl_host* h, const char* name, const double* values,
                                     uint32_t count) {
  auto& s = self(h);
  const std::string call =
      "report_values(" + (name ? "\"" + clipped(name) + "\"" : std::string("NULL")) + ")";
  auto refuse = [&](const std::string& why) {
    s.report_failed(call, why);
    set_error_cb(h, (call + " failed: " + why).c_str());
    return BL_INVALID_ARGUMENT;
  };
  if (!name) return refuse("no metric name");
  if (s.phase_.phase != BL_PHASE_RUN) return refuse("only run() and parse() report values");
  if (count == 0) return BL_OK;
  if (!values) return refuse("values is NULL");
  bool known = s.plugin_.metric(name) != nullptr;
  if (!known) {
    std::lock_guard lock(s.mu_);
    known = s.declared_.count(name) > 0;
  }
  if (!known)
    return refuse(
        "no such metric: declare it in the plugin's descriptor, or with declare_metric() first");
  for (uint32_t i = 0; i < count; ++i)
    if (!std::isfinite(values[i]))
      return refuse("value " + std::to_string(i) + " is " +
                    (std::isnan(values[i]) ? "NaN" : "infinite"));
  bool fits;
  {
    std::lock_guard lock(s.mu_);
    fits = count <= BL_VALUES_MAX_PER_TRIAL - s.values_;
    if (fits) s.values_ += count;
  }
  if (!fits)
    return refuse("more than " + std::to_string(BL_VALUES_MAX_PER_TRIAL) + " values in one trial");
  // Held like metrics: they count once the trial is done. A long report is cut into
  // frames the core accepts.
  for (uint32_t at = 0; at < count; at += protocol::kMaxValuesPerFrame) {
    const uint32_t n = std::min(count - at, protocol::kMaxValuesPerFrame);
    s.hold(protocol::Values{name, std::vector<double>(values + at, values + at + n)});
  }
  return BL_OK;
}

// A refused requirement is the plugin's mistake, not the machine's: the call says why
// (set_error) and the plugin decides; setup goes on.
int32_t WorkerHost::require_cb(const bl_host* h, const bl_requirement* req) {
  auto& s = self(h);
  auto refuse = [&](const std::string& why) {
    set_error_cb(h, ("require(): " + why).c_str());
    return BL_INVALID_ARGUMENT;
  };
  if (s.phase_.phase != BL_PHASE_SETUP) return refuse("setup() only");
  if (!req || req->struct_size < offsetof(bl_requirement, amount) + sizeof(req->amount))
    return refuse("no requirement, or one shorter than ABI 1.0's");
  bl_requirement r{};
  std::memcpy(&r, req, std::min<std::size_t>(req->struct_size, sizeof r));
  protocol::Requirement q{r.kind, clipped(r.name), r.amount,
                          r.struct_size > offsetof(bl_requirement, hint) ? clipped(r.hint) : ""};
  if (std::string why = invalid_requirement(q.kind, q.name, q.amount); !why.empty())
    return refuse(why);
  {
    std::lock_guard lock(s.mu_);
    if (s.requirements_ >= kMaxRequirements)
      return refuse("at most " + std::to_string(kMaxRequirements) + " requirements a result");
    ++s.requirements_;
  }
  s.hold(std::move(q));  // checked by the core once setup() has returned
  return BL_OK;
}

// A program's version is provenance, not a measurement: a refused report says why
// (set_error) and the plugin goes on, as with require().
int32_t WorkerHost::report_program_cb(const bl_host* h, const char* name, const char* version,
                                      const char* path) {
  auto& s = self(h);
  const std::string call =
      "report_program(" + (name ? "\"" + clipped(name) + "\"" : std::string("NULL")) + ")";
  auto refuse = [&](const std::string& why) {
    set_error_cb(h, (call + ": " + why).c_str());
    return BL_INVALID_ARGUMENT;
  };
  if (s.phase_.phase != BL_PHASE_SETUP && s.phase_.phase != BL_PHASE_RUN)
    return refuse("setup() and run() only");
  if (!name) return refuse("the name is NULL");
  if (!version) return refuse("the version is NULL");
  // Bounded reads: a string longer than its limit is refused without reading all of it.
  const std::string_view n(name, strnlen(name, BL_PROGRAM_NAME_MAX + 1));
  const std::string_view v(version, strnlen(version, BL_PROGRAM_VERSION_MAX + 1));
  const std::string_view p =
      path ? std::string_view(path, strnlen(path, BL_PROGRAM_PATH_MAX + 1)) : std::string_view();
  if (std::string why = invalid_program(n, v, p); !why.empty()) return refuse(why);
  {
    std::lock_guard lock(s.mu_);
    if (s.programs_ >= BL_PROGRAMS_MAX_PER_PHASE)
      return refuse("at most " + std::to_string(BL_PROGRAMS_MAX_PER_PHASE) + " programs a phase");
    ++s.programs_;
  }
  // Held like metrics: sent with the phase's end, never in the middle of a measurement.
  s.hold(protocol::Program{std::string(n), std::string(v), std::string(p)});
  return BL_OK;
}

}  // namespace benchlab
