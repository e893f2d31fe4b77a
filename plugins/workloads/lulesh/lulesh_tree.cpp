// SPDX-License-Identifier: MIT
#include "lulesh_tree.hpp"

#include <algorithm>
#include <fstream>

namespace lulesh {

namespace {

// The files every LULESH 2.0.x release has; lulesh-comm.cc and lulesh-viz.cc come with
// them but compile to nothing without MPI or VisIt, so they are not required.
constexpr const char* kRequired[] = {"lulesh.cc", "lulesh.h", "lulesh-init.cc", "lulesh-util.cc"};

std::string why_not_lulesh(const fs::path& dir) {
  std::string missing;
  for (const char* name : kRequired)
    if (!fs::is_regular_file(dir / name))
      missing += (missing.empty() ? "" : ", ") + std::string(name);
  if (missing.empty()) return {};
  if (fs::is_regular_file(dir / "LULESH.cc"))
    return "LULESH.cc is LULESH 1.0, a single file; this plugin builds the 2.0 layout (" + missing +
           " missing)";
  return "no " + missing;
}

}  // namespace

const source_build::Project& project() {
  static const source_build::Project kProject{
      "LULESH 2.0.3",
      "download LULESH 2.0.3 and run with "
      "-o source=/path/to/LULESH-2.0.3 (a directory with lulesh.cc) or a .tar.gz",
      why_not_lulesh};
  return kProject;
}

std::string compiler(const BuildSettings& settings) {
  return settings.mpi ? "mpicxx" : settings.cxx;
}

std::vector<std::string> compile_argv(const BuildSettings& settings, const fs::path& root) {
  std::vector<std::string> sources;
  for (const auto& entry : fs::directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.rfind("lulesh", 0) == 0 && name.size() > 3 &&
        name.compare(name.size() - 3, 3, ".cc") == 0)
      sources.push_back(name);
  }
  std::sort(sources.begin(), sources.end());
  std::vector<std::string> argv{compiler(settings)};
  argv.insert(argv.end(), settings.flags.begin(), settings.flags.end());
  argv.push_back(settings.mpi ? "-DUSE_MPI=1" : "-DUSE_MPI=0");
  argv.push_back("-I.");
  argv.insert(argv.end(), sources.begin(), sources.end());
  argv.insert(argv.end(), {"-o", kProgramName, "-lm"});
  return argv;
}

std::string build_name(const std::string& source_hash, const std::string& compiler_version,
                       const BuildSettings& settings) {
  std::string recipe = compiler(settings) + '\n' + compiler_version + '\n' +
                       (settings.mpi ? "mpi" : "openmp") + '\n';
  for (const auto& flag : settings.flags) recipe += flag + '\n';
  return "lulesh-" + source_hash + "-" + source_build::text_hash(recipe);
}

fs::path program_path(const fs::path& build_dir) { return build_dir / "src" / kProgramName; }

void build(const source_build::Runner& run, const fs::path& source, const fs::path& dir,
           const BuildSettings& settings, const std::string& compiler_version) {
  const fs::path root = dir / "src";
  source_build::stage_source(run, source, root, project());
  // A tree copied from a built checkout may hold an old binary; never run that one.
  fs::remove(root / kProgramName);

  const source_build::Command compile{compile_argv(settings, root), root, {}};
  source_build::require_success(run(compile), compile,
                                "fix the flags (option cxxflags) or the compiler");
  if (!fs::is_regular_file(root / kProgramName))
    throw source_build::BuildFailed(source_build::describe(compile.argv) + " in " + root.string() +
                                    " succeeded but wrote no " + kProgramName);

  std::ofstream info(dir / "BUILD-INFO");
  info << "source: " << source.string() << "\ncompiler: " << compiler_version
       << "\ncommand: " << source_build::describe(compile.argv) << "\n";
}

std::vector<std::string> run_argv(const fs::path& program, unsigned ranks, long long size,
                                  long long iterations) {
  std::vector<std::string> argv;
  if (ranks > 0) argv = {"mpirun", "-np", std::to_string(ranks)};
  argv.insert(argv.end(),
              {program.string(), "-s", std::to_string(size), "-i", std::to_string(iterations)});
  return argv;
}

}  // namespace lulesh
