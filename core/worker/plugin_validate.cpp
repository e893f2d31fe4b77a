// SPDX-License-Identifier: MIT
#include "plugin_validate.h"

#include <benchlab/plugin.h>
#include <dlfcn.h>
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "descriptor_checks.h"
#include "frame_channel.h"
#include "plugin_dry_run.h"
#include "plugin_loader.h"
#include "plugin_naming.h"
#include "plugin_record.h"
#include "plugin_trust.h"
#include "validation_report.h"

namespace benchlab::worker {
namespace {

// What dlerror() said, with what usually fixes it.
std::string load_hint(const std::string& why) {
  if (why.find("undefined symbol") != std::string::npos)
    return "the plugin uses a symbol that neither it nor a library it links provides: link the "
           "library that defines it, and link with -Wl,--no-undefined to catch this when "
           "building";
  if (why.find("cannot open shared object file") != std::string::npos)
    return "a library the plugin needs is not found: install it, or give the plugin a RUNPATH "
           "(e.g. $ORIGIN) where it lives";
  return "check the file with `ldd` and `readelf -d`";
}

}  // namespace

void validate_plugin_file(const ValidateOptions& o) {
  // Findings go to a private copy of stdout; fd 1 becomes stderr, so that what the plugin
  // prints cannot pass for a finding.
  const int fd = private_stdout();
  if (fd < 0) _exit(2);
  Report r(fd);
  const std::string file = o.file;

  if (const std::string why = unsafe_path_reason(file); !why.empty())
    r.error("file", "benchlab refuses to load it: " + why);

  r.step("dlopen");
  // RTLD_LOCAL as the loader does; the handle stays open until the process ends.
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* e = dlerror();
    const std::string why = e ? e : "unknown reason";
    r.error("dlopen", "cannot load the file: " + why + ": " + load_hint(why));
    r.end();
  }
  auto entry = reinterpret_cast<bl_entry_fn>(dlsym(handle, BL_ENTRY_SYMBOL));
  if (!entry) {
    r.error(BL_ENTRY_SYMBOL, "the file exports no symbol " BL_ENTRY_SYMBOL
                             ": define it with BL_EXPORT (and "
                             "extern \"C\" in C++); `nm -D FILE` lists what the file exports");
    r.end();
  }

  r.step("entry");
  const bl_plugin* d = entry(BL_ABI_MAJOR, BL_ABI_MAJOR);
  if (!d) {
    r.error(BL_ENTRY_SYMBOL,
            fmt::format("returned NULL when offered plugin ABI {0}..{0}, the ABI of this "
                        "benchlab: rebuild the plugin against this benchlab's plugin.h",
                        BL_ABI_MAJOR));
    r.end();
  }
  const bl_plugin* other = entry(BL_ABI_MAJOR + 1, BL_ABI_MAJOR + 1);

  r.step("descriptor");
  const std::uint32_t size = d->struct_size;
  // The loader needs everything up to `workload` (id, version, kind) to read anything.
  if (!check_size(r, "descriptor.struct_size", size, offsetof(bl_plugin, workload), kPlugin10,
                  sizeof(bl_plugin), "bl_plugin",
                  size >= offsetof(bl_plugin, kind) ? d->abi_minor : 0))
    r.end();
  const auto desc = read_sized<bl_plugin>(d, size);
  r.plugin(desc);
  if (desc.abi_major != BL_ABI_MAJOR) {
    r.error("descriptor.abi_major",
            fmt::format("is {}: the plugin was built for plugin ABI {}.{}, this benchlab speaks "
                        "ABI {}.x and reads nothing else of it: rebuild the plugin against this "
                        "benchlab's plugin.h",
                        desc.abi_major, desc.abi_major, desc.abi_minor, BL_ABI_MAJOR));
    r.end();
  }
  if (other && other == d)
    r.warning(BL_ENTRY_SYMBOL,
              fmt::format("returned its ABI {0} descriptor when offered only ABI {1}: return "
                          "NULL when none of the offered range is spoken",
                          BL_ABI_MAJOR, BL_ABI_MAJOR + 1));
  if (desc.abi_minor > BL_ABI_MINOR)
    r.note("descriptor.abi_minor",
           fmt::format("is {0}: built against plugin ABI 1.{0}, newer than this benchlab's "
                       "1.{1}; fields and extensions of 1.{0} it does not know are ignored",
                       desc.abi_minor, BL_ABI_MINOR));
  if (unset(desc.id))
    r.error("descriptor.id", "is empty: give the plugin an id of [a-z0-9][a-z0-9._-]*");
  else if (!valid_plugin_id(desc.id))
    r.error("descriptor.id", "'" + shown(desc.id) +
                                 "' is not an id benchlab accepts: [a-z0-9][a-z0-9._-]*, at "
                                 "most " +
                                 std::to_string(kMaxPluginIdLength) +
                                 " characters (it names directories)");
  if (unset(desc.version))
    r.error("descriptor.version",
            "is empty: give the plugin's own version, e.g. \"1.0.0\"; it "
            "is stored with every result");
  else if (!valid_plugin_version(desc.version))
    r.error("descriptor.version", "'" + shown(desc.version) +
                                      "' is not a version benchlab accepts: no '/', not '.' or "
                                      "'..', at most " +
                                      std::to_string(kMaxPluginVersionLength) +
                                      " bytes (it names a cache directory)");
  if (unset(desc.description))
    r.warning("descriptor.description",
              "is empty: `benchlab list` shows one line about the "
              "plugin; say what it measures");

  std::vector<OptionInfo> options;
  if (desc.kind == BL_KIND_WORKLOAD) {
    if (desc.probe)
      r.warning("descriptor.probe", "is set, but the plugin is a workload: it must be NULL");
    if (!desc.workload)
      r.error("descriptor.workload",
              "is NULL, but kind is BL_KIND_WORKLOAD: point it at the "
              "plugin's bl_workload");
    else
      options = check_workload(r, desc.workload, desc.abi_minor);
  } else if (desc.kind == BL_KIND_PROBE) {
    if (desc.workload)
      r.warning("descriptor.workload", "is set, but the plugin is a probe: it must be NULL");
    if (!desc.probe)
      r.error("descriptor.probe",
              "is NULL, but kind is BL_KIND_PROBE: point it at the plugin's "
              "bl_probe");
    else
      options = check_probe(r, desc.probe, desc.abi_minor);
  } else {
    r.error("descriptor.kind", fmt::format("is {}: neither BL_KIND_WORKLOAD (1) nor BL_KIND_PROBE "
                                           "(2)",
                                           desc.kind));
  }

  if (r.errors() > 0) {
    if (o.dry_run) r.note("dry run", "skipped because of the errors above");
    r.end();
  }

  // What the host itself makes of the plugin, so that a plugin this file passes is never
  // one benchlab refuses: the loader, and the record discovery reads.
  r.step("load");
  std::unique_ptr<LoadedPlugin> loaded;
  try {
    loaded = LoadedPlugin::load(file);
    PluginInfo described = loaded->info();
    described.sha256.assign(64, '0');  // the file's hash is discovery's business, not checked here
    plugin_info_from_json(plugin_info_to_json(described));
  } catch (const std::exception& e) {
    r.error("descriptor", std::string("benchlab refuses the plugin: ") + e.what());
    r.end();
  }

  if (o.dry_run) {
    r.step("dry run");
    DryRun run;
    run.desc = d;
    run.info = &loaded->info();
    run.options = std::move(options);
    run.minor = desc.abi_minor;
    dry_run(r, run, o.timeout_s);
  }
  r.end();
}

}  // namespace benchlab::worker
