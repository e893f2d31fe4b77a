// SPDX-License-Identifier: MIT
#include "dolfyn_tree.hpp"

#include <fstream>
#include <iterator>
#include <sstream>

namespace dolfyn {

namespace {

std::string why_not_dolfyn(const fs::path& dir) {
  std::string missing;
  auto need = [&](bool present, const char* what) {
    if (!present) missing += (missing.empty() ? "" : ", ") + std::string(what);
  };
  need(fs::is_regular_file(dir / "src" / "dolfyn.f90"), "src/dolfyn.f90");
  need(fs::is_regular_file(dir / "src" / "Makefile") ||
           fs::is_regular_file(dir / "src" / "makefile"),
       "src/Makefile");
  need(fs::is_regular_file(dir / "demo" / "doit.sh"), "demo/doit.sh");
  return missing.empty() ? "" : "no " + missing;
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

const source_build::Project& project() {
  static const source_build::Project kProject{
      "Dolfyn 0.527",
      "download dolfyn-cfd_0.527.tgz (the tarball Phoronix's pts/dolfyn uses) and run with "
      "-o source=/path/to/dolfyn-cfd_0.527 (a directory with src/dolfyn.f90 and "
      "demo/doit.sh) or the .tgz",
      why_not_dolfyn};
  return kProject;
}

int apply_pts_fixes(const fs::path& root) {
  const fs::path file = root / "src" / "gmsh2dolfyn.f90";
  if (!fs::is_regular_file(file)) return 0;
  static constexpr std::string_view kBroken = "stop'bug: error in dimensions of array v'";
  static constexpr std::string_view kFixed = "stop 'bug: error in dimensions of array v'";
  std::string text = read_all(file);
  int fixed = 0;
  for (std::size_t at = text.find(kBroken); at != std::string::npos;
       at = text.find(kBroken, at + kFixed.size())) {
    text.replace(at, kBroken.size(), kFixed);
    ++fixed;
  }
  if (fixed > 0) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + file.string());
  }
  return fixed;
}

std::string build_name(const std::string& source_hash, const std::string& compiler_version,
                       const std::string& fc, const std::vector<std::string>& make_args) {
  std::string recipe = fc + '\n' + compiler_version + '\n';
  for (const auto& arg : make_args) recipe += arg + '\n';
  return "dolfyn-" + source_hash + "-" + source_build::text_hash(recipe);
}

std::vector<std::string> make_argv(const std::string& fc,
                                   const std::vector<std::string>& make_args) {
  std::vector<std::string> argv{"make", "F90=" + fc};
  argv.insert(argv.end(), make_args.begin(), make_args.end());
  return argv;
}

fs::path tree_path(const fs::path& build_dir) { return build_dir / "tree"; }

void build(const source_build::Runner& run, const fs::path& source, const fs::path& dir,
           const std::string& fc, const std::vector<std::string>& make_args,
           const std::string& compiler_version) {
  const fs::path tree = tree_path(dir);
  source_build::stage_source(run, source, tree, project());
  const int fixes = apply_pts_fixes(tree);
  // The Makefile links into ../bin, which a tree copied without empty directories lacks.
  // Objects, module files and programs copied from a tree built before would make make
  // skip compiling with this compiler; they go (the Makefile's own clean target fails on
  // a clean tree: `rm *.o *.mod` without -f).
  fs::remove_all(tree / "bin");
  fs::create_directories(tree / "bin");
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(tree / "src"))
    if (entry.is_regular_file() &&
        (entry.path().extension() == ".o" || entry.path().extension() == ".mod"))
      stale.push_back(entry.path());
  for (const auto& file : stale) fs::remove(file);

  // MAKEFLAGS is emptied so a benchlab started from make cannot pass -j or -k on: the
  // Makefile's Fortran module order is only right for a serial build, as pts/dolfyn runs it.
  const source_build::Command command{make_argv(fc, make_args), tree / "src", {"MAKEFLAGS="}};
  source_build::require_success(run(command), command,
                                "fix the compiler (option fc) or the make arguments "
                                "(option make_arg)");
  if (!fs::is_regular_file(tree / "bin" / "dolfyn"))
    throw source_build::BuildFailed(source_build::describe(command.argv) + " in " +
                                    command.cwd.string() + " succeeded but wrote no ../bin/dolfyn");

  std::ofstream info(dir / "BUILD-INFO");
  info << "source: " << source.string() << "\ncompiler: " << compiler_version
       << "\ncommand: " << source_build::describe(command.argv) << "\npts fixes applied: " << fixes
       << "\n";
}

fs::path prepare_run(const fs::path& build_dir, const fs::path& run_dir) {
  fs::remove_all(run_dir);
  fs::copy(tree_path(build_dir), run_dir,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  const fs::path script = run_dir / "demo" / "doit.sh";
  // pts/dolfyn runs ./doit.sh; a tarball unpacked without modes would leave it unrunnable.
  fs::permissions(script, fs::perms::owner_exec | fs::perms::owner_read, fs::perm_options::add);
  return script;
}

}  // namespace dolfyn
