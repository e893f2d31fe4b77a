/* SPDX-License-Identifier: MIT */
// What every command shares: exit codes, error printing and opening the library context
// for the store use of the command. Uses only the C API of benchlab.h.
#pragma once

#include <benchlab/benchlab.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace benchlab_cli {

inline constexpr int kExitTrialsFailed = 1, kExitUsage = 2, kExitStore = 3, kExitError = 4,
                     kExitInterrupted = 130;

// The exit status of a C API status code.
int exit_code(int32_t rc);

// Prints benchlab_errmsg() on stderr; returns the exit status of `rc`.
int error(int32_t rc);

struct Common {
  std::optional<std::string> db;  // unset: the default store; "" is refused by the library
  std::vector<std::string> plugin_dirs, profile_dirs;
};

// How a command uses the store: `run` and `import` write it, `results`, `compare` and
// `report` only read an existing one, `list` and `inventory` need none (so a mistyped --db
// never creates anything).
enum class StoreUse { write, read, none };

// Opens the library context; prints discovery problems as warnings unless `quiet`.
benchlab_ctx* open_ctx(const Common& c, StoreUse use, int& rc, bool quiet = false);

}  // namespace benchlab_cli
