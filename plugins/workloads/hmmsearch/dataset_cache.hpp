// SPDX-License-Identifier: MIT
// The generated search data in the plugin's cache directory: made once per generator
// version and database size (the alignments, the database and the HMMs built from the
// alignments), in a
// private temporary directory renamed into place only when complete, so an interrupted
// or concurrent setup never leaves a half-written dataset for a later run to trust.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>

#include "search_dataset.hpp"

namespace hmmsearch_workload {

inline constexpr const char* kAlignmentFile = "families.sto";
inline constexpr const char* kModelFile = "families.hmm";
inline constexpr const char* kDatabaseFile = "database.fasta";
inline constexpr const char* kManifestFile = "manifest.txt";

struct Dataset {
  std::filesystem::path dir;  // holds the four files above
  DatabaseSummary summary;
  bool generated = false;  // made by this call rather than found in the cache

  std::filesystem::path model() const { return dir / kModelFile; }
  std::filesystem::path database() const { return dir / kDatabaseFile; }
};

// Where the dataset of this generator version with a database of `residues` lives under
// `cache_dir`.
std::filesystem::path dataset_dir(const std::filesystem::path& cache_dir, std::uint64_t residues);

// The summary a complete dataset in `dir` records, or nothing when its manifest is
// missing, of another generator or size, or its files are not all there at the
// recorded size.
std::optional<DatabaseSummary> read_dataset(const std::filesystem::path& dir,
                                            std::uint64_t residues);

// Called with the directory that holds kAlignmentFile; must write kModelFile there
// (the plugin runs hmmbuild). Throws to abandon the dataset.
using ModelBuilder = std::function<void(const std::filesystem::path& dir)>;

// The complete dataset under `cache_dir`, generating it first when it is missing or
// broken. `residues` is the database size it asks write_database() for. Throws
// std::runtime_error (or what build_model throws) when it cannot be made.
Dataset prepare_dataset(const std::filesystem::path& cache_dir, std::uint64_t residues,
                        const ModelBuilder& build_model);

}  // namespace hmmsearch_workload
