// SPDX-License-Identifier: MIT
#include "probe_host.h"

#include <string_view>
#include <utility>

#include "subprocess.h"

namespace benchlab::worker {
namespace {

// Log lines and error texts: a frame must stay under protocol::kMaxPayload, and a person
// reads the start of a long message anyway.
constexpr std::size_t kTextCap = 64u << 10;

std::string clipped(const char* s) {
  std::string_view v(s ? s : "");
  if (v.size() <= kTextCap) return std::string(v);
  return std::string(v.substr(0, kTextCap)) + " [" + std::to_string(v.size() - kTextCap) +
         " more bytes cut]";
}

}  // namespace

ProbeHost::ProbeHost(FrameChannel& channel, std::string sysroot,
                     std::multimap<std::string, std::string> options, std::uint32_t cpu_count)
    : channel_(channel), sysroot_(std::move(sysroot)), options_(std::move(options)) {
  table_.struct_size = sizeof(bl_host);
  table_.abi_major = BL_ABI_MAJOR;
  table_.abi_minor = BL_ABI_MINOR;
  table_.phase = BL_PHASE_PROBE;
  table_.trial = 0;
  table_.cpu_count = cpu_count;
  // A probe has no per-result or per-plugin directory; empty strings rather than NULL
  // for a plugin that reads them anyway.
  table_.scratch_dir = "";
  table_.cache_dir = "";
  table_.data_dir = nullptr;
  table_.host_data = this;
  table_.log = log_cb;
  table_.set_error = set_error_cb;
  table_.option = option_cb;
  table_.option_count = option_count_cb;
  table_.option_at = option_at_cb;
  table_.declare_metric = declare_metric_cb;
  table_.report_metric = report_metric_cb;
  table_.progress = progress_cb;
  table_.append_output = append_cb;
  table_.spawn = spawn_cb;
  table_.is_cancelled = is_cancelled_cb;
  table_.now_ns = now_ns_cb;
  table_.get_extension = get_extension_cb;
  table_.append_error_output = append_cb;
  table_.sysroot = sysroot_.c_str();
}

std::string ProbeHost::take_error() {
  std::lock_guard lock(mu_);
  return std::exchange(error_, {});
}

void ProbeHost::log_cb(const bl_host* h, int32_t level, const char* msg) {
  if (!msg) return;
  self(h).channel_.send(protocol::Log{level, clipped(msg)});
}

void ProbeHost::set_error_cb(const bl_host* h, const char* msg) {
  auto& s = self(h);
  std::lock_guard lock(s.mu_);
  s.error_ = clipped(msg);
}

const char* ProbeHost::option_cb(const bl_host* h, const char* name) {
  return option_at_cb(h, name, 0);
}

uint32_t ProbeHost::option_count_cb(const bl_host* h, const char* name) {
  if (!name) return 0;
  return static_cast<uint32_t>(self(h).options_.count(name));
}

const char* ProbeHost::option_at_cb(const bl_host* h, const char* name, uint32_t index) {
  if (!name) return nullptr;
  auto [b, e] = self(h).options_.equal_range(name);
  for (uint32_t i = 0; b != e; ++b, ++i)
    if (i == index) return b->second.c_str();
  return nullptr;
}

int32_t ProbeHost::unsupported(const bl_host* h, const char* call) {
  set_error_cb(h, (std::string(call) + " is not offered to probes").c_str());
  return BL_UNSUPPORTED;
}

int32_t ProbeHost::declare_metric_cb(const bl_host* h, const char*, const char*, int32_t) {
  return unsupported(h, "declare_metric()");
}

int32_t ProbeHost::report_metric_cb(const bl_host* h, const char*, double) {
  return unsupported(h, "report_metric()");
}

void ProbeHost::progress_cb(const bl_host*, double, const char*) {}

int32_t ProbeHost::append_cb(const bl_host* h, const char*, size_t) {
  return unsupported(h, "raw output");
}

int32_t ProbeHost::spawn_cb(const bl_host* h, const bl_spawn*, bl_spawn_result*) {
  return unsupported(h, "spawn()");
}

int32_t ProbeHost::is_cancelled_cb(const bl_host* h) { return self(h).cancel_.load() ? 1 : 0; }

uint64_t ProbeHost::now_ns_cb(const bl_host*) { return monotonic_ns(); }

const void* ProbeHost::get_extension_cb(const bl_host*, const char*) { return nullptr; }

}  // namespace benchlab::worker
