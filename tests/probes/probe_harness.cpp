// SPDX-License-Identifier: MIT
#include "probe_harness.h"

#include <dlfcn.h>
#include <time.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <stdexcept>

namespace benchlab::test {

namespace {
ProbeHarness* self(const bl_host* h) { return static_cast<ProbeHarness*>(h->host_data); }
}  // namespace

ProbeHarness::ProbeHarness(const std::string& plugin_path, std::string sysroot,
                           std::map<std::string, std::string> options)
    : sysroot_(std::move(sysroot)), options_(std::move(options)) {
  handle_ = dlopen(plugin_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) throw std::runtime_error(std::string("dlopen: ") + dlerror());
  auto entry = reinterpret_cast<bl_entry_fn>(dlsym(handle_, BL_ENTRY_SYMBOL));
  if (!entry) throw std::runtime_error(plugin_path + " exports no " BL_ENTRY_SYMBOL);
  plugin_ = entry(BL_ABI_MAJOR, BL_ABI_MAJOR);
  if (!plugin_ || plugin_->kind != BL_KIND_PROBE || !plugin_->probe || !plugin_->probe->open ||
      !plugin_->probe->channels || !plugin_->probe->sample || !plugin_->probe->close)
    throw std::runtime_error(plugin_path + " is not a well-formed probe plugin");
  host_.struct_size = sizeof host_;
  host_.abi_major = BL_ABI_MAJOR;
  host_.abi_minor = BL_ABI_MINOR;
  host_.phase = BL_PHASE_PROBE;
  host_.cpu_count = 1;
  host_.host_data = this;
  host_.log = log_cb;
  host_.set_error = set_error_cb;
  host_.option = option_cb;
  host_.option_count = option_count_cb;
  host_.option_at = option_at_cb;
  host_.now_ns = now_ns_cb;
  host_.get_extension = get_extension_cb;
  host_.sysroot = sysroot_.c_str();
}

ProbeHarness::~ProbeHarness() {
  if (instance_) plugin_->probe->close(instance_);
  if (handle_) dlclose(handle_);
}

int32_t ProbeHarness::open() {
  error_.clear();
  if (instance_) plugin_->probe->close(instance_);
  instance_ = nullptr;
  return plugin_->probe->open(&host_, &instance_);
}

std::vector<bl_channel_desc> ProbeHarness::channels() {
  if (!instance_) throw std::runtime_error("channels() before a successful open()");
  const bl_channel_desc* d = nullptr;
  uint32_t n = 0;
  if (plugin_->probe->channels(instance_, &d, &n) != BL_OK)
    throw std::runtime_error("channels() failed: " + error_);
  std::vector<bl_channel_desc> out;
  for (uint32_t i = 0; i < n; ++i) {
    bl_channel_desc c{};
    const auto* p = reinterpret_cast<const char*>(d) + std::size_t(i) * d[0].struct_size;
    std::memcpy(&c, p, std::min<std::size_t>(sizeof c, d[0].struct_size));
    out.push_back(c);
  }
  return out;
}

std::vector<bl_device_desc> ProbeHarness::devices() {
  if (!instance_ || !plugin_->get_extension) return {};
  auto* ext =
      static_cast<const bl_probe_devices_ext*>(plugin_->get_extension(BL_EXT_PROBE_DEVICES));
  if (!ext) return {};
  const bl_device_desc* d = nullptr;
  uint32_t n = 0;
  if (ext->devices(instance_, &d, &n) != BL_OK)
    throw std::runtime_error("devices() failed: " + error_);
  std::vector<bl_device_desc> out;
  for (uint32_t i = 0; i < n; ++i) {
    bl_device_desc c{};
    const auto* p = reinterpret_cast<const char*>(d) + std::size_t(i) * d[0].struct_size;
    std::memcpy(&c, p, std::min<std::size_t>(sizeof c, d[0].struct_size));
    out.push_back(c);
  }
  return out;
}

std::vector<double> ProbeHarness::sample() {
  const auto n = channels().size();
  std::vector<double> v(n);
  if (plugin_->probe->sample(instance_, v.data(), static_cast<uint32_t>(n)) != BL_OK)
    throw std::runtime_error("sample() failed: " + error_);
  return v;
}

std::size_t ProbeHarness::index_of(const std::string& id) {
  const auto cs = channels();
  for (std::size_t i = 0; i < cs.size(); ++i)
    if (id == cs[i].id) return i;
  throw std::runtime_error("no channel " + id);
}

const char* ProbeHarness::option_cb(const bl_host* h, const char* name) {
  auto& o = self(h)->options_;
  auto it = o.find(name);
  if (it != o.end()) return it->second.c_str();
  // The declared default, as the worker gives it.
  const bl_probe* p = self(h)->plugin_->probe;
  if (p->struct_size > offsetof(bl_probe, options) && p->options)
    for (uint32_t i = 0; i < p->option_count; ++i)
      if (std::string(p->options[i].name) == name) return p->options[i].default_value;
  return nullptr;
}

uint32_t ProbeHarness::option_count_cb(const bl_host* h, const char* name) {
  return option_cb(h, name) ? 1 : 0;
}

const char* ProbeHarness::option_at_cb(const bl_host* h, const char* name, uint32_t index) {
  return index == 0 ? option_cb(h, name) : nullptr;
}

void ProbeHarness::log_cb(const bl_host* h, int32_t, const char* msg) {
  const std::lock_guard<std::mutex> hold(self(h)->logs_mutex_);
  self(h)->logs_.emplace_back(msg ? msg : "");
}

void ProbeHarness::set_error_cb(const bl_host* h, const char* msg) {
  self(h)->error_ = msg ? msg : "";
}

uint64_t ProbeHarness::now_ns_cb(const bl_host*) {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

const void* ProbeHarness::get_extension_cb(const bl_host*, const char*) { return nullptr; }

}  // namespace benchlab::test
