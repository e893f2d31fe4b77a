/* SPDX-License-Identifier: MIT */
// The first bytes of a plugin file, read before any process loads it, so that a file
// that cannot be a shared object for this machine is named for what it is ("ELF for
// AArch64, this machine is x86-64") instead of for what dlopen makes of it ("No such
// file or directory", which is what the loader says about a foreign architecture).
#pragma once

#include <filesystem>
#include <string>

namespace benchlab {

// Why `file` cannot be loaded here: not ELF, truncated, not a shared object, or built for
// another machine, class or byte order than this process. Empty when the header fits.
std::string elf_header_problem(const std::filesystem::path& file);

}  // namespace benchlab
