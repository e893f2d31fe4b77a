// SPDX-License-Identifier: MIT
#include "plugin_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstring>

#include "plugin_naming.h"
#include "plugin_trust.h"

namespace benchlab {

LoadedPlugin::~LoadedPlugin() {
  if (handle_) dlclose(handle_);
}

namespace {

std::string str(const char* s) { return s ? std::string(s) : std::string(); }

// Walks an array whose elements carry struct_size, with that stride.
template <class T, class F>
void for_each_sized(const T* arr, std::uint32_t count, const std::string& what, F&& f) {
  if (count == 0) return;
  if (!arr)
    throw std::runtime_error(what + " count is " + std::to_string(count) +
                             " but the array is NULL");
  std::uint32_t stride = arr[0].struct_size;
  if (stride < sizeof(std::uint32_t) + sizeof(const char*))
    throw std::runtime_error(what + "[0].struct_size " + std::to_string(stride) + " is too small");
  const auto* bytes = reinterpret_cast<const unsigned char*>(arr);
  for (std::uint32_t i = 0; i < count; ++i) {
    const void* p = bytes + std::size_t(i) * stride;
    std::uint32_t sz;
    std::memcpy(&sz, p, sizeof sz);
    if (sz != stride)
      throw std::runtime_error(what + "[" + std::to_string(i) +
                               "].struct_size differs from the first element's");
    f(read_sized<T>(p, sz), i);
  }
}

OptionInfo option_info(const bl_option_desc& o) {
  OptionInfo oi;
  oi.name = str(o.name);
  oi.type = o.type;
  oi.flags = o.flags;
  oi.has_default = o.default_value != nullptr;
  oi.default_value = str(o.default_value);
  for (auto a = o.allowed; a && *a; ++a) oi.allowed.emplace_back(*a);
  oi.min_value = o.min_value;
  oi.max_value = o.max_value;
  oi.description = str(o.description);
  return oi;
}

void check_option(const OptionInfo& o, std::uint32_t i) {
  auto where = "option " + std::to_string(i) + " '" + o.name + "'";
  if (!valid_option_name(o.name))
    throw std::runtime_error(where + ": name must match [a-z0-9_.-]+");
  if (o.type < BL_OPTION_STRING || o.type > BL_OPTION_ENUM)
    throw std::runtime_error(where + ": unknown type " + std::to_string(o.type));
  if (o.type == BL_OPTION_ENUM && o.allowed.empty())
    throw std::runtime_error(where + ": an enum option needs a NULL-terminated `allowed` list");
  if (o.type == BL_OPTION_ENUM && o.has_default &&
      std::find(o.allowed.begin(), o.allowed.end(), o.default_value) == o.allowed.end())
    throw std::runtime_error(where + ": default '" + o.default_value + "' is not an allowed value");
}

}  // namespace

std::unique_ptr<LoadedPlugin> LoadedPlugin::load(const std::filesystem::path& file) {
  auto fail = [&](const std::string& why) -> PluginError {
    return PluginError(file.string() + ": " + why);
  };
  if (auto why = unsafe_path_reason(file); !why.empty()) throw fail("refused: " + why);

  std::unique_ptr<LoadedPlugin> lp(new LoadedPlugin());
  // RTLD_LOCAL keeps one plugin's symbols from resolving another's.
  lp->handle_ = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lp->handle_) throw fail(std::string("cannot load: ") + dlerror());
  auto entry = reinterpret_cast<bl_entry_fn>(dlsym(lp->handle_, BL_ENTRY_SYMBOL));
  if (!entry) throw fail("not a benchlab plugin (no symbol " BL_ENTRY_SYMBOL ")");

  const bl_plugin* d = entry(BL_ABI_MAJOR, BL_ABI_MAJOR);
  if (!d) throw fail("the plugin refused ABI major " + std::to_string(BL_ABI_MAJOR));
  if (d->struct_size < offsetof(bl_plugin, workload))
    throw fail("descriptor struct_size " + std::to_string(d->struct_size) + " is too small");
  auto desc = read_sized<bl_plugin>(d, d->struct_size);
  if (desc.abi_major != BL_ABI_MAJOR)
    throw fail("built for plugin ABI " + std::to_string(desc.abi_major) + "." +
               std::to_string(desc.abi_minor) + ", this benchlab speaks ABI " +
               std::to_string(BL_ABI_MAJOR) + ".x: rebuild the plugin against this benchlab");
  lp->desc_ = d;

  PluginInfo& info = lp->info_;
  info.path = file;
  info.id = str(desc.id);
  info.version = str(desc.version);
  info.description = str(desc.description);
  info.vendor = str(desc.vendor);
  info.kind = desc.kind;
  info.abi_major = desc.abi_major;
  info.abi_minor = desc.abi_minor;
  if (!valid_plugin_id(info.id))
    throw fail("invalid plugin id '" + info.id + "' (expected [a-z0-9][a-z0-9._-]*)");
  if (info.version.empty()) throw fail("plugin '" + info.id + "' has no version");

  try {
    if (desc.kind == BL_KIND_WORKLOAD) {
      if (!desc.workload) throw std::runtime_error("kind is workload but `workload` is NULL");
      auto w = read_sized<bl_workload>(desc.workload, desc.workload->struct_size);
      if (!w.create || !w.run) throw std::runtime_error("workload lacks create() or run()");
      info.workload_flags = w.flags;
      for_each_sized(w.options, w.option_count, "options",
                     [&](const bl_option_desc& o, std::uint32_t i) {
                       OptionInfo oi = option_info(o);
                       check_option(oi, i);
                       if (info.option(oi.name))
                         throw std::runtime_error("option '" + oi.name + "' declared twice");
                       info.options.push_back(std::move(oi));
                     });
      for_each_sized(
          w.metrics, w.metric_count, "metrics", [&](const bl_metric_desc& m, std::uint32_t i) {
            MetricInfo mi{str(m.name), str(m.unit), m.direction, str(m.description),
                          (m.flags & BL_METRIC_OPTIONAL) != 0};
            if (mi.name.empty())
              throw std::runtime_error("metric " + std::to_string(i) + " has no name");
            if (mi.direction != BL_LOWER_IS_BETTER && mi.direction != BL_HIGHER_IS_BETTER)
              throw std::runtime_error("metric '" + mi.name + "': direction must be -1 or 1");
            if (info.metric(mi.name))
              throw std::runtime_error("metric '" + mi.name + "' declared twice");
            info.metrics.push_back(std::move(mi));
          });
      if (info.metrics.empty() && !(w.flags & BL_WORKLOAD_DYNAMIC_METRICS))
        throw std::runtime_error("declares no metrics (and not BL_WORKLOAD_DYNAMIC_METRICS)");
      for_each_sized(w.requirements, w.requirement_count, "requirements",
                     [&](const bl_requirement& r, std::uint32_t) {
                       info.requirements.push_back({r.kind, str(r.name), r.amount, str(r.hint)});
                     });
    } else if (desc.kind == BL_KIND_PROBE) {
      if (!desc.probe) throw std::runtime_error("kind is probe but `probe` is NULL");
      auto p = read_sized<bl_probe>(desc.probe, desc.probe->struct_size);
      if (!p.open || !p.channels || !p.sample)
        throw std::runtime_error("probe lacks open(), channels() or sample()");
      // ABI 1.2: the options a probe reads in open(); zero from an older probe.
      for_each_sized(p.options, p.option_count, "options",
                     [&](const bl_option_desc& o, std::uint32_t i) {
                       OptionInfo oi = option_info(o);
                       check_option(oi, i);
                       if (info.option(oi.name))
                         throw std::runtime_error("option '" + oi.name + "' declared twice");
                       info.options.push_back(std::move(oi));
                     });
    } else {
      throw std::runtime_error("unknown plugin kind " + std::to_string(desc.kind));
    }
  } catch (const PluginError&) {
    throw;
  } catch (const std::exception& e) {
    throw fail("plugin '" + info.id + "': " + e.what());
  }
  return lp;
}

}  // namespace benchlab
