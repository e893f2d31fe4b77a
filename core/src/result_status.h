/* SPDX-License-Identifier: MIT */
// The status of a result, one enum from the runner through the store to the C API. The
// numbers are benchlab.h's BENCHLAB_STATUS_* values; the store keeps the names.
#pragma once

#include <string_view>

namespace benchlab {

enum class ResultStatus : int { pending = 0, ok = 1, failed = 2, cannot_run = 3, partial = 4 };

// "pending", "ok", "failed", "cannot_run", "partial": the results.status column.
std::string_view status_name(ResultStatus s);
// The inverse; an unknown name reads as pending.
ResultStatus status_from_name(std::string_view name);

// Failed or partial: the run ends with "some trials failed".
inline bool has_failures(ResultStatus s) {
  return s == ResultStatus::failed || s == ResultStatus::partial;
}

}  // namespace benchlab
