// SPDX-License-Identifier: MIT
// A Dolfyn 0.527 source tree (dolfyn-cfd_0.527.tgz) and how it is built and run, as
// Phoronix's pts/dolfyn does: `make` in src/ (which writes ../bin/dolfyn and its tools),
// then demo/doit.sh in demo/, timed as a whole.
#pragma once

#include <benchlab_common/source_build.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace dolfyn {

namespace fs = std::filesystem;

// Recognises the tree (src/dolfyn.f90, src/Makefile, demo/doit.sh) and says what to
// provide.
const source_build::Project& project();

// The one source fix pts/dolfyn applies before building: Dolfyn 0.527's gmsh2dolfyn.f90
// has `stop'bug: ...'`, which gfortran 10 and later reject for the missing blank. Returns
// how many statements were fixed (0 when the file is absent or already fixed).
int apply_pts_fixes(const fs::path& root);

// Cache entry name: the source's content hash and a hash of the compiler's version line,
// the Fortran compiler and the extra make arguments.
std::string build_name(const std::string& source_hash, const std::string& compiler_version,
                       const std::string& fc, const std::vector<std::string>& make_args);

// The make command run in src/: make F90=<fc> <make_args...>.
std::vector<std::string> make_argv(const std::string& fc,
                                   const std::vector<std::string>& make_args);

// Stages `source` into `dir`/tree, applies the pts fixes, runs make in src/ and checks
// that bin/dolfyn was made; writes `dir`/BUILD-INFO. Throws source_build::CannotRun (not
// Dolfyn) or BuildFailed (compile error).
void build(const source_build::Runner& run, const fs::path& source, const fs::path& dir,
           const std::string& fc, const std::vector<std::string>& make_args,
           const std::string& compiler_version);

// Where build() leaves the built tree inside a build directory.
fs::path tree_path(const fs::path& build_dir);

// A fresh copy of the built tree at `run_dir` (replacing whatever is there), so every
// trial starts from the pristine demo directory whatever the previous one wrote into it.
// Returns the path of its demo/doit.sh, made executable.
fs::path prepare_run(const fs::path& build_dir, const fs::path& run_dir);

}  // namespace dolfyn
