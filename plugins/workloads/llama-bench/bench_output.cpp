// SPDX-License-Identifier: MIT
// Reading llama-bench's JSON with Boost.JSON: fields are taken by name, so the fields
// newer builds add (n_depth, cpu_strict, ...) and older builds lack are both fine.
#include "bench_output.hpp"

#include <boost/json.hpp>
#include <cmath>

namespace llama_bench {
namespace json = boost::json;

namespace {

std::string excerpt(std::string_view text) {
  std::string out(text.substr(0, 120));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = ' ';
  return out + (text.size() > 120 ? "..." : "");
}

double number(const json::object& o, const char* key, std::size_t index, bool required = true) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) {
    if (!required) return NAN;
    throw BenchOutputError("llama-bench's test " + std::to_string(index) + " has no numeric " +
                           key);
  }
  const double d = v->to_number<double>();
  if (!std::isfinite(d) || d < 0)
    throw BenchOutputError("llama-bench's test " + std::to_string(index) + ": " + key + " is " +
                           json::serialize(*v));
  return d;
}

std::string text(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

std::vector<BenchTest> parse_bench_output(std::string_view out) {
  // llama-bench prints only the JSON to stdout; anything before the array (a warning some
  // builds print there) is skipped.
  const std::size_t start = out.find('[');
  if (start == std::string_view::npos)
    throw BenchOutputError("llama-bench printed no JSON array: '" + excerpt(out) + "'");
  json::error_code ec;
  const json::value doc =
      json::parse(json::string_view(out.data() + start, out.size() - start), ec);
  if (ec)
    throw BenchOutputError("llama-bench's JSON is malformed (" + ec.message() + "): '" +
                           excerpt(out.substr(start)) + "'");
  if (!doc.is_array()) throw BenchOutputError("llama-bench's JSON is not an array of tests");

  std::vector<BenchTest> tests;
  std::size_t index = 0;
  for (const json::value& item : doc.as_array()) {
    if (!item.is_object())
      throw BenchOutputError("llama-bench's test " + std::to_string(index) + " is not an object");
    const json::object& o = item.as_object();
    BenchTest t;
    t.n_prompt = static_cast<std::uint64_t>(number(o, "n_prompt", index));
    t.n_gen = static_cast<std::uint64_t>(number(o, "n_gen", index));
    const double depth = number(o, "n_depth", index, false);
    t.n_depth = std::isnan(depth) ? 0 : static_cast<std::uint64_t>(depth);
    t.avg_ts = number(o, "avg_ts", index);
    t.stddev_ts = number(o, "stddev_ts", index);
    if (const json::value* samples = o.if_contains("samples_ts"); samples && samples->is_array())
      for (const json::value& s : samples->as_array()) {
        if (!s.is_number() || !std::isfinite(s.to_number<double>()))
          throw BenchOutputError("llama-bench's test " + std::to_string(index) +
                                 ": samples_ts holds " + json::serialize(s));
        t.samples_ts.push_back(s.to_number<double>());
      }
    t.build_commit = text(o, "build_commit");
    t.backends = text(o, "backends");
    t.model_type = text(o, "model_type");
    t.gpu_info = text(o, "gpu_info");
    if (const json::value* v = o.if_contains("build_number"); v && v->is_int64())
      t.build_number = v->as_int64();
    if (const json::value* v = o.if_contains("n_gpu_layers"); v && v->is_int64())
      t.n_gpu_layers = v->as_int64();
    tests.push_back(std::move(t));
    ++index;
  }
  return tests;
}

const BenchTest* find_test(const std::vector<BenchTest>& tests, std::uint64_t n_prompt,
                           std::uint64_t n_gen) {
  for (const BenchTest& t : tests)
    if (t.n_prompt == n_prompt && t.n_gen == n_gen && t.n_depth == 0) return &t;
  return nullptr;
}

std::string test_name(std::uint64_t n_prompt, std::uint64_t n_gen) {
  if (n_gen == 0) return "pp" + std::to_string(n_prompt);
  if (n_prompt == 0) return "tg" + std::to_string(n_gen);
  return "pp" + std::to_string(n_prompt) + "+tg" + std::to_string(n_gen);
}

}  // namespace llama_bench
