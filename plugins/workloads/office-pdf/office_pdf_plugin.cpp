// SPDX-License-Identifier: MIT
// The office-pdf workload: LibreOffice converting a batch of generated documents to PDF in
// one `libreoffice --headless --convert-to pdf` call, timed, every PDF checked.
#include <benchlab/plugin.hpp>
#include <benchlab_common/host_extensions.hpp>
#include <benchlab_common/program_version.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "document_generator.hpp"
#include "file_url.hpp"
#include "pdf_batch_check.hpp"

namespace {

namespace fs = std::filesystem;

constexpr char kProgram[] = "libreoffice";
constexpr char kInstallHint[] = "apt-get install libreoffice-writer-nogui";
constexpr std::size_t kErrorLines = 15;

namespace sdk = benchlab::sdk;
namespace common = benchlab::common;
using sdk::failure;

constexpr sdk::option_texts kIntTexts{
    .invalid = "option {name} is '{value}': give a whole number from {min} to {max}"};

office_pdf::DocumentSet read_set(const bl_host* host) {
  office_pdf::DocumentSet set;
  set.documents = static_cast<unsigned>(sdk::option_int(host, "documents", 1, 500, kIntTexts));
  set.sections = static_cast<unsigned>(sdk::option_int(host, "sections", 1, 200, kIntTexts));
  return set;
}

// Where everything lives, all under the result's scratch directory.
struct Layout {
  fs::path scratch, documents, pdfs, profile, version_file, warmup;
  explicit Layout(const bl_host* host) {
    if (host->scratch_dir == nullptr || *host->scratch_dir == '\0')
      throw std::runtime_error("the host gave no scratch directory");
    scratch = fs::absolute(host->scratch_dir);
    documents = scratch / "documents";
    pdfs = scratch / "pdf";
    // A private LibreOffice profile: a running LibreOffice of the user's (or of another
    // result) would otherwise take the batch over, and the first start writes a profile.
    profile = scratch / "lo-profile";
    version_file = scratch / "libreoffice-version.txt";
    warmup = scratch / "warmup";
  }
};

constexpr sdk::spawn_texts kSpawnTexts{
    .cancelled = "{command}: cancelled",
    .timed_out = "{command}: timed out",
    .not_started = "cannot start '{program}': is LibreOffice installed? ({hint})",
    .hint = kInstallHint,
};

sdk::spawn_result spawn(const bl_host* host, const std::vector<std::string>& argv,
                        const fs::path& cwd) {
  // No display: LibreOffice's headless VCL backend, whatever DISPLAY says.
  return sdk::spawn_checked(
      host, {.argv = argv, .env = {"SAL_USE_VCLPLUGIN=svp"}, .cwd = cwd.string()}, kSpawnTexts);
}

void require_success(const sdk::spawn_result& done, const std::vector<std::string>& argv) {
  sdk::require_success(done, sdk::command_text(argv), {}, kErrorLines);
}

std::vector<std::string> convert_command(const Layout& layout, const std::vector<fs::path>& inputs,
                                         const fs::path& outdir) {
  std::vector<std::string> argv{
      kProgram,        "-env:UserInstallation=" + office_pdf::file_url(layout.profile),
      "--headless",    "--norestore",
      "--nolockcheck", "--convert-to",
      "pdf",           "--outdir",
      outdir.string()};
  for (const auto& input : inputs) argv.push_back(input.string());
  return argv;
}

std::vector<fs::path> document_paths(const Layout& layout, const office_pdf::DocumentSet& set) {
  std::vector<fs::path> paths;
  for (unsigned i = 1; i <= set.documents; ++i)
    paths.push_back(layout.documents / office_pdf::document_file_name(i));
  return paths;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr sdk::guard_texts kGuard{
    .out_of_memory = "out of memory in the office-pdf plugin",
    .unknown = "unknown exception in the office-pdf plugin",
};

using Entry = sdk::entry_points<sdk::host_instance, kGuard>;

// Writes the documents, then starts LibreOffice once on a one-section document so the
// private profile exists and the first trial measures conversion, not first-start work.
int32_t setup(const bl_host* host) {
  const office_pdf::DocumentSet set = read_set(host);
  const Layout layout(host);

  const std::vector<std::string> ask_version{
      kProgram, "-env:UserInstallation=" + office_pdf::file_url(layout.profile), "--version"};
  const sdk::spawn_result version = spawn(host, ask_version, layout.scratch);
  require_success(version, ask_version);
  const std::string version_line = sdk::last_lines(version.out, 1);
  std::ofstream(layout.version_file) << version_line;
  host->log(host, BL_LOG_INFO, ("using " + version_line).c_str());
  // "LibreOffice 7.4.7.2 40(Build:2)": the result records which office suite converted.
  if (std::string release = common::first_matching_line(version.out, R"(LibreOffice\s+(.+))");
      !release.empty())
    common::report_program(host, kProgram, release, common::find_on_path(kProgram));

  host->progress(host, -1.0, "writing documents");
  fs::create_directories(layout.documents);
  office_pdf::write_documents(layout.documents, set);

  host->progress(host, -1.0, "first LibreOffice start (profile)");
  fs::create_directories(layout.warmup);
  const fs::path warmup_doc = layout.warmup / "warmup.fodt";
  std::ofstream(warmup_doc, std::ios::binary) << office_pdf::flat_odt_document(1, 1);
  const std::vector<fs::path> inputs{warmup_doc};
  const std::vector<std::string> argv = convert_command(layout, inputs, layout.warmup);
  const sdk::spawn_result warm = spawn(host, argv, layout.scratch);
  require_success(warm, argv);
  const office_pdf::BatchCheck check =
      office_pdf::check_batch(inputs, layout.warmup, warm.out, warm.err);
  if (!check.ok())
    throw failure(BL_ERROR,
                  "LibreOffice cannot convert even a one-section document: " + check.problem);
  return BL_OK;
}

// One trial: convert the whole batch in one LibreOffice call (timed), then check every PDF.
int32_t run(const bl_host* host) {
  const office_pdf::DocumentSet set = read_set(host);
  const Layout layout(host);
  const std::vector<fs::path> inputs = document_paths(layout, set);
  for (const auto& input : inputs)
    if (!fs::is_regular_file(input))
      throw failure(BL_ERROR, input.string() + " is missing: setup did not complete");

  // Last trial's PDFs must not pass for this trial's.
  fs::remove_all(layout.pdfs);
  fs::create_directories(layout.pdfs);

  const std::vector<std::string> argv = convert_command(layout, inputs, layout.pdfs);
  host->progress(host, -1.0,
                 ("converting " + std::to_string(inputs.size()) + " documents").c_str());
  const sdk::spawn_result done = spawn(host, argv, layout.scratch);
  require_success(done, argv);
  const office_pdf::BatchCheck check =
      office_pdf::check_batch(inputs, layout.pdfs, done.out, done.err);
  if (!check.ok()) throw failure(BL_ERROR, check.problem);

  std::uintmax_t bytes = 0;
  unsigned pages = 0;
  for (const auto& pdf : check.pdfs) {
    bytes += pdf.bytes;
    pages += pdf.pages;
  }
  const double seconds = static_cast<double>(done.wall_ns) / 1e9;
  char summary[512];
  std::snprintf(summary, sizeof summary,
                "office-pdf: %zu documents (generator %u, sections=%u) -> %zu PDFs, %u "
                "pages, %ju bytes in %.3f s with %s\n",
                inputs.size(), office_pdf::kDocumentGeneratorVersion, set.sections,
                check.pdfs.size(), pages, bytes, seconds, read_text(layout.version_file).c_str());
  host->append_output(host, done.out.data(), done.out.size());
  host->append_output(host, summary, std::char_traits<char>::length(summary));
  sdk::report_metric(host, "seconds", seconds);
  return BL_OK;
}

const bl_option_desc kOptions[] = {
    {sizeof(bl_option_desc), "documents", BL_OPTION_INT, 0, "20", nullptr, 1, 500,
     "documents in the batch (reports, table sheets and figure briefs in turn)"},
    {sizeof(bl_option_desc), "sections", BL_OPTION_INT, 0, "16", nullptr, 1, 200,
     "sections per document (heading, text, tables or figures); 16 gives 13-23 pages"},
};

const bl_metric_desc kMetrics[] = {
    {sizeof(bl_metric_desc), "seconds", "s", BL_LOWER_IS_BETTER,
     "wall time of one libreoffice --convert-to pdf call over the whole batch"},
};

const bl_requirement kRequirements[] = {
    {sizeof(bl_requirement), BL_REQ_PROGRAM, kProgram, 0, kInstallHint},
};

const bl_workload kWorkload = {
    sizeof(bl_workload),
    0,
    sizeof kOptions / sizeof kOptions[0],
    kOptions,
    sizeof kMetrics / sizeof kMetrics[0],
    kMetrics,
    sizeof kRequirements / sizeof kRequirements[0],
    kRequirements,
    Entry::create,
    Entry::destroy,
    Entry::call<setup>,
    Entry::call<run>,
    nullptr,
    nullptr,
};

constexpr bl_plugin kPlugin = sdk::workload_plugin(
    "office-pdf", "1.0.0",
    "LibreOffice converting a batch of generated documents (text, tables, images) to PDF",
    "benchlab", kWorkload);

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return benchlab::sdk::offer(kPlugin, host_abi_major_min, host_abi_major_max);
}
