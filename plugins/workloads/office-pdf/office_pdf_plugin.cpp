// The office-pdf workload: LibreOffice converting a batch of generated documents to PDF in
// one `libreoffice --headless --convert-to pdf` call, timed, every PDF checked.
#include <benchlab/plugin.h>

#include <charconv>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "document_generator.hpp"
#include "file_url.hpp"
#include "pdf_batch_check.hpp"

namespace {

namespace fs = std::filesystem;

constexpr char kProgram[] = "libreoffice";
constexpr char kInstallHint[] = "apt-get install libreoffice-writer-nogui";
constexpr std::size_t kErrorLines = 15;

// A setting a user got wrong; becomes BL_INVALID_ARGUMENT.
struct OptionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A status other than BL_OK with its reason, raised deep inside a phase.
struct PhaseStop : std::runtime_error {
  PhaseStop(int32_t status, const std::string& reason)
      : std::runtime_error(reason), status(status) {}
  int32_t status;
};

long long int_option(const bl_host* host, const char* name, long long min, long long max) {
  const char* raw = host->option(host, name);
  const std::string value = raw ? raw : "";
  long long parsed = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || parsed < min ||
      parsed > max)
    throw OptionError("option " + std::string(name) + " is '" + value +
                      "': give a whole number from " + std::to_string(min) + " to " +
                      std::to_string(max));
  return parsed;
}

office_pdf::DocumentSet read_set(const bl_host* host) {
  office_pdf::DocumentSet set;
  set.documents = static_cast<unsigned>(int_option(host, "documents", 1, 500));
  set.sections = static_cast<unsigned>(int_option(host, "sections", 1, 200));
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

struct Finished {
  int32_t exit_code = 0, term_signal = 0;
  uint64_t wall_ns = 0;
  std::string out, err;
};

std::string describe(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) text += (text.empty() ? "" : " ") + arg;
  return text;
}

std::string last_lines(std::string_view text, std::size_t count) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t start = text.size();
  for (std::size_t lines = 0; start > 0; --start)
    if (text[start - 1] == '\n' && ++lines == count) break;
  return std::string(text.substr(start));
}

Finished spawn(const bl_host* host, const std::vector<std::string>& argv, const fs::path& cwd) {
  std::vector<const char*> args;
  for (const auto& arg : argv) args.push_back(arg.c_str());
  args.push_back(nullptr);
  const std::string dir = cwd.string();
  // No display: LibreOffice's headless VCL backend, whatever DISPLAY says.
  const char* env[] = {"SAL_USE_VCLPLUGIN=svp", nullptr};
  bl_spawn request{};
  request.struct_size = sizeof request;
  request.argv = args.data();
  request.env = env;
  request.cwd = dir.c_str();
  bl_spawn_result result{};
  result.struct_size = sizeof result;
  const int32_t status = host->spawn(host, &request, &result);
  if (status == BL_CANCELLED) throw PhaseStop(BL_CANCELLED, describe(argv) + ": cancelled");
  if (status == BL_TIMEOUT) throw PhaseStop(BL_TIMEOUT, describe(argv) + ": timed out");
  if (status != BL_OK)
    throw PhaseStop(BL_CANNOT_RUN, "cannot start '" + argv[0] + "': is LibreOffice installed? (" +
                                       kInstallHint + ")");
  Finished done;
  done.exit_code = result.exit_code;
  done.term_signal = result.term_signal;
  done.wall_ns = result.wall_ns;
  if (result.out) done.out.assign(result.out, result.out_size);
  if (result.err) done.err.assign(result.err, result.err_size);
  return done;
}

void require_success(const Finished& done, const std::vector<std::string>& argv) {
  if (done.exit_code == 0 && done.term_signal == 0) return;
  std::string reason = describe(argv) + " failed (" +
                       (done.term_signal != 0 ? "signal " + std::to_string(done.term_signal)
                                              : "exit status " + std::to_string(done.exit_code)) +
                       ")";
  const std::string said = done.err.empty() ? done.out : done.err;
  if (!said.empty()) reason += "; its last lines:\n" + last_lines(said, kErrorLines);
  throw PhaseStop(BL_ERROR, reason);
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

template <typename Body>
int32_t guarded(const bl_host* host, Body&& body) noexcept {
  try {
    return body();
  } catch (const PhaseStop& e) {
    host->set_error(host, e.what());
    return e.status;
  } catch (const OptionError& e) {
    host->set_error(host, e.what());
    return BL_INVALID_ARGUMENT;
  } catch (const std::bad_alloc&) {
    host->set_error(host, "out of memory in the office-pdf plugin");
    return BL_NO_MEMORY;
  } catch (const std::exception& e) {
    host->set_error(host, e.what());
    return BL_ERROR;
  } catch (...) {
    host->set_error(host, "unknown exception in the office-pdf plugin");
    return BL_ERROR;
  }
}

struct Instance {
  const bl_host* host;
};

int32_t create(const bl_host* host, void** out_instance) {
  *out_instance = nullptr;
  return guarded(host, [&] {
    *out_instance = std::make_unique<Instance>(Instance{host}).release();
    return BL_OK;
  });
}

void destroy(void* instance) { std::unique_ptr<Instance>(static_cast<Instance*>(instance)); }

// Writes the documents, then starts LibreOffice once on a one-section document so the
// private profile exists and the first trial measures conversion, not first-start work.
int32_t setup(void* instance) {
  const bl_host* host = static_cast<Instance*>(instance)->host;
  return guarded(host, [&] {
    const office_pdf::DocumentSet set = read_set(host);
    const Layout layout(host);

    const std::vector<std::string> ask_version{
        kProgram, "-env:UserInstallation=" + office_pdf::file_url(layout.profile), "--version"};
    const Finished version = spawn(host, ask_version, layout.scratch);
    require_success(version, ask_version);
    const std::string version_line = last_lines(version.out, 1);
    std::ofstream(layout.version_file) << version_line;
    host->log(host, BL_LOG_INFO, ("using " + version_line).c_str());

    host->progress(host, -1.0, "writing documents");
    fs::create_directories(layout.documents);
    office_pdf::write_documents(layout.documents, set);

    host->progress(host, -1.0, "first LibreOffice start (profile)");
    fs::create_directories(layout.warmup);
    const fs::path warmup_doc = layout.warmup / "warmup.fodt";
    std::ofstream(warmup_doc, std::ios::binary) << office_pdf::flat_odt_document(1, 1);
    const std::vector<fs::path> inputs{warmup_doc};
    const std::vector<std::string> argv = convert_command(layout, inputs, layout.warmup);
    const Finished warm = spawn(host, argv, layout.scratch);
    require_success(warm, argv);
    const office_pdf::BatchCheck check =
        office_pdf::check_batch(inputs, layout.warmup, warm.out, warm.err);
    if (!check.ok())
      throw PhaseStop(BL_ERROR,
                      "LibreOffice cannot convert even a one-section document: " + check.problem);
    return BL_OK;
  });
}

// One trial: convert the whole batch in one LibreOffice call (timed), then check every PDF.
int32_t run(void* instance) {
  const bl_host* host = static_cast<Instance*>(instance)->host;
  return guarded(host, [&] {
    const office_pdf::DocumentSet set = read_set(host);
    const Layout layout(host);
    const std::vector<fs::path> inputs = document_paths(layout, set);
    for (const auto& input : inputs)
      if (!fs::is_regular_file(input))
        throw PhaseStop(BL_ERROR, input.string() + " is missing: setup did not complete");

    // Last trial's PDFs must not pass for this trial's.
    fs::remove_all(layout.pdfs);
    fs::create_directories(layout.pdfs);

    const std::vector<std::string> argv = convert_command(layout, inputs, layout.pdfs);
    host->progress(host, -1.0,
                   ("converting " + std::to_string(inputs.size()) + " documents").c_str());
    const Finished done = spawn(host, argv, layout.scratch);
    require_success(done, argv);
    const office_pdf::BatchCheck check =
        office_pdf::check_batch(inputs, layout.pdfs, done.out, done.err);
    if (!check.ok()) throw PhaseStop(BL_ERROR, check.problem);

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
    host->report_metric(host, "seconds", seconds);
    return BL_OK;
  });
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
    create,
    destroy,
    setup,
    run,
    nullptr,
    nullptr,
};

const bl_plugin kPlugin = {
    sizeof(bl_plugin),
    BL_ABI_MAJOR,
    BL_ABI_MINOR,
    BL_KIND_WORKLOAD,
    "office-pdf",
    "1.0.0",
    "LibreOffice converting a batch of generated documents (text, tables, images) to PDF",
    "benchlab",
    &kWorkload,
    nullptr,
    nullptr,
};

}  // namespace

extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  if (host_abi_major_min > BL_ABI_MAJOR || host_abi_major_max < BL_ABI_MAJOR) return nullptr;
  return &kPlugin;
}
