// SPDX-License-Identifier: MIT
#include "result_status.h"

#include <array>
#include <utility>

namespace benchlab {
namespace {

constexpr std::array<std::pair<ResultStatus, std::string_view>, 5> kNames{{
    {ResultStatus::pending, "pending"},
    {ResultStatus::ok, "ok"},
    {ResultStatus::failed, "failed"},
    {ResultStatus::cannot_run, "cannot_run"},
    {ResultStatus::partial, "partial"},
}};

}  // namespace

std::string_view status_name(ResultStatus s) {
  for (const auto& [status, name] : kNames)
    if (status == s) return name;
  return "pending";
}

ResultStatus status_from_name(std::string_view name) {
  for (const auto& [status, n] : kNames)
    if (n == name) return status;
  return ResultStatus::pending;
}

}  // namespace benchlab
