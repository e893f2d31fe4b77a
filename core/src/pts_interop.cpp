// SPDX-License-Identifier: MIT
// Phoronix Test Suite result files <-> the store (docs/pts.md). The import reads and checks
// the whole file and plans every row before the first write, then writes in one
// transaction, so a bad file or a failing disk leaves the store as it was.
#include "pts_interop.h"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "inventory.h"
#include "result_view.h"
#include "sqlite_stmt.h"
#include "stats.h"

namespace benchlab {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kPlugin = "pts";
constexpr const char* kBenchlabKey = "benchlab";        // our own data in System/JSON, Entry/JSON
constexpr const char* kRunTimesKey = "test-run-times";  // PTS: seconds of each run, ':'-joined
constexpr std::int64_t kMaxTrialIndex = 1000000;

// ---------------------------------------------------------------------------------------
// Import

struct TrialPlan {
  std::vector<std::pair<std::string, double>> values;
  std::uint64_t wall_ns = 0;
};

struct ResultImport {
  ResultPlan plan;
  std::vector<MetricDecl> metrics;
  std::map<int, TrialPlan> trials;  // by trial index
  std::int64_t benchlab_seq = -1;   // the exported result's seq; -1 for a PTS result
  std::set<std::string> metric_names;
};

struct RunImport {
  std::string system;     // benchlab system name
  std::string inventory;  // JSON of the run's inventory
  std::string settings;   // JSON
  std::vector<ResultImport> results;
  std::map<std::int64_t, std::size_t> by_benchlab_seq;  // index in results
};

class Importer {
 public:
  Importer(const PtsResultFile& pts, const std::string& file_name, const std::string& source)
      : pts_(pts), file_(file_name), source_(source) {}

  // Everything the store will hold, checked; throws PtsError.
  std::vector<RunImport> plan(ImportSummary& summary);

 private:
  std::string where(unsigned line) const {
    return line ? fmt::format("{}:{}", file_, line) : file_;
  }
  [[noreturn]] void fail(unsigned line, std::string_view what) const {
    throw PtsError(fmt::format("{}: {}", where(line), what));
  }
  // A JSON object from <JSON> text (empty text: an empty object); throws naming `element`.
  json::object object_of(const std::string& text, unsigned line, std::string_view element) const;

  void add_pts_entry(RunImport& run, const PtsResult& r, const std::vector<double>& values,
                     const std::vector<std::uint64_t>& wall);
  void add_benchlab_entry(RunImport& run, const PtsEntry& e, const json::object& bl,
                          const std::vector<double>& values,
                          const std::vector<std::uint64_t>& wall);

  const PtsResultFile& pts_;
  const std::string& file_;
  const std::string& source_;
};

json::object Importer::object_of(const std::string& text, unsigned line,
                                 std::string_view element) const {
  if (text.empty()) return {};
  std::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) fail(line, fmt::format("<{}> is not valid JSON: {}", element, ec.message()));
  if (!v.is_object()) fail(line, fmt::format("<{}> is not a JSON object", element));
  return std::move(v.as_object());
}

// A metric name from a PTS Scale: "MB/s" -> "mb_s", "Frames Per Second" ->
// "frames_per_second"; "value" when the scale has no letter or digit.
std::string metric_name(std::string_view scale) {
  std::string out;
  bool gap = false;
  for (const char ch : scale) {
    const auto c = static_cast<unsigned char>(ch);
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum) {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out += '_';
    gap = false;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (out.size() >= 64) break;
  }
  return out.empty() ? "value" : out;
}

// PTS's per-run times ("12.3:12.5:12.4" seconds) as nanoseconds, one per value; empty
// when absent or not one finite, non-negative time per value (it is informational only).
std::vector<std::uint64_t> run_times(const json::object& entry_json, std::size_t count) {
  const auto* v = entry_json.if_contains(kRunTimesKey);
  if (!v || !v->is_string()) return {};
  std::vector<std::uint64_t> out;
  std::string_view rest = v->as_string();
  while (true) {
    const auto colon = rest.find(':');
    const std::string piece(rest.substr(0, colon));
    char* end = nullptr;
    errno = 0;
    const double s = std::strtod(piece.c_str(), &end);
    if (piece.empty() || end != piece.c_str() + piece.size() || errno != 0 || !std::isfinite(s) ||
        s < 0 || s > 1e9)
      return {};
    out.push_back(static_cast<std::uint64_t>(std::llround(s * 1e9)));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return out.size() == count ? out : std::vector<std::uint64_t>{};
}

void Importer::add_pts_entry(RunImport& run, const PtsResult& r, const std::vector<double>& values,
                             const std::vector<std::uint64_t>& wall) {
  ResultImport ri;
  ri.plan.test = !r.identifier.empty() ? r.identifier
                 : !r.title.empty()    ? r.title
                                       : fmt::format("pts-result-line-{}", r.line);
  ri.plan.plugin = kPlugin;
  ri.plan.plugin_version = r.app_version;
  if (!r.arguments.empty()) ri.plan.options.emplace_back("arguments", r.arguments);
  if (!r.description.empty()) ri.plan.options.emplace_back("description", r.description);
  ri.plan.policy_json = "{}";
  ri.metrics.push_back(
      {metric_name(r.scale), r.scale, r.higher_is_better() ? 1 : -1, r.description});
  for (std::size_t i = 0; i < values.size(); ++i) {
    TrialPlan& t = ri.trials[static_cast<int>(i)];
    t.values.emplace_back(ri.metrics[0].name, values[i]);
    if (!wall.empty()) t.wall_ns = wall[i];
  }
  run.results.push_back(std::move(ri));
}

// Reads our own "benchlab" object of an Entry's JSON (written by pts_from_store): the
// result, its metric and the index of each raw value's trial, so that an export reads back
// as the same results with the same trials.
void Importer::add_benchlab_entry(RunImport& run, const PtsEntry& e, const json::object& bl,
                                  const std::vector<double>& values,
                                  const std::vector<std::uint64_t>& wall) {
  const auto bad = [&](std::string_view key, std::string_view expected) {
    fail(e.line, fmt::format("<JSON>: {}.{} must be {}", kBenchlabKey, key, expected));
  };
  const auto text = [&](std::string_view key, bool required) -> std::string {
    const auto* v = bl.if_contains(key);
    if (!v) {
      if (required) bad(key, "given");
      return {};
    }
    if (!v->is_string() || (required && v->as_string().empty())) bad(key, "a non-empty string");
    return std::string(v->as_string());
  };
  const auto integer = [&](const json::value& v) -> std::optional<std::int64_t> {
    std::error_code ec;
    const auto i = v.to_number<std::int64_t>(ec);
    if (ec) return std::nullopt;
    return i;
  };

  const auto* seq_v = bl.if_contains("result");
  const auto seq = seq_v ? integer(*seq_v) : std::nullopt;
  if (!seq || *seq < 0 || *seq > INT32_MAX) bad("result", "the result's seq (an integer >= 0)");
  const std::string test = text("test", true);
  const std::string metric = text("metric", true);
  const auto* dir_v = bl.if_contains("direction");
  const auto direction = dir_v ? integer(*dir_v) : std::nullopt;
  if (!direction || (*direction != 1 && *direction != -1)) bad("direction", "1 or -1");

  OptionList options;
  if (const auto* o = bl.if_contains("options")) {
    if (!o->is_array()) bad("options", "an array of [name, value] pairs");
    for (const auto& p : o->as_array()) {
      if (!p.is_array() || p.as_array().size() != 2 || !p.as_array()[0].is_string() ||
          !p.as_array()[1].is_string())
        bad("options", "an array of [name, value] pairs");
      options.emplace_back(std::string(p.as_array()[0].as_string()),
                           std::string(p.as_array()[1].as_string()));
    }
  }
  std::vector<int> indexes;
  if (const auto* t = bl.if_contains("trials")) {
    if (!t->is_array() || t->as_array().size() != values.size())
      bad("trials", fmt::format("an array of {} trial indexes, one per raw value", values.size()));
    std::set<std::int64_t> seen;
    for (const auto& x : t->as_array()) {
      const auto i = integer(x);
      if (!i || *i < 0 || *i > kMaxTrialIndex || !seen.insert(*i).second)
        bad("trials", fmt::format("distinct trial indexes from 0 to {}", kMaxTrialIndex));
      indexes.push_back(static_cast<int>(*i));
    }
  } else {
    for (std::size_t i = 0; i < values.size(); ++i) indexes.push_back(static_cast<int>(i));
  }

  ResultImport* ri = nullptr;
  if (const auto found = run.by_benchlab_seq.find(*seq); found != run.by_benchlab_seq.end())
    ri = &run.results[found->second];
  if (!ri) {
    ResultImport fresh;
    fresh.benchlab_seq = *seq;
    fresh.plan.test = test;
    fresh.plan.plugin = text("plugin", false);
    fresh.plan.plugin_version = text("plugin_version", false);
    fresh.plan.category = text("category", false);
    fresh.plan.options = std::move(options);
    fresh.plan.policy_json = "{}";
    run.by_benchlab_seq[*seq] = run.results.size();
    run.results.push_back(std::move(fresh));
    ri = &run.results.back();
  } else if (ri->plan.test != test || ri->plan.options != options) {
    fail(e.line, fmt::format("<JSON>: {}.result {} is test \"{}\" here but \"{}\" in another "
                             "entry of the same system",
                             kBenchlabKey, *seq, test, ri->plan.test));
  }
  if (!ri->metric_names.insert(metric).second)
    fail(e.line, fmt::format("<JSON>: metric \"{}\" of result {} a second time", metric, *seq));
  ri->metrics.push_back(
      {metric, text("unit", false), static_cast<int>(*direction), text("description", false)});
  for (std::size_t i = 0; i < values.size(); ++i) {
    TrialPlan& t = ri->trials[indexes[i]];
    t.values.emplace_back(metric, values[i]);
    if (!wall.empty() && t.wall_ns == 0) t.wall_ns = wall[i];
  }
}

// "Processor: AMD Ryzen 9 5950X 16-Core @ 3.40GHz (16 Cores / 32 Threads)".
void read_processor(Inventory& inv, std::string value) {
  inv.cpu_summary = value;
  // "2 x AMD EPYC 7763 ..." on a two-socket machine
  if (const auto x = value.find(" x ");
      x != std::string::npos && x > 0 && value.find_first_not_of("0123456789") == x) {
    inv.sockets = std::atoi(value.substr(0, x).c_str());
    value.erase(0, x + 3);
  }
  if (const auto open = value.rfind(" ("); open != std::string::npos && value.back() == ')') {
    const std::string inside = value.substr(open + 2, value.size() - open - 3);
    int cores = 0, threads = 0;
    if (std::sscanf(inside.c_str(), "%d Cores / %d Threads", &cores, &threads) == 2 ||
        std::sscanf(inside.c_str(), "%d Cores", &cores) == 1) {
      inv.cores = std::max(cores, 0);
      inv.threads = std::max(threads > 0 ? threads : cores, 0);
      value.erase(open);
    }
  }
  if (const auto at = value.find(" @ "); at != std::string::npos) value.erase(at);
  inv.cpu_model = value;
}

// "16GB", "2 x 8 GB DDR4-3200MT/s", "500GB Samsung SSD": the bytes of the leading size
// (binary multiples, as PTS computes them) and what follows it; 0 when there is none.
std::pair<std::uint64_t, std::string> leading_size(std::string_view text) {
  double count = 1;
  std::string_view s = text;
  if (const auto x = s.find(" x ");
      x != std::string_view::npos && x > 0 && s.find_first_not_of("0123456789") == x) {
    count = std::atof(std::string(s.substr(0, x)).c_str());
    s.remove_prefix(x + 3);
  }
  const auto num_end = s.find_first_not_of("0123456789.");
  if (num_end == 0 || num_end == std::string_view::npos) return {0, std::string(text)};
  const double n = std::atof(std::string(s.substr(0, num_end)).c_str());
  std::string_view unit = s.substr(num_end);
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  struct U {
    std::string_view name;
    double bytes;
  };
  constexpr U units[] = {{"TiB", 1099511627776.0}, {"GiB", 1073741824.0}, {"MiB", 1048576.0},
                         {"TB", 1099511627776.0},  {"GB", 1073741824.0},  {"MB", 1048576.0}};
  for (const auto& u : units) {
    if (unit.substr(0, u.name.size()) != u.name) continue;
    std::string_view rest = unit.substr(u.name.size());
    if (!rest.empty() && rest.front() != ' ') continue;
    const double bytes = count * n * u.bytes;
    if (!std::isfinite(bytes) || bytes <= 0 || bytes > 1.8e19) return {0, std::string(text)};
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    return {static_cast<std::uint64_t>(bytes), std::string(rest)};
  }
  return {0, std::string(text)};
}

std::vector<std::string> split_plus(const std::string& value) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (true) {
    const auto plus = value.find(" + ", pos);
    out.push_back(value.substr(pos, plus == std::string::npos ? std::string::npos : plus - pos));
    if (plus == std::string::npos) break;
    pos = plus + 3;
  }
  return out;
}

// A "value (inside)" suffix split off: {"value", "inside"}; inside empty when none.
std::pair<std::string, std::string> paren_suffix(const std::string& value) {
  const auto open = value.rfind(" (");
  if (open == std::string::npos || value.empty() || value.back() != ')') return {value, ""};
  return {value.substr(0, open), value.substr(open + 2, value.size() - open - 3)};
}

// The inventory a PTS system's Hardware and Software strings give, with the keys of
// inventory_to_json, plus the strings themselves as pts_hardware and pts_software.
std::string inventory_of(const PtsSystem& s) {
  Inventory inv;
  for (const auto& [key, value] : pts_components(s.hardware)) {
    if (key == "Processor") {
      read_processor(inv, value);
    } else if (key == "Motherboard") {
      auto [board, inside] = paren_suffix(value);
      const std::string_view bios = " BIOS";
      if (inside.size() > bios.size() && inside.ends_with(bios)) {
        inv.board = board;
        if (inv.bios_version.empty()) inv.bios_version = inside.substr(0, inside.size() - 5);
      } else {
        inv.board = value;
      }
    } else if (key == "BIOS") {
      inv.bios_version = value;
    } else if (key == "Memory" || key == "System Memory") {
      inv.memory_bytes = leading_size(value).first;
    } else if (key == "Disk") {
      for (const auto& d : split_plus(value)) {
        auto [bytes, model] = leading_size(d);
        inv.storage.push_back({"", model.empty() ? d : model, bytes, false});
      }
    } else if (key == "Graphics") {
      for (const auto& g : split_plus(value)) inv.gpus.push_back({"", "", g, "", 0, false});
    }
  }
  for (const auto& [key, value] : pts_components(s.software)) {
    if (key == "OS") {
      inv.os_name = value;
    } else if (key == "Kernel") {
      auto [kernel, arch] = paren_suffix(value);
      inv.kernel = kernel;
      inv.arch = arch;
    } else if (key == "Compiler") {
      inv.compiler = value;
    }
  }
  json::value v = json::parse(inventory_to_json(inv));
  v.as_object()["pts_hardware"] = s.hardware;
  v.as_object()["pts_software"] = s.software;
  return json::serialize(v);
}

std::vector<RunImport> Importer::plan(ImportSummary& summary) {
  // Each system's entries, in the order of the results (one walk over the file's entries:
  // its size, not systems x results, bounds the work).
  std::unordered_map<std::string_view, std::vector<std::pair<const PtsResult*, const PtsEntry*>>>
      by_system;
  for (const auto& r : pts_.results)
    for (const auto& e : r.entries) by_system[e.identifier].emplace_back(&r, &e);
  for (const auto& r : pts_.results)
    if (!r.numeric() && !r.entries.empty())
      summary.skipped.push_back(
          fmt::format("{}: result \"{}\" is a {} result, not one number per system; not imported",
                      where(r.line), r.title.empty() ? r.identifier : r.title, r.display_format));

  std::vector<RunImport> runs;
  for (const auto& s : pts_.systems) {
    const json::object sys_json = object_of(s.json, s.line, "JSON");
    const json::object* bl = nullptr;
    if (const auto* v = sys_json.if_contains(kBenchlabKey); v && v->is_object())
      bl = &v->as_object();

    RunImport run;
    run.system = s.identifier;
    run.inventory = inventory_of(s);
    json::object imported{{"format", "pts"},
                          {"source", source_},
                          {"title", pts_.generated.title},
                          {"test_client", pts_.generated.test_client},
                          {"system", s.identifier},
                          {"timestamp", s.timestamp},
                          {"client_version", s.client_version},
                          {"user", s.user}};
    if (bl) {
      if (const auto* name = bl->if_contains("system")) {
        if (!name->is_string() || name->as_string().empty())
          fail(s.line, fmt::format("<JSON>: {}.system must be a non-empty string", kBenchlabKey));
        run.system = std::string(name->as_string());
      }
      if (const auto* inv = bl->if_contains("inventory")) {
        if (!inv->is_object())
          fail(s.line, fmt::format("<JSON>: {}.inventory must be an object", kBenchlabKey));
        run.inventory = json::serialize(*inv);
      }
      if (const auto* r = bl->if_contains("run")) imported["benchlab_run"] = *r;
    }

    for (const auto& [result, entry] : by_system[s.identifier]) {
      const PtsResult& r = *result;
      const PtsEntry& e = *entry;
      if (!r.numeric()) continue;
      if (!e.number) {
        summary.skipped.push_back(
            fmt::format("{}: system \"{}\" has no value for \"{}\"; not imported", where(e.line),
                        s.identifier, r.title.empty() ? r.identifier : r.title));
        continue;
      }
      const std::vector<double> values = e.raw.empty() ? std::vector<double>{*e.number} : e.raw;
      const json::object entry_json = object_of(e.json, e.line, "JSON");
      const auto wall = run_times(entry_json, values.size());
      const auto* own = entry_json.if_contains(kBenchlabKey);
      if (own && !own->is_object())
        fail(e.line, fmt::format("<JSON>: {} must be an object", kBenchlabKey));
      if (own)
        add_benchlab_entry(run, e, own->as_object(), values, wall);
      else
        add_pts_entry(run, r, values, wall);
    }
    if (run.results.empty()) {
      summary.skipped.push_back(
          fmt::format("{}: system \"{}\" has no numeric result; no run made for it", where(s.line),
                      s.identifier));
      continue;
    }
    for (std::size_t k = 0; k < run.results.size(); ++k)
      run.results[k].plan.seq = static_cast<int>(k);
    // The titles of its PTS results ("C-Ray" of pts/c-ray-1.2.0), for an export back to PTS.
    json::object titles;
    for (const auto& [r, e] : by_system[s.identifier])
      if (r->numeric() && e->number && !r->identifier.empty() && !r->title.empty())
        titles[r->identifier] = r->title;
    if (!titles.empty()) imported["titles"] = std::move(titles);
    run.settings = json::serialize(json::object{{"imported", std::move(imported)}});
    runs.push_back(std::move(run));
  }
  if (runs.empty())
    fail(0, "no system with a numeric result; nothing to import" +
                (summary.skipped.empty() ? std::string() : " (" + summary.skipped.front() + ")"));
  return runs;
}

// The stored inventory of system `name`; empty when there is no such system.
std::optional<std::string> stored_inventory(const Store& store, const std::string& name) {
  Stmt s(store.handle(), "SELECT inventory FROM systems WHERE name = ?1");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

// "composite.xml" says little: PTS keeps each result in a directory of its own name.
std::string display_name(const fs::path& file) {
  const fs::path name = file.filename();
  const fs::path dir = file.parent_path().filename();
  if (name == "composite.xml" && !dir.empty() && dir != "." && dir != "..")
    return (dir / name).string();
  return name.string();
}

// ---------------------------------------------------------------------------------------
// Export

std::string text_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::uint64_t uint_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return 0;
  std::error_code ec;
  const auto n = v->to_number<std::uint64_t>(ec);
  return ec ? 0 : n;
}

std::string gib_text(std::uint64_t bytes) {
  return fmt::format("{}GB",
                     static_cast<std::uint64_t>(std::llround(double(bytes) / 1073741824.0)));
}

// The PTS Hardware and Software strings of a benchlab inventory.
std::pair<std::string, std::string> pts_strings(const json::value& inventory) {
  if (!inventory.is_object()) return {};
  const auto& inv = inventory.as_object();
  std::vector<std::pair<std::string, std::string>> hw, sw;
  std::string cpu = text_of(inv, "cpu_model");
  if (cpu.empty()) cpu = text_of(inv, "cpu_summary");
  const auto sockets = uint_of(inv, "sockets");
  if (!cpu.empty() && sockets > 1) cpu = fmt::format("{} x {}", sockets, cpu);
  const auto cores = uint_of(inv, "cores"), threads = uint_of(inv, "threads");
  if (!cpu.empty() && cores)
    cpu += threads && threads != cores ? fmt::format(" ({} Cores / {} Threads)", cores, threads)
                                       : fmt::format(" ({} Cores)", cores);
  hw.emplace_back("Processor", cpu);
  std::string board = text_of(inv, "board");
  if (board.empty()) board = text_of(inv, "product");
  const std::string bios = text_of(inv, "bios_version");
  if (!board.empty() && !bios.empty()) board += fmt::format(" ({} BIOS)", bios);
  hw.emplace_back("Motherboard", board);
  if (const auto mem = uint_of(inv, "memory_bytes")) hw.emplace_back("Memory", gib_text(mem));
  std::string disks;
  if (const auto* st = inv.if_contains("storage"); st && st->is_array())
    for (const auto& d : st->as_array()) {
      if (!d.is_object()) continue;
      std::string model = text_of(d.as_object(), "model");
      if (model.empty()) model = text_of(d.as_object(), "name");
      if (const auto bytes = uint_of(d.as_object(), "bytes")) model = gib_text(bytes) + " " + model;
      if (!disks.empty()) disks += " + ";
      disks += model;
    }
  hw.emplace_back("Disk", disks);
  std::string gpus;
  if (const auto* g = inv.if_contains("gpus"); g && g->is_array())
    for (const auto& d : g->as_array()) {
      if (!d.is_object() || text_of(d.as_object(), "name").empty()) continue;
      if (!gpus.empty()) gpus += " + ";
      gpus += text_of(d.as_object(), "name");
    }
  hw.emplace_back("Graphics", gpus);
  sw.emplace_back("OS", text_of(inv, "os_name"));
  std::string kernel = text_of(inv, "kernel");
  if (!kernel.empty() && !text_of(inv, "arch").empty())
    kernel += fmt::format(" ({})", text_of(inv, "arch"));
  sw.emplace_back("Kernel", kernel);
  sw.emplace_back("Compiler", text_of(inv, "compiler"));
  return {pts_component_string(hw), pts_component_string(sw)};
}

// "2024-05-01T10:00:00Z" -> "2024-05-01 10:00:00", as PTS writes times.
std::string pts_time(std::string iso) {
  if (iso.size() > 10 && iso[10] == 'T') iso[10] = ' ';
  if (!iso.empty() && iso.back() == 'Z') iso.pop_back();
  return iso;
}

std::string now_pts() {
  return fmt::format("{:%Y-%m-%d %H:%M:%S}",
                     std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

json::array options_pairs(const OptionList& options) {
  json::array a;
  for (const auto& [k, v] : options) a.push_back(json::array{json::value(k), json::value(v)});
  return a;
}

}  // namespace

ImportSummary import_pts(Store& store, const PtsResultFile& pts, const std::string& file_name,
                         const std::string& source) {
  ImportSummary summary;
  summary.source = source;
  std::vector<RunImport> runs = Importer(pts, file_name, source).plan(summary);

  Transaction tx(store.handle());
  std::set<std::string> made_here, systems;
  for (const auto& run : runs) {
    // A system the store already knows keeps the inventory benchlab measured; one this
    // import makes gets the file's (the latest of its runs).
    std::string system_inventory = run.inventory;
    if (!made_here.count(run.system)) {
      if (auto stored = stored_inventory(store, run.system))
        system_inventory = std::move(*stored);
      else
        made_here.insert(run.system);
    }
    const std::int64_t system_id = store.upsert_system(run.system, system_inventory);
    systems.insert(run.system);
    std::vector<ResultPlan> plans;
    std::vector<std::vector<MetricDecl>> metrics;
    for (const auto& r : run.results) {
      plans.push_back(r.plan);
      metrics.push_back(r.metrics);
    }
    const std::int64_t run_id = store.create_planned_run(
        system_id, source, run.settings, run.inventory, BENCHLAB_VERSION, plans, metrics);
    const auto rows = store.results(run_id);
    if (rows.size() != run.results.size())
      throw StoreError(fmt::format("run {}: {} results stored of {} planned", run_id, rows.size(),
                                   run.results.size()));
    for (std::size_t k = 0; k < rows.size(); ++k) {
      for (const auto& [idx, t] : run.results[k].trials) {
        TrialRecord rec;
        rec.idx = idx;
        rec.ok = true;
        rec.wall_ns = t.wall_ns;
        rec.values = t.values;
        store.add_trial(rows[k].id, rec);
        ++summary.trials;
      }
      store.set_result_status(rows[k].id, "ok", "");
      ++summary.results;
    }
    store.set_run_status(run_id, "complete", true);
    store.set_run_source(run_id, source);
    summary.run_ids.push_back(run_id);
    ++summary.runs;
  }
  tx.commit();
  summary.systems = systems.size();
  return summary;
}

ImportSummary import_pts(Store& store, const fs::path& file) {
  const PtsResultFile pts = load_pts_composite(file);
  return import_pts(store, pts, file.string(), "pts: " + display_name(file));
}

PtsResultFile pts_from_store(const Store& store, const std::vector<std::int64_t>& run_ids) {
  std::vector<RunRow> runs;
  if (run_ids.empty()) {
    std::map<std::string, RunRow> latest;
    for (auto& r : store.runs()) latest[r.system] = r;  // runs() is in id order
    for (auto& [name, r] : latest) runs.push_back(std::move(r));
    std::sort(runs.begin(), runs.end(),
              [](const RunRow& a, const RunRow& b) { return a.id < b.id; });
  } else {
    std::set<std::int64_t> seen;
    for (const auto id : run_ids) {
      if (!seen.insert(id).second) continue;
      auto r = store.run(id);
      if (!r)
        throw PtsError(fmt::format("{}: there is no run {}; `benchlab results` lists the runs",
                                   store.path().string(), id));
      runs.push_back(std::move(*r));
    }
  }
  if (runs.empty())
    throw PtsError(fmt::format("{}: the store holds no run to export", store.path().string()));

  PtsResultFile out;
  out.generated.title = "benchlab results";
  out.generated.last_modified = now_pts();
  out.generated.test_client = std::string("benchlab ") + BENCHLAB_VERSION;
  std::string ids;
  for (const auto& r : runs) ids += (ids.empty() ? "" : ", ") + std::to_string(r.id);
  out.generated.description =
      fmt::format("{} benchlab run{} ({})", runs.size(), runs.size() == 1 ? "" : "s", ids);

  std::map<std::string, int> per_system;
  for (const auto& r : runs) ++per_system[r.system];
  std::set<std::string> identifiers;
  // Each (test, options, metric, unit) a Result; a test run twice in one run with the same
  // options fills a second Result (a Result holds one Entry per system).
  std::map<std::string, std::vector<std::size_t>> slots;

  for (const auto& run : runs) {
    std::string id =
        per_system[run.system] > 1 ? fmt::format("{} (run {})", run.system, run.id) : run.system;
    for (int k = 2; identifiers.count(id); ++k) id = fmt::format("{} #{}", id, k);
    identifiers.insert(id);

    const json::value inventory = parse_stored_json(run.inventory_json);
    const json::value settings = parse_stored_json(run.settings_json);
    // A run imported from PTS: when it was measured and the titles of its tests.
    json::object imported;
    if (settings.is_object())
      if (const auto* i = settings.as_object().if_contains("imported"); i && i->is_object())
        imported = i->as_object();
    PtsSystem sys;
    sys.identifier = id;
    std::tie(sys.hardware, sys.software) = pts_strings(inventory);
    sys.timestamp = run.source.empty() || text_of(imported, "timestamp").empty()
                        ? pts_time(run.started_at)
                        : text_of(imported, "timestamp");
    sys.client_version = "benchlab " + run.version;
    sys.notes = fmt::format("benchlab run {} ({}), {}", run.id, run.uuid, run.status);
    if (!run.source.empty()) sys.notes += ", imported from " + run.source;
    json::object bl_run{{"id", run.id},
                        {"uuid", run.uuid},
                        {"started_at", run.started_at},
                        {"finished_at", run.finished_at},
                        {"status", run.status},
                        {"targets", run.targets},
                        {"benchlab_version", run.version}};
    if (!run.source.empty()) bl_run["source"] = run.source;
    sys.json = json::serialize(json::object{
        {kBenchlabKey,
         json::object{
             {"system", run.system},
             {"inventory", inventory.is_object() ? inventory : json::value(json::object{})},
             {"run", std::move(bl_run)}}}});
    out.systems.push_back(std::move(sys));

    std::map<std::string, std::size_t> occurrence;
    for (const auto& r : store.results(run.id)) {
      const auto trials = store.trials(r.id);
      const std::string options = options_to_text(r.options);
      for (const auto& m : r.metrics) {
        if (is_derived_metric(m.name)) continue;
        std::vector<double> values;
        json::array indexes;
        std::string times;
        bool all_timed = true;
        for (const auto& t : trials) {
          if (t.warmup || !t.ok) continue;
          for (const auto& [name, x] : t.values) {
            if (name != m.name || !std::isfinite(x)) continue;
            values.push_back(x);
            indexes.push_back(t.idx);
            all_timed = all_timed && t.wall_ns > 0;
            times += (times.empty() ? "" : ":") + pts_number(double(t.wall_ns) / 1e9);
            break;
          }
        }
        if (values.empty()) continue;  // cannot_run, failed: no entry for this system

        const std::string key =
            fmt::format("{}\x1f{}\x1f{}\x1f{}", r.test, options, m.name, m.unit);
        const std::size_t k = occurrence[key]++;
        auto& slot = slots[key];
        if (k >= slot.size()) {
          PtsResult pr;
          if (r.plugin == kPlugin) {
            // Imported from PTS: its own identifier, arguments and description again, so
            // that PTS merges it with the results it has of the same test.
            pr.identifier = r.test;
            pr.title = r.test;
            if (const auto* titles = imported.if_contains("titles"); titles && titles->is_object())
              if (const auto* title = titles->as_object().if_contains(r.test);
                  title && title->is_string())
                pr.title = std::string(title->as_string());
            for (const auto& [name, value] : r.options) {
              if (name == "arguments") pr.arguments = value;
              if (name == "description") pr.description = value;
            }
            if (pr.description.empty()) pr.description = m.description;
          } else {
            pr.identifier = "benchlab/" + r.test;
            pr.title = r.test;
            pr.arguments = options;
            pr.description = options.empty() ? m.name : options + " - " + m.name;
          }
          pr.app_version = r.plugin_version;
          pr.scale = m.unit;
          pr.proportion = m.direction > 0 ? "HIB" : "LIB";
          pr.display_format = "BAR_GRAPH";
          slot.push_back(out.results.size());
          out.results.push_back(std::move(pr));
        }
        PtsEntry e;
        e.identifier = id;
        e.number = summarize(values).mean;
        e.value = pts_number(*e.number);
        for (const double x : values) {
          e.raw_string += (e.raw_string.empty() ? "" : ":") + pts_number(x);
          e.raw.push_back(x);
        }
        json::object entry_json{{kBenchlabKey, json::object{{"result", r.seq},
                                                            {"test", r.test},
                                                            {"plugin", r.plugin},
                                                            {"plugin_version", r.plugin_version},
                                                            {"category", r.category},
                                                            {"options", options_pairs(r.options)},
                                                            {"metric", m.name},
                                                            {"unit", m.unit},
                                                            {"direction", m.direction > 0 ? 1 : -1},
                                                            {"description", m.description},
                                                            {"trials", std::move(indexes)}}}};
        if (all_timed) entry_json[kRunTimesKey] = times;
        e.json = json::serialize(entry_json);
        out.results[slot[k]].entries.push_back(std::move(e));
      }
    }
  }
  return out;
}

fs::path export_pts(const Store& store, const std::vector<std::int64_t>& run_ids,
                    const fs::path& dir) {
  const std::string xml = write_pts_composite(pts_from_store(store, run_ids));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw PtsError(fmt::format("{}: cannot create the directory: {}", dir.string(), ec.message()));
  const fs::path target = dir / "composite.xml";
  std::string temp = (dir / ".composite.xml.XXXXXX").string();
  const int fd = mkstemp(temp.data());
  if (fd < 0)
    throw PtsError(
        fmt::format("{}: cannot write in the directory: {}", dir.string(), std::strerror(errno)));
  const auto give_up = [&](const char* what) {
    const int err = errno;
    close(fd);
    unlink(temp.c_str());
    throw PtsError(fmt::format("{}: {}: {}", target.string(), what, std::strerror(err)));
  };
  fchmod(fd, 0644);
  for (std::size_t done = 0; done < xml.size();) {
    const ssize_t n = write(fd, xml.data() + done, xml.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) give_up("write error");
    done += static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0) give_up("cannot flush to disk");
  if (close(fd) != 0) {
    const int err = errno;
    unlink(temp.c_str());
    throw PtsError(fmt::format("{}: write error: {}", target.string(), std::strerror(err)));
  }
  if (rename(temp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    unlink(temp.c_str());
    throw PtsError(
        fmt::format("{}: cannot rename {} to it: {}", target.string(), temp, std::strerror(err)));
  }
  return target;
}

}  // namespace benchlab
