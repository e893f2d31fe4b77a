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
      // GPU inventory comes from the GPU probe plugins; without one no GPU is known.
      return with_hint(
          fmt::format("needs {} of GPU memory; no GPU is known to this benchlab "
                      "(install a GPU probe plugin)",
                      gib(r.amount)));
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
