// SPDX-License-Identifier: MIT
#include "requirement_gate.h"

#include <benchlab/plugin.h>
#include <fmt/format.h>

#include <filesystem>

#include "subprocess.h"

namespace benchlab {
namespace {

std::string gib(std::uint64_t b) {
  return fmt::format("{:.1f} GiB", double(b) / (1024.0 * 1024 * 1024));
}

// GPU memory: one GPU must hold `amount` by itself (a model is not split across GPUs
// here). BL_REQ_MEMORY_GPU wants dedicated memory; _GPU_OR_UNIFIED also takes a GPU that
// uses system memory, with what it can use of it.
template <class Hint>
std::string unmet_gpu_memory(const Requirement& r, const Inventory& inv, Hint with_hint) {
  const bool unified_ok = r.kind == BL_REQ_MEMORY_GPU_OR_UNIFIED;
  const char* what = unified_ok ? "GPU memory (dedicated or unified)" : "dedicated GPU memory";
  if (inv.gpus.empty())
    return with_hint(
        fmt::format("needs {} of {}; no GPU is known to benchlab ({})", gib(r.amount), what,
                    inv.gpus_probed ? "no probe plugin reported one: is the GPU driver installed? "
                                      "`benchlab list probes -v` says why each probe is unavailable"
                                    : "no GPU probe was asked"));
  std::string have;
  for (const auto& g : inv.gpus) {
    if (g.unified && !unified_ok) {
      have += fmt::format("{}{} ({}) has no dedicated memory (it uses system memory)",
                          have.empty() ? "" : "; ", g.id, g.name);
      continue;
    }
    if (g.memory_bytes >= r.amount) return {};
    have += fmt::format("{}{} ({}) has {}{}", have.empty() ? "" : "; ", g.id, g.name,
                        gib(g.memory_bytes), g.unified ? " of unified memory" : "");
  }
  return with_hint(fmt::format("needs {} of {}; {}", gib(r.amount), what, have));
}

}  // namespace

std::string unmet_requirement(const Requirement& r, const Inventory& inv) {
  auto with_hint = [&](std::string s) { return r.hint.empty() ? s : s + " (" + r.hint + ")"; };
  switch (r.kind) {
    case BL_REQ_PROGRAM:
      return find_program(r.name).empty() ? with_hint(r.name + " not found on PATH") : "";
    case BL_REQ_MEMORY_SYSTEM:
      if (inv.memory_bytes && inv.memory_bytes < r.amount)
        return with_hint(fmt::format("needs {} of system memory, {} present", gib(r.amount),
                                     gib(inv.memory_bytes)));
      return {};
    case BL_REQ_MEMORY_GPU:
    case BL_REQ_MEMORY_GPU_OR_UNIFIED:
      return unmet_gpu_memory(r, inv, with_hint);
    case BL_REQ_DEVICE:
    case BL_REQ_FILE: {
      std::error_code ec;
      return std::filesystem::exists(r.name, ec) ? "" : with_hint(r.name + " does not exist");
    }
    default:
      return fmt::format("unknown requirement kind {}", r.kind);
  }
}

}  // namespace benchlab
