// SPDX-License-Identifier: MIT
#include "dataset_cache.hpp"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace hmmsearch_workload {
namespace fs = std::filesystem;
namespace {

constexpr const char* kManifestTitle = "benchlab hmmsearch dataset";

std::string version_name() { return "dataset-v" + std::to_string(kGeneratorVersion); }

// Temporary directories are named after the process that makes them, so leftovers of a
// killed setup can be told from one in progress.
std::string temp_prefix() { return "." + version_name() + ".tmp-"; }

void remove_dead_temporaries(const fs::path& cache_dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(cache_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(temp_prefix(), 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + temp_prefix().size(), nullptr, 10);
    if (pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
      fs::remove_all(entry.path(), ec);
  }
}

// Removes the directory unless released: the temporary dataset on every failure path.
class TempDir {
 public:
  explicit TempDir(const fs::path& cache_dir) {
    std::string pattern =
        (cache_dir / (temp_prefix() + std::to_string(getpid()) + "-XXXXXX")).string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) == nullptr)
      throw std::runtime_error("cannot create a directory in " + cache_dir.string() + ": " +
                               std::strerror(errno) + "; check the cache directory's permissions");
    path_ = buffer.data();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file)
    throw std::runtime_error("cannot write " + path.string() +
                             "; check free space and permissions of the cache directory");
}

std::string manifest_text(std::uint64_t requested, const DatabaseSummary& s,
                          std::uintmax_t database_bytes) {
  std::ostringstream out;
  out << kManifestTitle << '\n'
      << "generator " << kGeneratorVersion << '\n'
      << "requested_residues " << requested << '\n'
      << "families " << kFamilies << '\n'
      << "planted " << s.planted << '\n'
      << "sequences " << s.sequences << '\n'
      << "residues " << s.residues << '\n'
      << "database_bytes " << database_bytes << '\n';
  return out.str();
}

}  // namespace

fs::path dataset_dir(const fs::path& cache_dir, std::uint64_t residues) {
  return cache_dir / (version_name() + "-" + std::to_string(residues));
}

std::optional<DatabaseSummary> read_dataset(const fs::path& dir, std::uint64_t residues) {
  std::ifstream file(dir / kManifestFile);
  std::string title;
  if (!std::getline(file, title) || title != kManifestTitle) return std::nullopt;
  std::map<std::string, std::uintmax_t> fields;
  std::string key;
  std::uintmax_t value = 0;
  while (file >> key >> value) fields[key] = value;
  auto field = [&](const char* name) -> std::optional<std::uintmax_t> {
    const auto it = fields.find(name);
    if (it == fields.end()) return std::nullopt;
    return it->second;
  };
  if (field("generator") != static_cast<std::uintmax_t>(kGeneratorVersion) ||
      field("requested_residues") != residues || field("families") != kFamilies ||
      field("planted") != kPlantedTotal || !field("sequences") || !field("residues") ||
      !field("database_bytes"))
    return std::nullopt;
  std::error_code ec;
  if (fs::file_size(dir / kDatabaseFile, ec) != *field("database_bytes") || ec) return std::nullopt;
  if (!fs::is_regular_file(dir / kModelFile, ec) || !fs::is_regular_file(dir / kAlignmentFile, ec))
    return std::nullopt;
  DatabaseSummary summary;
  summary.planted = *field("planted");
  summary.sequences = *field("sequences");
  summary.residues = *field("residues");
  return summary;
}

Dataset prepare_dataset(const fs::path& cache_dir, std::uint64_t residues,
                        const ModelBuilder& build_model) {
  Dataset dataset;
  dataset.dir = dataset_dir(cache_dir, residues);
  if (auto summary = read_dataset(dataset.dir, residues)) {
    dataset.summary = *summary;
    return dataset;
  }
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  remove_dead_temporaries(cache_dir);

  TempDir temp(cache_dir);
  write_text(temp.path() / kAlignmentFile, family_alignments());
  {
    std::ofstream db(temp.path() / kDatabaseFile, std::ios::binary | std::ios::trunc);
    dataset.summary = write_database(db, residues);
    db.close();
    if (!db)
      throw std::runtime_error("cannot write " + (temp.path() / kDatabaseFile).string() +
                               "; check free space in the cache directory");
  }
  build_model(temp.path());
  if (!fs::is_regular_file(temp.path() / kModelFile, ec))
    throw std::runtime_error("building the profile HMMs left no " + std::string(kModelFile));
  write_text(temp.path() / kManifestFile,
             manifest_text(residues, dataset.summary, fs::file_size(temp.path() / kDatabaseFile)));

  // A directory left by something else (a broken dataset) is replaced; one renamed into
  // place by a concurrent setup meanwhile is complete, and used.
  if (fs::exists(dataset.dir, ec) && !read_dataset(dataset.dir, residues))
    fs::remove_all(dataset.dir, ec);
  if (::rename(temp.path().c_str(), dataset.dir.c_str()) == 0) {
    temp.release();
    dataset.generated = true;
    return dataset;
  }
  const int error = errno;
  if (auto summary = read_dataset(dataset.dir, residues)) {
    dataset.summary = *summary;
    return dataset;
  }
  throw std::runtime_error("cannot move the generated dataset to " + dataset.dir.string() + ": " +
                           std::strerror(error));
}

}  // namespace hmmsearch_workload
