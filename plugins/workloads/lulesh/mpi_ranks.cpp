// SPDX-License-Identifier: MIT
#include "mpi_ranks.hpp"

#include <charconv>
#include <fstream>
#include <set>
#include <system_error>

namespace lulesh {

namespace fs = std::filesystem;

bool is_cube(unsigned n) {
  if (n == 0) return false;
  const unsigned k = largest_cube_at_most(n);
  return k == n;
}

unsigned largest_cube_at_most(unsigned n) {
  unsigned k = 1;
  // Integer steps, not cbrt(): a floating cube root of 27 may come out as 2.9999.
  while (static_cast<unsigned long long>(k + 1) * (k + 1) * (k + 1) <= n) ++k;
  return k * k * k;
}

unsigned physical_cores(const fs::path& cpu_dir) {
  std::set<std::string> cores;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(cpu_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 4 || name.compare(0, 3, "cpu") != 0 ||
        name.find_first_not_of("0123456789", 3) != std::string::npos)
      continue;
    // An offline CPU has no topology directory, so it is not counted.
    std::ifstream in(entry.path() / "topology" / "thread_siblings_list");
    std::string siblings;
    if (in && std::getline(in, siblings) && !siblings.empty()) cores.insert(siblings);
  }
  return static_cast<unsigned>(cores.size());
}

unsigned parse_ranks(const std::string& option, unsigned cores) {
  if (option == "cube") return largest_cube_at_most(cores == 0 ? 1 : cores);
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(option.data(), option.data() + option.size(), n);
  if (option.empty() || ec != std::errc() || end != option.data() + option.size())
    throw RanksError("option ranks is '" + option +
                     "': give 0 (no MPI), a cube number of MPI ranks (1, 8, 27, 64, ...) or "
                     "'cube' (the largest cube not above the physical cores)");
  if (n != 0 && !is_cube(n))
    throw RanksError("option ranks is " + option +
                     ", but LULESH splits its mesh into a cube of domains: give a cube (" +
                     std::to_string(largest_cube_at_most(n)) +
                     " is the nearest below), 0 or "
                     "'cube'");
  return n;
}

}  // namespace lulesh
