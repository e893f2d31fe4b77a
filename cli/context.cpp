// SPDX-License-Identifier: MIT
#include "context.h"

#include <fmt/format.h>

namespace benchlab_cli {

int exit_code(int32_t rc) {
  switch (rc) {
    case BENCHLAB_OK:
      return 0;
    case BENCHLAB_E_TRIALS_FAILED:
      return kExitTrialsFailed;
    case BENCHLAB_E_INVALID:
    case BENCHLAB_E_NOT_FOUND:
    case BENCHLAB_E_PROFILE:
      return kExitUsage;
    case BENCHLAB_E_STORE:
      return kExitStore;
    case BENCHLAB_E_INTERRUPTED:
      return kExitInterrupted;
    default:
      return kExitError;
  }
}

int error(int32_t rc) {
  fmt::print(stderr, "benchlab: {}\n", benchlab_errmsg());
  return exit_code(rc);
}

benchlab_ctx* open_ctx(const Common& c, StoreUse use, int& rc, bool quiet) {
  std::vector<const char*> pd, fd;
  for (const auto& d : c.plugin_dirs) pd.push_back(d.c_str());
  for (const auto& d : c.profile_dirs) fd.push_back(d.c_str());
  pd.push_back(nullptr);
  fd.push_back(nullptr);
  benchlab_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.db_path = c.db ? c.db->c_str() : nullptr;
  cfg.plugin_dirs = pd.data();
  cfg.profile_dirs = fd.data();
  if (use == StoreUse::read) cfg.flags |= BENCHLAB_READ_ONLY;
  if (use == StoreUse::none) cfg.flags |= BENCHLAB_NO_STORE;
  benchlab_ctx* ctx = nullptr;
  int32_t r = benchlab_open(&cfg, &ctx);
  if (r != BENCHLAB_OK) {
    rc = error(r);
    return nullptr;
  }
  if (!quiet)
    for (uint32_t i = 0; i < benchlab_diagnostic_count(ctx); ++i)
      fmt::print(stderr, "warning: {}\n", benchlab_diagnostic_at(ctx, i));
  return ctx;
}

}  // namespace benchlab_cli
