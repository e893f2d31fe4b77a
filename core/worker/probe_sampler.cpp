// SPDX-License-Identifier: MIT
#include "probe_sampler.h"

#include <benchlab/ext/probe_devices.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "frame_channel.h"
#include "plugin_loader.h"
#include "plugin_naming.h"
#include "plugin_status.h"
#include "probe_host.h"
#include "subprocess.h"
#include "worker_protocol.h"

namespace benchlab::worker {
namespace {

using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC, as monotonic_ns()

constexpr std::uint32_t kMaxChannels = 1024;
constexpr std::size_t kMaxRowsPerFrame = 256;
constexpr std::uint64_t kFlushNs = 250'000'000;      // rows wait at most this long
constexpr std::uint64_t kHeartbeatNs = 500'000'000;  // an empty batch when nothing else went

std::string str(const char* s) { return s ? std::string(s) : std::string(); }

// "call() returned STATUS: why", or the plugin's reason alone for BL_UNSUPPORTED, which
// is how a probe says it is unavailable.
std::string failure(const char* call, int32_t status, const std::string& why) {
  if (status == BL_UNSUPPORTED && !why.empty()) return why;
  return returned(call, status, why);
}

std::uint64_t cpu_ns() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto ns = [](const timeval& tv) {
    return static_cast<std::uint64_t>(tv.tv_sec) * 1'000'000'000ull +
           static_cast<std::uint64_t>(tv.tv_usec) * 1000ull;
  };
  return ns(ru.ru_utime) + ns(ru.ru_stime);
}

// An array of size-prefixed structs from the plugin, walked with the stride of its first
// element and read with min(struct_size, sizeof), the rest zero (plugin.h).
template <class T>
std::vector<T> read_array(const T* arr, std::uint32_t count, const char* what) {
  std::vector<T> out;
  if (count == 0) return out;
  if (!arr)
    throw std::runtime_error(fmt::format("{} count is {} but the array is NULL", what, count));
  std::uint32_t stride;
  std::memcpy(&stride, arr, sizeof stride);
  if (stride < sizeof(std::uint32_t) + sizeof(const char*))
    throw std::runtime_error(fmt::format("{}[0].struct_size {} is too small", what, stride));
  const auto* bytes = reinterpret_cast<const unsigned char*>(arr);
  for (std::uint32_t i = 0; i < count; ++i) {
    const unsigned char* p = bytes + std::size_t(i) * stride;
    std::uint32_t size;
    std::memcpy(&size, p, sizeof size);
    if (size != stride)
      throw std::runtime_error(
          fmt::format("{}[{}].struct_size differs from the first element's", what, i));
    T v;
    std::memset(&v, 0, sizeof v);
    std::memcpy(&v, p, std::min<std::size_t>(size, sizeof v));
    out.push_back(v);
  }
  return out;
}

std::vector<ChannelInfo> channel_infos(const bl_channel_desc* arr, std::uint32_t count) {
  if (count > kMaxChannels)
    throw std::runtime_error(
        fmt::format("channels() gave {} channels; at most {} are taken", count, kMaxChannels));
  std::vector<ChannelInfo> out;
  std::set<std::string> ids;
  for (const bl_channel_desc& d : read_array(arr, count, "channels")) {
    ChannelInfo c;
    c.id = str(d.id);
    c.label = str(d.label);
    c.quantity = d.quantity;
    c.domain = d.domain;
    c.kind = d.kind;
    c.counter_range = d.counter_range;
    c.parent = str(d.parent);
    c.device = str(d.device);
    c.limit = d.limit;
    const std::string where = fmt::format("channel {} '{}'", out.size(), c.id);
    if (!valid_channel_id(c.id))
      throw std::runtime_error(where + ": an id is [a-z0-9_.-]+, at most 64 characters");
    if (!ids.insert(c.id).second) throw std::runtime_error(where + ": id given twice");
    if (c.kind != BL_CHANNEL_INSTANT && c.kind != BL_CHANNEL_COUNTER)
      throw std::runtime_error(where + ": kind must be BL_CHANNEL_INSTANT or BL_CHANNEL_COUNTER");
    if (!std::isfinite(c.counter_range) || c.counter_range < 0 || !std::isfinite(c.limit))
      throw std::runtime_error(where + ": counter_range and limit must be finite, range >= 0");
    out.push_back(std::move(c));
  }
  for (const ChannelInfo& c : out)
    if (!c.parent.empty() && !ids.count(c.parent))
      throw std::runtime_error(
          fmt::format("channel '{}': parent '{}' is not a channel of this probe", c.id, c.parent));
  return out;
}

std::vector<DeviceInfo> device_infos(const bl_device_desc* arr, std::uint32_t count) {
  std::vector<DeviceInfo> out;
  for (const bl_device_desc& d : read_array(arr, count, "devices")) {
    DeviceInfo v;
    v.id = str(d.id);
    v.kind = d.kind;
    v.unified = d.flags & BL_DEVICE_UNIFIED_MEMORY;
    v.name = str(d.name);
    v.driver = str(d.driver);
    v.memory_total_bytes = d.memory_total_bytes;
    if (v.id.empty()) throw std::runtime_error(fmt::format("device {} has no id", out.size()));
    out.push_back(std::move(v));
  }
  return out;
}

// The operator's options, each checked against what the probe declares, with the
// declared defaults of those not set.
std::multimap<std::string, std::string> resolve_options(
    const PluginInfo& info, const std::multimap<std::string, std::string>& given) {
  for (const auto& [k, v] : given)
    if (!info.option(k)) {
      std::string names;
      for (const auto& o : info.options) names += (names.empty() ? "" : ", ") + o.name;
      throw std::runtime_error(
          fmt::format("probe '{}' has no option '{}'; {}", info.id, k,
                      names.empty() ? "it takes no options" : "valid options: " + names));
    }
  std::multimap<std::string, std::string> out = given;
  for (const auto& o : info.options)
    if (o.has_default && !given.count(o.name)) out.emplace(o.name, o.default_value);
  return out;
}

// Says why the probe cannot be sampled, in its probe_open, and ends the worker.
[[noreturn]] void refuse(FrameChannel& out, int32_t status, const std::string& why) {
  out.send(protocol::ProbeOpen{status, why, {}, {}});
  _exit(0);
}

// One open probe instance and its table.
struct OpenProbe {
  bl_probe probe{};
  void* instance = nullptr;
  std::uint32_t channels = 0;
};

// Everything up to `probe_open`. A probe that is unavailable, or whose answers are not
// well formed, ends the worker here with the reason in the frame.
OpenProbe open_probe(const ProbeWorkerOptions& o, FrameChannel& out,
                     std::unique_ptr<LoadedPlugin>& plugin, std::unique_ptr<ProbeHost>& host) {
  try {
    plugin = LoadedPlugin::load(o.probe_path);
  } catch (const std::exception& e) {
    refuse(out, BL_ERROR, e.what());
  }
  const PluginInfo& info = plugin->info();
  out.send(protocol::Hello{info.abi_major, info.abi_minor, info.id, info.version});
  if (info.kind != BL_KIND_PROBE)
    refuse(out, BL_ERROR, o.probe_path + ": plugin '" + info.id + "' is not a probe plugin");

  OpenProbe p;
  const bl_probe* src = plugin->descriptor().probe;
  std::memcpy(&p.probe, src, std::min<std::size_t>(src->struct_size, sizeof p.probe));
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  try {
    host = std::make_unique<ProbeHost>(out, o.sysroot, resolve_options(info, o.options),
                                       cpus > 0 ? static_cast<std::uint32_t>(cpus) : 1);
  } catch (const std::exception& e) {
    refuse(out, BL_INVALID_ARGUMENT, e.what());
  }

  const int32_t st = p.probe.open(host->table(), &p.instance);
  if (st != BL_OK) {
    const std::string why = host->take_error();
    if (p.instance && p.probe.close) p.probe.close(p.instance);
    refuse(out, st, failure("open()", st, why));
  }
  protocol::ProbeOpen opened;
  opened.status = BL_OK;
  try {
    const bl_channel_desc* arr = nullptr;
    std::uint32_t n = 0;
    if (const int32_t cs = p.probe.channels(p.instance, &arr, &n); cs != BL_OK)
      throw std::runtime_error(failure("channels()", cs, host->take_error()));
    opened.channels = channel_infos(arr, n);
    const auto get = plugin->descriptor().get_extension;
    const auto* ext =
        get ? static_cast<const bl_probe_devices_ext*>(get(BL_EXT_PROBE_DEVICES)) : nullptr;
    if (ext && ext->struct_size >= offsetof(bl_probe_devices_ext, devices) + sizeof ext->devices &&
        ext->devices) {
      const bl_device_desc* devs = nullptr;
      std::uint32_t m = 0;
      if (const int32_t ds = ext->devices(p.instance, &devs, &m); ds != BL_OK)
        throw std::runtime_error(failure("devices()", ds, host->take_error()));
      opened.devices = device_infos(devs, m);
    }
  } catch (const std::exception& e) {
    if (p.probe.close) p.probe.close(p.instance);
    refuse(out, BL_ERROR, e.what());
  }
  p.channels = static_cast<std::uint32_t>(opened.channels.size());
  out.send(opened);
  return p;
}

// One sample() call: the row, its time the midpoint of the clock before and after.
// A failed call gives a row of NaN and says why once, in the log.
class SampleCall {
 public:
  SampleCall(const OpenProbe& p, ProbeHost& host, FrameChannel& out)
      : p_(p), host_(host), out_(out) {}

  SampleRow operator()(std::atomic<std::uint64_t>& busy_since) {
    SampleRow row;
    row.values.assign(p_.channels, std::numeric_limits<double>::quiet_NaN());
    const std::uint64_t before = monotonic_ns();
    busy_since.store(before);
    const int32_t st = p_.probe.sample(p_.instance, row.values.data(), p_.channels);
    const std::uint64_t after = monotonic_ns();
    busy_since.store(0);
    row.t_ns = before + (after - before) / 2;
    if (st != BL_OK) {
      row.values.assign(p_.channels, std::numeric_limits<double>::quiet_NaN());
      if (failures_++ == 0)
        out_.send(protocol::Log{BL_LOG_WARN, failure("sample()", st, host_.take_error()) +
                                                 " (its rows are NaN; said once)"});
    }
    return row;
  }

 private:
  const OpenProbe& p_;
  ProbeHost& host_;
  FrameChannel& out_;
  std::uint64_t failures_ = 0;
};

// The sampler thread and what it shares with the main thread.
class Sampler {
 public:
  Sampler(SampleCall& call, std::chrono::milliseconds interval, int wake_fd,
          std::size_t rows_per_frame)
      : call_(call), interval_(interval), wake_fd_(wake_fd), rows_per_frame_(rows_per_frame) {}

  void start() {
    thread_ = std::thread([this] { loop(); });
  }
  void sample_now() {
    std::lock_guard lock(mu_);
    requested_ = true;
    cv_.notify_one();
  }
  void request_stop() {
    std::lock_guard lock(mu_);
    stop_ = true;
    cv_.notify_one();
  }
  bool finished() const { return finished_.load(); }
  void join() { thread_.join(); }
  // When the call in progress began (CLOCK_MONOTONIC ns), or 0 when none is.
  std::uint64_t busy_since() const { return busy_since_.load(); }
  std::uint64_t skipped() const { return skipped_.load(); }
  std::vector<SampleRow> take_rows() {
    std::lock_guard lock(mu_);
    return std::exchange(rows_, {});
  }
  bool has_rows() {
    std::lock_guard lock(mu_);
    return !rows_.empty();
  }

 private:
  void loop();
  void wake_main() {
    const std::uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof one);
  }

  SampleCall& call_;
  const Clock::duration interval_;
  const int wake_fd_;
  const std::size_t rows_per_frame_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false, stop_ = false;
  std::vector<SampleRow> rows_;
  std::atomic<std::uint64_t> busy_since_{0}, skipped_{0};
  std::atomic<bool> finished_{false};
};

void Sampler::loop() {
  Clock::time_point next = Clock::now();  // the next tick; the first sample at once
  for (;;) {
    bool requested;
    {
      std::unique_lock lock(mu_);
      cv_.wait_until(lock, next, [&] { return stop_ || requested_ || Clock::now() >= next; });
      if (stop_) break;
      requested = std::exchange(requested_, false);
    }
    const Clock::time_point start = Clock::now();
    SampleRow row = call_(busy_since_);
    const Clock::time_point end = Clock::now();
    // Ticks that came while sample() ran are skipped and counted, never queued: the next
    // sample is at the first tick after now. The tick this call served, when it began
    // at or after one, is not skipped.
    if (end >= next) {
      const auto passed = static_cast<std::uint64_t>((end - next) / interval_) + 1;
      skipped_.fetch_add(passed - (start >= next ? 1 : 0));
      next += interval_ * static_cast<Clock::rep>(passed);
    }
    bool wake;
    {
      std::lock_guard lock(mu_);
      rows_.push_back(std::move(row));
      // A row someone waits for goes out at once; a full frame too.
      wake = requested || rows_.size() >= rows_per_frame_;
    }
    if (wake) wake_main();
  }
  finished_.store(true);
  wake_main();
}

// The main thread of a sampling worker: commands, batches, heartbeats and the watchdog.
class Serve {
 public:
  Serve(const ProbeWorkerOptions& o, FrameChannel& out, OpenProbe& probe, Sampler& sampler,
        int wake_fd, std::size_t rows_per_frame)
      : out_(out),
        probe_(probe),
        sampler_(sampler),
        wake_fd_(wake_fd),
        rows_per_frame_(rows_per_frame),
        hang_ns_(o.hang_ms * 1'000'000ull) {}

  [[noreturn]] void run();

 private:
  // Sends what rows wait (or an empty heartbeat when `heartbeat` and none do).
  void send_rows(bool heartbeat);
  // Ends the worker when sample() has been running longer than the hang limit.
  void check_hang(std::uint64_t now);
  // Reads what stdin holds; false at EOF.
  bool read_commands();
  [[noreturn]] void stop(int status);

  FrameChannel& out_;
  OpenProbe& probe_;
  Sampler& sampler_;
  const int wake_fd_;
  const std::size_t rows_per_frame_;
  const std::uint64_t hang_ns_;
  protocol::Decoder commands_;
  std::uint64_t last_sent_ = 0;
};

void Serve::send_rows(bool heartbeat) {
  std::vector<SampleRow> rows = sampler_.take_rows();
  if (rows.empty() && !heartbeat) return;
  protocol::Samples b;
  b.channel_count = probe_.channels;
  b.skipped = sampler_.skipped();
  b.cpu_ns = cpu_ns();
  std::size_t i = 0;
  do {
    const std::size_t n = std::min(rows_per_frame_, rows.size() - i);
    b.rows.assign(std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(i)),
                  std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(i + n)));
    out_.send(b);
    i += n;
  } while (i < rows.size());
  last_sent_ = monotonic_ns();
}

void Serve::check_hang(std::uint64_t now) {
  const std::uint64_t since = sampler_.busy_since();
  if (since == 0 || now < since || now - since < hang_ns_) return;
  send_rows(false);  // what came before it
  // The limit, not the time measured: the watchdog's own wake-up may come late.
  out_.send(protocol::ProbeError{
      fmt::format("sample() has not returned for {:.1f} s", double(hang_ns_) / 1e9)});
  _exit(1);
}

bool Serve::read_commands() {
  char buf[4096];
  for (;;) {
    const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n > 0) {
      commands_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

void Serve::stop(int status) {
  sampler_.request_stop();
  // A sample() in progress ends first (close() must not run beside it), within the hang
  // limit; the sampler thread says when it is done through the wake descriptor.
  while (!sampler_.finished()) {
    const std::uint64_t now = monotonic_ns();
    check_hang(now);
    pollfd p{wake_fd_, POLLIN, 0};
    poll(&p, 1, 100);
    std::uint64_t drained;
    if (p.revents) (void)!read(wake_fd_, &drained, sizeof drained);
  }
  sampler_.join();
  send_rows(false);
  if (probe_.probe.close) probe_.probe.close(probe_.instance);
  _exit(status);
}

void Serve::run() {
  last_sent_ = monotonic_ns();
  sampler_.start();
  for (;;) {
    while (auto m = commands_.next()) {
      if (std::holds_alternative<protocol::SampleNow>(*m)) {
        sampler_.sample_now();
      } else if (std::holds_alternative<protocol::Stop>(*m)) {
        stop(0);
      } else {
        std::fprintf(stderr, "benchlab-worker: a command a sampler does not take\n");
        stop(2);
      }
    }
    if (!commands_.error().empty()) {
      std::fprintf(stderr, "benchlab-worker: bad command: %s\n", commands_.error().c_str());
      stop(2);
    }
    const std::uint64_t now = monotonic_ns();
    check_hang(now);
    const bool rows = sampler_.has_rows();
    if (now - last_sent_ >= (rows ? kFlushNs : kHeartbeatNs)) send_rows(true);
    // Wake for the next batch or heartbeat, and for the watchdog of a call in progress;
    // a call that starts after this wait is watched at the next heartbeat at the latest.
    std::uint64_t wake = last_sent_ + (sampler_.has_rows() ? kFlushNs : kHeartbeatNs);
    if (const std::uint64_t since = sampler_.busy_since(); since != 0)
      wake = std::min(wake, since + hang_ns_);
    const std::uint64_t t = monotonic_ns();
    const int timeout_ms = wake > t ? static_cast<int>((wake - t) / 1'000'000 + 1) : 0;
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    poll(fds, 2, timeout_ms);
    if (fds[1].revents) {
      std::uint64_t drained;
      (void)!read(wake_fd_, &drained, sizeof drained);
      send_rows(false);  // a row someone waits for, or a full frame
    }
    if (fds[0].revents && !read_commands()) stop(0);  // EOF: benchlab is done, or gone
  }
}

}  // namespace

void serve_probe(const ProbeWorkerOptions& o) {
  // Dies with benchlab even when a probe's call never returns; EOF on stdin ends it too.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  signal(SIGPIPE, SIG_IGN);
  const int fd = private_stdout();
  if (fd < 0) _exit(2);
  FrameChannel out(fd);

  std::unique_ptr<LoadedPlugin> plugin;
  std::unique_ptr<ProbeHost> host;
  OpenProbe probe = open_probe(o, out, plugin, host);
  SampleCall call(probe, *host, out);

  if (o.once) {
    std::atomic<std::uint64_t> busy{0};
    protocol::Samples b;
    b.channel_count = probe.channels;
    b.rows.push_back(call(busy));
    b.cpu_ns = cpu_ns();
    out.send(b);
    if (probe.probe.close) probe.probe.close(probe.instance);
    _exit(0);
  }

  fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
  UniqueFd wake(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake) {
    out.send(
        protocol::ProbeError{std::string("cannot create an eventfd: ") + std::strerror(errno)});
    _exit(1);
  }
  // Rows a frame: at most 256, and what fits in one frame.
  const std::size_t fit =
      (protocol::kMaxPayload - protocol::samples_payload_size(probe.channels, 0)) /
      (8 + 8 * std::size_t(probe.channels));
  const std::size_t rows_per_frame = std::max<std::size_t>(1, std::min(kMaxRowsPerFrame, fit));
  Sampler sampler(call, std::chrono::milliseconds(o.interval_ms), wake.get(), rows_per_frame);
  ProbeWorkerOptions resolved = o;
  if (resolved.hang_ms == 0)
    resolved.hang_ms = std::max<std::uint64_t>(5000, 20ull * o.interval_ms);
  Serve serve(resolved, out, probe, sampler, wake.get(), rows_per_frame);
  serve.run();
}

}  // namespace benchlab::worker
