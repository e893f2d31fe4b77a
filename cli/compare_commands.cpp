// SPDX-License-Identifier: MIT
#include "compare_commands.h"

#include <fmt/format.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace benchlab_cli {

namespace {

// A finite number >= min (or > min when `strict`) and <= max.
CLI::Validator amount(double min, bool strict, double max, std::string what) {
  return CLI::Validator(
      [=](std::string& s) -> std::string {
        char* end = nullptr;
        errno = 0;
        const double v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v) || errno == ERANGE)
          return fmt::format("'{}' is not a finite number", s);
        if ((strict ? v <= min : v < min) || v > max)
          return fmt::format("must be {}, not {}", what, s);
        return {};
      },
      "X");
}

std::vector<const char*> c_strings(const std::vector<std::string>& v) {
  std::vector<const char*> out;
  for (const auto& s : v) out.push_back(s.c_str());
  out.push_back(nullptr);
  return out;
}

// The report's format from its file name.
std::optional<int32_t> report_format(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".html" || ext == ".htm") return BENCHLAB_FORMAT_HTML;
  if (ext == ".md" || ext == ".markdown") return BENCHLAB_FORMAT_REPORT_MARKDOWN;
  if (ext == ".json") return BENCHLAB_FORMAT_JSON;
  return std::nullopt;
}

int32_t compare_format(const std::string& f) {
  if (f == "md") return BENCHLAB_FORMAT_MARKDOWN;
  if (f == "csv") return BENCHLAB_FORMAT_CSV;
  if (f == "json") return BENCHLAB_FORMAT_JSON;
  return BENCHLAB_FORMAT_TABLE;
}

// Writes `text` to `path` through a temporary file in the same directory, renamed over it,
// so a reader never sees half a report.
bool write_file(const std::string& path, const std::string& text, std::string& err) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      err = fmt::format("cannot write {}: {}", path, std::strerror(errno));
      return false;
    }
    out << text;
    out.close();
    if (!out) {
      err = fmt::format("cannot write {}: {}", path, std::strerror(errno));
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    err = fmt::format("cannot write {}: {}", path, std::strerror(errno));
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

// Opens a read-only context on the first store (or the default) and compares.
int compare_text(const Common& common, const CompareArgs& a, int32_t format, std::string& text) {
  Common c = common;
  if (!a.dbs.empty()) c.db = a.dbs.front();
  int rc = 0;
  benchlab_ctx* ctx = open_ctx(c, StoreUse::read, rc, true);
  if (!ctx) return rc;
  const auto dbs = c_strings(a.dbs);
  const auto prices = c_strings(a.prices);
  benchlab_compare_request req{};
  req.struct_size = sizeof req;
  req.baseline = a.baseline.empty() ? nullptr : a.baseline.c_str();
  req.db_paths = a.dbs.empty() ? nullptr : dbs.data();
  req.format = format;
  req.prices = prices.data();
  req.cloud_rate_usd_h = a.cloud_rate;
  req.hours_per_day = a.hours_per_day;
  req.electricity_usd_kwh = a.electricity;
  req.title = a.title.empty() ? nullptr : a.title.c_str();
  char* out = nullptr;
  const int32_t r = benchlab_compare(ctx, &req, &out);
  if (r == BENCHLAB_OK) text = out;
  benchlab_free(out);
  if (r != BENCHLAB_OK) rc = error(r);
  benchlab_close(ctx);
  return rc;
}

int cmd_compare(const Common& common, const CompareArgs& a) {
  std::string text;
  if (int rc = compare_text(common, a, compare_format(a.format), text)) return rc;
  fmt::print("{}", text);
  if (!text.empty() && text.back() != '\n') fmt::print("\n");
  return 0;
}

int cmd_report(const Common& common, const CompareArgs& a) {
  const auto format = report_format(a.output);
  if (!format) {
    fmt::print(stderr, "benchlab report: -o {}: name a .html, .md or .json file\n", a.output);
    return kExitUsage;
  }
  std::string text, err;
  if (int rc = compare_text(common, a, *format, text)) return rc;
  if (!write_file(a.output, text, err)) {
    fmt::print(stderr, "benchlab: {}\n", err);
    return kExitError;
  }
  fmt::print("Wrote {}\n", a.output);
  return 0;
}

std::string money(double v) { return std::fabs(v) >= 100 ? grouped(v) : fmt::format("{:.2f}", v); }

void print_tco(const boost::json::object& t) {
  auto num = [&](const char* k) { return t.at(k).is_null() ? NAN : t.at(k).to_number<double>(); };
  fmt::print(
      "Cost of ownership: a USD {} machine against a cloud instance at USD {:.2f}/h, {} h a "
      "day\n",
      grouped(num("price_usd")), num("cloud_rate_usd_h"), num("hours_per_day"));
  fmt::print("  Cloud:        USD {}/day, {}/week, {}/month (730 h)\n", money(num("cloud_per_day")),
             grouped(num("cloud_per_week")), grouped(num("cloud_per_month")));
  if (t.at("electricity_usd_kwh").is_null()) {
    fmt::print("  Electricity:  not counted (--electricity USD_PER_KWH counts it)\n");
  } else {
    fmt::print("  Electricity:  USD {:.2f}/day at {:.0f} W ({}) and USD {}/kWh\n",
               num("electricity_per_day"), num("power_w"),
               std::string(t.at("power_source").as_string()), num("electricity_usd_kwh"));
  }
  if (t.at("breakeven_days").is_null()) {
    fmt::print("  Breakeven:    never: running the machine costs as much as the cloud\n");
  } else {
    const double d = num("breakeven_days");
    fmt::print("  Breakeven:    {} days ({:.1f}): buying costs less than renting after that\n",
               grouped(d), d);
  }
}

int cmd_tco(const Common& common, const TcoArgs& a) {
  // A store is read only for measured wall power.
  const bool measured = a.electricity > 0 && a.power == 0;
  int rc = 0;
  benchlab_ctx* ctx = open_ctx(common, measured ? StoreUse::read : StoreUse::none, rc, true);
  if (!ctx) return rc;
  benchlab_tco_request req{};
  req.struct_size = sizeof req;
  req.price_usd = a.price;
  req.cloud_rate_usd_h = a.cloud_rate;
  req.hours_per_day = a.hours_per_day;
  req.electricity_usd_kwh = a.electricity;
  req.power_w = a.power;
  req.system = a.system.empty() ? nullptr : a.system.c_str();
  char* out = nullptr;
  const int32_t r = benchlab_tco_json(ctx, &req, &out);
  if (r != BENCHLAB_OK) {
    rc = error(r);
  } else if (a.json) {
    fmt::print("{}\n", out);
  } else {
    print_tco(boost::json::parse(out).as_object());
  }
  benchlab_free(out);
  benchlab_close(ctx);
  return rc;
}

int cmd_export(const Common& common, const PtsArgs& a) {
  int rc = 0;
  benchlab_ctx* ctx = open_ctx(common, StoreUse::read, rc, true);
  if (!ctx) return rc;
  char* path = nullptr;
  const int32_t r = benchlab_export_pts(ctx, a.runs.data(), static_cast<uint32_t>(a.runs.size()),
                                        a.dir.c_str(), &path);
  if (r != BENCHLAB_OK)
    rc = error(r);
  else
    fmt::print("Wrote {}\n", path);
  benchlab_free(path);
  benchlab_close(ctx);
  return rc;
}

int cmd_import(const Common& common, const PtsArgs& a) {
  int rc = 0;
  benchlab_ctx* ctx = open_ctx(common, StoreUse::write, rc, true);
  if (!ctx) return rc;
  char* summary = nullptr;
  const int32_t r = benchlab_import_pts(ctx, a.file.c_str(), &summary);
  if (r != BENCHLAB_OK) {
    rc = error(r);
  } else {
    const auto s = boost::json::parse(summary).as_object();
    std::string runs;
    for (const auto& id : s.at("runs").as_array())
      runs += (runs.empty() ? "" : ", ") + std::to_string(id.to_number<int64_t>());
    fmt::print("Imported {} systems, {} results, {} trials from {} as run{} {} in {}\n",
               s.at("systems").to_number<int64_t>(), s.at("results").to_number<int64_t>(),
               s.at("trials").to_number<int64_t>(), a.file,
               s.at("runs").as_array().size() == 1 ? "" : "s", runs, benchlab_db_path(ctx));
    for (const auto& line : s.at("skipped").as_array())
      fmt::print("  not imported: {}\n", std::string(line.as_string()));
  }
  benchlab_free(summary);
  benchlab_close(ctx);
  return rc;
}

void add_comparison_options(CLI::App* sub, CompareArgs& a) {
  sub->add_option("--db", a.dbs,
                  "SQLite results file to read (repeatable: several stores compare as one; "
                  "default: $XDG_DATA_HOME/benchlab/results.db)")
      ->type_name("FILE");
  sub->add_option("--baseline", a.baseline,
                  "System every ratio is relative to (default: the system of the newest run)")
      ->type_name("SYSTEM");
}

void add_price_options(CLI::App* sub, CompareArgs& a) {
  sub->add_option("--price", a.prices,
                  "Purchase price of a system, for the cost-of-ownership section (repeatable)")
      ->type_name("SYSTEM=USD");
  sub->add_option("--cloud-rate", a.cloud_rate, "Cloud instance price to compare with")
      ->type_name("USD_PER_H")
      ->check(amount(0, true, 1e9, "above 0"));
  sub->add_option("--hours-per-day", a.hours_per_day, "Hours a day the work runs (default 24)")
      ->type_name("H")
      ->check(amount(0, true, 24, "above 0 and at most 24"));
  sub->add_option("--electricity", a.electricity,
                  "Electricity price: counts each system's measured wall power")
      ->type_name("USD_PER_KWH")
      ->check(amount(0, false, 1e6, "0 or more"));
}

}  // namespace

std::string grouped(double value) {
  const double r = std::round(value);
  if (!std::isfinite(r) || std::fabs(r) >= 1e18) return fmt::format("{}", value);
  std::string digits = fmt::format("{}", static_cast<long long>(std::fabs(r)));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return (r < 0 ? "-" : "") + digits;
}

void add_compare_commands(CLI::App& app, CompareCommands& c, Common& common) {
  c.compare = app.add_subcommand(
      "compare", "Compare systems: every result as a ratio to a baseline system, with its 95% CI");
  add_comparison_options(c.compare, c.compare_args);
  c.compare->add_option("--format", c.compare_args.format, "table (default), md, csv or json")
      ->check(CLI::IsMember({"table", "md", "csv", "json"}));
  c.compare->footer(
      "Ratios are direction-aware: above 1.00x the system did better than the baseline (a "
      "shorter time is >1x). \"≈\": the 95% interval includes 1.00x. Geometric means per "
      "category use each result's first metric. docs/compare.md");

  c.report = app.add_subcommand(
      "report", "Write the comparison report: one self-contained HTML page, Markdown or JSON");
  add_comparison_options(c.report, c.report_args);
  c.report->add_option("-o,--output", c.report_args.output, "The file: .html, .md or .json")
      ->type_name("FILE")
      ->required();
  c.report->add_option("--title", c.report_args.title, "Title of the page")->type_name("TEXT");
  add_price_options(c.report, c.report_args);

  auto& t = c.tco_args;
  c.tco = app.add_subcommand(
      "tco", "Cost of ownership: days until buying a machine costs less than renting the cloud");
  c.tco->add_option("--price", t.price, "Purchase price of the machine")
      ->type_name("USD")
      ->required()
      ->check(amount(0, true, 1e12, "above 0"));
  c.tco->add_option("--cloud-rate", t.cloud_rate, "Cloud instance price")
      ->type_name("USD_PER_H")
      ->required()
      ->check(amount(0, true, 1e9, "above 0"));
  c.tco->add_option("--hours-per-day", t.hours_per_day, "Hours a day the work runs (default 24)")
      ->type_name("H")
      ->check(amount(0, true, 24, "above 0 and at most 24"));
  c.tco
      ->add_option("--electricity", t.electricity,
                   "Electricity price; the machine's power is --power, else its measured mean "
                   "wall power in the store")
      ->type_name("USD_PER_KWH")
      ->check(amount(0, false, 1e6, "0 or more"));
  c.tco->add_option("--power", t.power, "The machine's mean power draw")
      ->type_name("W")
      ->check(amount(0, true, 1e7, "above 0"));
  c.tco
      ->add_option("--system", t.system,
                   "Whose measured wall power (default: the system of the newest run)")
      ->type_name("SYSTEM");
  c.tco->add_flag("--json", t.json, "As JSON");
  c.tco->add_option("--db", common.db, "SQLite results file with measured wall power")
      ->type_name("FILE");

  c.exporter = app.add_subcommand(
      "export", "Write stored runs as a Phoronix Test Suite result file (composite.xml)");
  c.exporter->add_option("--pts", c.pts_args.dir, "Directory to write composite.xml into")
      ->type_name("DIR")
      ->required();
  c.exporter
      ->add_option("--run", c.pts_args.runs,
                   "Run to export (repeatable; default: the "
                   "latest run of each system)")
      ->type_name("RUN_ID")
      ->check(CLI::PositiveNumber);
  c.exporter->add_option("--db", common.db, "SQLite results file to read")->type_name("FILE");

  c.importer = app.add_subcommand(
      "import", "Read a Phoronix Test Suite result file into the store, as imported runs");
  c.importer->add_option("--pts", c.pts_args.file, "The composite.xml to read")
      ->type_name("FILE")
      ->required();
  c.importer->add_option("--db", common.db, "SQLite results file, created if new")
      ->type_name("FILE");
}

int run_compare_commands(const CompareCommands& c, const Common& common) {
  if (*c.compare) return cmd_compare(common, c.compare_args);
  if (*c.report) return cmd_report(common, c.report_args);
  if (*c.tco) return cmd_tco(common, c.tco_args);
  if (*c.exporter) return cmd_export(common, c.pts_args);
  if (*c.importer) return cmd_import(common, c.pts_args);
  return -1;
}

}  // namespace benchlab_cli
