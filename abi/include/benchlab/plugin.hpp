// SPDX-License-Identifier: MIT
/*
 * benchlab plugin SDK for C++: header-only glue over plugin.h (C++17 or later).
 *
 * Optional. plugin.h stays the specification and the only thing that crosses the
 * boundary; this header adds no symbol, type or rule to the ABI. It holds the C++ every
 * workload repeated: an exception guard for entry points, typed option readers, a
 * std::string wrapper around host->spawn, a metric report that fails on refusal, the
 * entry points for an instance type and the descriptor with its ABI check.
 *
 * Rules (normative for this header):
 *  - Everything is inline in namespace benchlab::sdk, with hidden visibility where the
 *    compiler supports it: a plugin exports nothing from here, and two plugins built
 *    against different versions of this header cannot clash.
 *  - Exceptions thrown here are sdk::failure (or std::bad_alloc). They must not leave
 *    the plugin: every entry point runs its body in guarded() (entry_points does that),
 *    which turns them into a status and host->set_error().
 *  - Texts that are "templates" have {name}-style fields replaced as each type says;
 *    an unknown field stays as written. They are plain static strings.
 *  - Thread tags as in plugin.h: [main] = the thread the host called the entry point
 *    on; [any] = any thread.
 */
#ifndef BENCHLAB_PLUGIN_HPP
#define BENCHLAB_PLUGIN_HPP

#include <benchlab/plugin.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__GNUC__)
#define BENCHLAB_SDK_HIDDEN __attribute__((visibility("hidden")))
#else
#define BENCHLAB_SDK_HIDDEN
#endif

namespace benchlab {
namespace sdk BENCHLAB_SDK_HIDDEN {

/* ---- Failures: throw them anywhere inside an entry point wrapped by guarded() ---- */

// A status other than BL_OK with its reason (the set_error text).
class failure : public std::runtime_error {
 public:
  // [any] `status` is a BL_* code; `reason` says what, where and what to do.
  failure(int32_t status, const std::string& reason)
      : std::runtime_error(reason), status_(status) {}
  // [any] The status guarded() returns for this failure.
  int32_t status() const noexcept { return status_; }

 private:
  int32_t status_;
};

// This machine or these options cannot run the workload: BL_CANNOT_RUN, not a failure.
class cannot_run : public failure {
 public:
  // [any] `reason` names what is missing and how to get it.
  explicit cannot_run(const std::string& reason) : failure(BL_CANNOT_RUN, reason) {}
};

// An option value the plugin cannot use: BL_INVALID_ARGUMENT.
class invalid_option : public failure {
 public:
  // [any] `reason` names the option and the values it takes.
  explicit invalid_option(const std::string& reason) : failure(BL_INVALID_ARGUMENT, reason) {}
};

/* ---- The guard every entry point runs in ---- */

// How guarded() reports exceptions that carry no status: set_error texts (static strings)
// and, for a plugin whose libraries throw their own types (a "cannot run" that must not
// depend on plugin.h), the status of such an exception.
struct guard_texts {
  const char* out_of_memory = "out of memory";  // std::bad_alloc
  const char* unknown = "unknown exception";    // anything not derived from std::exception
  const char* prefix = "";  // put before what() of std::exceptions other than sdk::failure
  // [main] The status of a std::exception that is neither sdk::failure nor bad_alloc, or
  // BL_OK to leave it to the rules of guarded(). A status other than BL_OK is returned
  // with what() as the text, unprefixed, as for a failure. Null: always BL_OK.
  int32_t (*status_of)(const std::exception& e) noexcept = nullptr;
};

// The texts guarded() uses when given none.
inline constexpr guard_texts default_guard_texts{};

namespace detail {

// [any] set_error(prefix + what), falling back to `what` alone when memory is short.
inline void set_prefixed_error(const bl_host* host, const char* prefix, const char* what) noexcept {
  if (*prefix == '\0') return host->set_error(host, what);
  try {
    host->set_error(host, (std::string(prefix) + what).c_str());
  } catch (...) {
    host->set_error(host, what);
  }
}

// [main] texts.status_of(e), after set_error(what) when it is not BL_OK; BL_OK when null.
inline int32_t own_status(const bl_host* host, const guard_texts& texts,
                          const std::exception& e) noexcept {
  const int32_t status = texts.status_of != nullptr ? texts.status_of(e) : BL_OK;
  if (status != BL_OK) host->set_error(host, e.what());
  return status;
}

}  // namespace detail

// [main] (or the thread of the entry point it wraps) Returns body()'s BL_* status; what it
// throws becomes a status plus host->set_error(): failure → its status, bad_alloc →
// BL_NO_MEMORY, then texts.status_of's answer when not BL_OK, then an ENOMEM system_error
// → BL_NO_MEMORY, anything else → BL_ERROR. Never throws.
template <class Body>
int32_t guarded(const bl_host* host, const guard_texts& texts, Body&& body) noexcept {
  try {
    return std::forward<Body>(body)();
  } catch (const failure& e) {
    host->set_error(host, e.what());
    return e.status();
  } catch (const std::bad_alloc&) {
    host->set_error(host, texts.out_of_memory);
    return BL_NO_MEMORY;
  } catch (const std::system_error& e) {  // mmap, threads, files: ENOMEM is no bug
    if (const int32_t status = detail::own_status(host, texts, e); status != BL_OK) return status;
    detail::set_prefixed_error(host, texts.prefix, e.what());
    return e.code() == std::errc::not_enough_memory ? BL_NO_MEMORY : BL_ERROR;
  } catch (const std::exception& e) {
    if (const int32_t status = detail::own_status(host, texts, e); status != BL_OK) return status;
    detail::set_prefixed_error(host, texts.prefix, e.what());
    return BL_ERROR;
  } catch (...) {
    host->set_error(host, texts.unknown);
    return BL_ERROR;
  }
}

// [main] guarded() with default_guard_texts.
template <class Body>
int32_t guarded(const bl_host* host, Body&& body) noexcept {
  return guarded(host, default_guard_texts, std::forward<Body>(body));
}

/* ---- The workload's entry points for an instance type ---- */

// The instance of a plugin that keeps nothing but the host between its calls.
struct host_instance {
  const bl_host* host = nullptr;
};

// The size of a bl_host table that holds everything up to and including `member`'s
// field: what entry_points' MinHostSize wants for a plugin that calls that function.
#define BENCHLAB_SDK_HOST_SIZE_THROUGH(member) (offsetof(bl_host, member) + sizeof(bl_host::member))

// The host table of ABI 1.0 (up to get_extension) and of 1.1 (up to append_error_output).
inline constexpr std::size_t host_size_1_0 = BENCHLAB_SDK_HOST_SIZE_THROUGH(get_extension);
inline constexpr std::size_t host_size_1_1 = BENCHLAB_SDK_HOST_SIZE_THROUGH(append_error_output);

// bl_workload's function pointers for `Instance`, which has a member `const bl_host*
// host`: an aggregate (host set, the rest value-initialized) or a class constructed from
// the host pointer. A host whose struct_size is below MinHostSize (e.g. host_size_1_1 for
// a plugin that uses parse_streams) is refused with BL_UNSUPPORTED, with a message when
// its table holds set_error.
template <class Instance, const guard_texts& Texts = default_guard_texts,
          std::size_t MinHostSize = 0>
struct entry_points {
  // [main] create: *out_instance = a new Instance; NULL arguments are BL_INVALID_ARGUMENT,
  // a throwing constructor is handled as guarded() does. *out_instance is NULL on failure.
  static int32_t create(const bl_host* host, void** out_instance) noexcept {
    if (out_instance == nullptr) return BL_INVALID_ARGUMENT;
    *out_instance = nullptr;
    if (host == nullptr) return BL_INVALID_ARGUMENT;
    if (host->struct_size < MinHostSize) {
      if (host->struct_size >= BENCHLAB_SDK_HOST_SIZE_THROUGH(set_error) &&
          host->set_error != nullptr) {
        char why[160];
        std::snprintf(why, sizeof why,
                      "the host's function table (plugin ABI %u.%u, %u bytes) is older than "
                      "this plugin needs: update benchlab",
                      static_cast<unsigned>(host->abi_major),
                      static_cast<unsigned>(host->abi_minor),
                      static_cast<unsigned>(host->struct_size));
        host->set_error(host, why);
      }
      return BL_UNSUPPORTED;
    }
    return guarded(host, Texts, [&]() -> int32_t {
      if constexpr (std::is_aggregate_v<Instance>) {
        auto made = std::make_unique<Instance>();
        made->host = host;
        *out_instance = made.release();
      } else {
        *out_instance = std::make_unique<Instance>(host).release();
      }
      return BL_OK;
    });
  }
  // [main] destroy: deletes what create() made; destroy(NULL) is a no-op.
  static void destroy(void* instance) noexcept {
    const std::unique_ptr<Instance> owned(static_cast<Instance*>(instance));
  }
  // [main] setup, run or teardown: returns Fn(instance) inside guarded().
  template <int32_t (*Fn)(Instance&)>
  static int32_t call(void* instance) noexcept {
    Instance& self = *static_cast<Instance*>(instance);
    return guarded(self.host, Texts, [&] { return Fn(self); });
  }
  // [main] setup, run or teardown of a plugin that needs only the host: Fn(host), guarded.
  template <int32_t (*Fn)(const bl_host*)>
  static int32_t call(void* instance) noexcept {
    const bl_host* host = static_cast<Instance*>(instance)->host;
    return guarded(host, Texts, [&] { return Fn(host); });
  }
  // [main] parse: Fn(instance, the raw output, which lives for the call), guarded.
  template <int32_t (*Fn)(Instance&, std::string_view)>
  static int32_t parse(void* instance, const char* output, std::size_t size) noexcept {
    Instance& self = *static_cast<Instance*>(instance);
    const std::string_view raw = output != nullptr ? std::string_view(output, size) : "";
    return guarded(self.host, Texts, [&] { return Fn(self, raw); });
  }
  // [main] parse_streams (ABI 1.1): Fn(instance, the trial's output, its error output),
  // both living for the call, guarded. NULL pointers read as empty texts.
  template <int32_t (*Fn)(Instance&, std::string_view out, std::string_view err)>
  static int32_t parse_streams(void* instance, const char* out, std::size_t out_size,
                               const char* err, std::size_t err_size) noexcept {
    Instance& self = *static_cast<Instance*>(instance);
    const std::string_view out_text = out != nullptr ? std::string_view(out, out_size) : "";
    const std::string_view err_text = err != nullptr ? std::string_view(err, err_size) : "";
    return guarded(self.host, Texts, [&] { return Fn(self, out_text, err_text); });
  }
};

/* ---- The trial's raw output ---- */

// [any] True when the host offers the ABI 1.1 error output: bl_host.append_error_output,
// BL_SPAWN_STDERR_TO_ERROR_OUTPUT and bl_workload.parse_streams. A 1.0 host has none of
// them; its table ends before append_error_output.
inline bool has_error_output(const bl_host* host) noexcept {
  return host->struct_size >= host_size_1_1 && host->append_error_output != nullptr;
}

// [main] host->append_output(); a refusal throws failure(BL_ERROR): the trial would be
// parsed without what it printed.
inline void append_output(const bl_host* host, std::string_view text) {
  if (host->append_output(host, text.data(), text.size()) != BL_OK)
    throw failure(BL_ERROR, "the host refused the trial's output");
}

// [main] host->append_error_output() (ABI 1.1), or failure(BL_UNSUPPORTED) from a host
// without it (see has_error_output); a refusal throws failure(BL_ERROR).
inline void append_error_output(const bl_host* host, std::string_view text) {
  if (!has_error_output(host))
    throw failure(BL_UNSUPPORTED,
                  std::string("the host speaks plugin ABI 1.")
                      .append(std::to_string(host->abi_minor))
                      .append(", which has no error output; this plugin needs 1.1 or later"));
  if (host->append_error_output(host, text.data(), text.size()) != BL_OK)
    throw failure(BL_ERROR, "the host refused the trial's error output");
}

/* ---- Metrics ---- */

// [main] host->report_metric(), but a refusal (a name the descriptor does not declare, a
// phase that takes no metrics) throws failure(BL_ERROR) naming the metric: a plugin bug
// that must fail the trial rather than leave it without its value.
inline void report_metric(const bl_host* host, const char* name, double value) {
  if (host->report_metric(host, name, value) != BL_OK)
    throw failure(BL_ERROR, std::string("the host refused the metric ").append(name));
}

/* ---- The descriptor ---- */

// [any] A workload plugin's descriptor: struct_size, this header's ABI version and the
// kind filled in, no extensions. Every pointer must live as long as the plugin (static).
constexpr bl_plugin workload_plugin(const char* id, const char* version, const char* description,
                                    const char* vendor, const bl_workload& workload) noexcept {
  bl_plugin plugin{};
  plugin.struct_size = sizeof(bl_plugin);
  plugin.abi_major = BL_ABI_MAJOR;
  plugin.abi_minor = BL_ABI_MINOR;
  plugin.kind = BL_KIND_WORKLOAD;
  plugin.id = id;
  plugin.version = version;
  plugin.description = description;
  plugin.vendor = vendor;
  plugin.workload = &workload;
  return plugin;
}

// [main] What benchlab_plugin_entry returns: `plugin` when the host's range of majors
// holds the one it was built for, else NULL (the host then refuses it).
constexpr const bl_plugin* offer(const bl_plugin& plugin, uint32_t host_abi_major_min,
                                 uint32_t host_abi_major_max) noexcept {
  if (plugin.abi_major < host_abi_major_min || plugin.abi_major > host_abi_major_max)
    return nullptr;
  return &plugin;
}

/* ---- Text helpers ---- */

namespace detail {

// [any] `text` with every {key} or {key:spec} that `lookup(key, spec)` answers replaced;
// other braces stay as written.
template <class Lookup>
std::string fill(std::string_view text, Lookup&& lookup) {
  std::string out;
  std::size_t at = 0;
  for (;;) {
    const std::size_t open = text.find('{', at);
    const std::size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) break;
    const std::string_view field = text.substr(open + 1, close - open - 1);
    const std::size_t colon = field.find(':');
    const std::optional<std::string> value =
        lookup(field.substr(0, colon),
               colon == std::string_view::npos ? std::string_view() : field.substr(colon + 1));
    out.append(text.substr(at, open - at));
    out.append(value ? std::string_view(*value) : text.substr(open, close - open + 1));
    at = close + 1;
  }
  out.append(text.substr(at));
  return out;
}

// [any] `value` printed with the printf conversion `spec` ("f", ".2f", "g", "e"...): only
// an optional precision and one of eEfFgG are accepted, anything else prints as "g".
inline std::string format_double(double value, std::string_view spec) {
  // The conversion is built in a char array: `"%" + std::string(spec)` trips g++ 12's
  // -Wrestrict false positive at -O3 (GCC bug 105329) in every plugin that includes this.
  char format[8] = "%g";  // '%', at most ".99", one letter, NUL
  std::size_t i = 0;
  if (i < spec.size() && spec[i] == '.') {
    ++i;
    while (i < spec.size() && i < 3 && spec[i] >= '0' && spec[i] <= '9') ++i;
  }
  if (i + 1 == spec.size() && std::string_view("eEfFgG").find(spec[i]) != std::string_view::npos) {
    spec.copy(format + 1, spec.size());
    format[1 + spec.size()] = '\0';
  }
  char text[512];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

}  // namespace detail

// [any] argv joined by single spaces, unquoted: a command as a message shows it.
inline std::string command_text(const std::vector<std::string>& argv) {
  std::string text;
  for (const std::string& arg : argv) {
    if (!text.empty()) text += ' ';
    text += arg;
  }
  return text;
}

// [any] The last `count` lines of `text` (trailing newlines dropped), as they stand.
inline std::string last_lines(std::string_view text, std::size_t count) {
  if (count == 0) return {};
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t start = text.size();
  for (std::size_t lines = 0; start > 0; --start)
    if (text[start - 1] == '\n' && ++lines == count) break;
  return std::string(text.substr(start));
}

/* ---- Options ---- */

// How option errors read: templates with {name}, {value}, {min}, {max} (a float reader
// takes a printf conversion, {min:.1f}; default %g) and {allowed} (enum values joined by
// ", "). Null members use the reader's default text.
struct option_texts {
  const char* invalid = nullptr;  // a value the reader refuses
  const char* missing = nullptr;  // unset without default; null: read as "" and refused
};

namespace detail {

// [any] invalid_option with `text` filled in; bounds and allowed values as strings.
[[noreturn]] inline void refuse(const char* text, const char* name, std::string_view value,
                                const std::string& min, const std::string& max,
                                const std::string& allowed, std::optional<double> fmin = {},
                                std::optional<double> fmax = {}) {
  throw invalid_option(
      fill(text, [&](std::string_view key, std::string_view spec) -> std::optional<std::string> {
        if (key == "name") return std::string(name);
        if (key == "value") return std::string(value);
        if (key == "min") return fmin ? format_double(*fmin, spec) : min;
        if (key == "max") return fmax ? format_double(*fmax, spec) : max;
        if (key == "allowed") return allowed;
        return std::nullopt;
      }));
}

// [main] The option's text for a typed reader: throws `texts.missing` when unset.
inline std::string_view typed_option(const bl_host* host, const char* name,
                                     const option_texts& texts) {
  const char* value = host->option(host, name);
  if (value == nullptr && texts.missing != nullptr) refuse(texts.missing, name, "", "", "", "");
  return value != nullptr ? std::string_view(value) : std::string_view();
}

}  // namespace detail

// [main] The option's value (its default when not set), or nullopt when unset and
// without default. Copied: it outlives the phase.
inline std::optional<std::string> option(const bl_host* host, const char* name) {
  const char* value = host->option(host, name);
  return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
}

// [main] The option's value (its default when not set), or "" when there is none.
inline std::string option_string(const bl_host* host, const char* name) {
  const char* value = host->option(host, name);
  return value != nullptr ? value : "";
}

// [main] Every value of a (BL_OPTION_REPEATED) option, in order; empty when none.
inline std::vector<std::string> option_values(const bl_host* host, const char* name) {
  std::vector<std::string> values;
  for (uint32_t i = 0, n = host->option_count(host, name); i < n; ++i)
    if (const char* value = host->option_at(host, name, i)) values.emplace_back(value);
  return values;
}

// [main] A decimal integer option within [min, max]; throws invalid_option otherwise
// (default text: "option N is 'V': give an integer from MIN to MAX").
inline std::int64_t option_int(const bl_host* host, const char* name, std::int64_t min,
                               std::int64_t max, const option_texts& texts = {}) {
  const std::string_view value = detail::typed_option(host, name, texts);
  std::int64_t parsed = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || parsed < min ||
      parsed > max)
    detail::refuse(texts.invalid ? texts.invalid
                                 : "option {name} is '{value}': give an integer from {min} to "
                                   "{max}",
                   name, value, std::to_string(min), std::to_string(max), "");
  return parsed;
}

// [main] A decimal floating-point option within [min, max] (strtod in the worker's C
// locale; NaN is refused); throws invalid_option otherwise.
inline double option_float(const bl_host* host, const char* name, double min, double max,
                           const option_texts& texts = {}) {
  const std::string value(detail::typed_option(host, name, texts));
  char* end = nullptr;
  const double parsed = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !(parsed >= min && parsed <= max))
    detail::refuse(texts.invalid ? texts.invalid
                                 : "option {name} is '{value}': give a number from {min} to {max}",
                   name, value, "", "", "", min, max);
  return parsed;
}

// [main] A BL_OPTION_BOOL option, "true" or "false"; throws invalid_option otherwise.
inline bool option_bool(const bl_host* host, const char* name, const option_texts& texts = {}) {
  const std::string_view value = detail::typed_option(host, name, texts);
  if (value == "true") return true;
  if (value == "false") return false;
  detail::refuse(texts.invalid ? texts.invalid : "option {name} is '{value}': give true or false",
                 name, value, "", "", "");
}

// [main] The position of an enum option's value in `allowed` (NULL-terminated, the
// descriptor's list); throws invalid_option when it is none of them.
inline std::size_t option_enum(const bl_host* host, const char* name, const char* const* allowed,
                               const option_texts& texts = {}) {
  const std::string_view value = detail::typed_option(host, name, texts);
  std::string listed;
  for (std::size_t i = 0; allowed != nullptr && allowed[i] != nullptr; ++i) {
    if (value == allowed[i]) return i;
    listed.append(i == 0 ? "" : ", ").append(allowed[i]);
  }
  detail::refuse(
      texts.invalid ? texts.invalid : "option {name} is '{value}': give one of {allowed}", name,
      value, "", "", listed);
}

/* ---- Programs run through host->spawn ---- */

// A program for host->spawn. Empty env, cwd and stdin_path stand for the ABI's NULL.
struct spawn_request {
  std::vector<std::string> argv{};  // not empty; argv[0] without '/' is searched on PATH
  std::vector<std::string> env{};   // "NAME=VALUE" on top of the worker's environment
  std::string cwd{};                // empty: the scratch directory
  std::uint64_t timeout_ms = 0;     // 0: only the phase's timeout applies
  std::string stdin_path{};         // empty: /dev/null
  std::uint32_t flags = 0;          // BL_SPAWN_*
};

// What host->spawn reported, the output copied out of the host's buffers (which the
// next spawn reuses): valid as long as the object.
struct spawn_result {
  int32_t status = BL_ERROR;  // host->spawn's: BL_OK when started and waited for
  int32_t exit_code = 0;      // exit status, or -1 when killed by a signal
  int32_t term_signal = 0;
  bool timed_out = false;
  bool truncated = false;  // output beyond the host's capture limit was dropped
  std::uint64_t wall_ns = 0, user_ns = 0, sys_ns = 0, max_rss_bytes = 0;
  std::string out{}, err{};

  // [any] Started, waited for, exited with status 0 and not killed by a signal.
  bool succeeded() const noexcept { return status == BL_OK && exit_code == 0 && term_signal == 0; }
  // [any] What it said about a failure: stderr, or stdout when stderr is empty.
  const std::string& said() const noexcept { return err.empty() ? out : err; }
};

// [main] Runs the program through host->spawn and waits for it, whatever the status (see
// .status). Throws only bad_alloc.
inline spawn_result spawn(const bl_host* host, const spawn_request& request) {
  std::vector<const char*> argv;
  for (const std::string& arg : request.argv) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  std::vector<const char*> env;
  for (const std::string& entry : request.env) env.push_back(entry.c_str());
  env.push_back(nullptr);

  bl_spawn req{};
  req.struct_size = sizeof req;
  req.argv = argv.data();
  req.env = request.env.empty() ? nullptr : env.data();
  req.cwd = request.cwd.empty() ? nullptr : request.cwd.c_str();
  req.timeout_ms = request.timeout_ms;
  req.stdin_path = request.stdin_path.empty() ? nullptr : request.stdin_path.c_str();
  req.flags = request.flags;
  bl_spawn_result res{};
  res.struct_size = sizeof res;

  spawn_result result;
  result.status = host->spawn(host, &req, &res);
  result.exit_code = res.exit_code;
  result.term_signal = res.term_signal;
  result.timed_out = res.timed_out != 0;
  result.truncated = res.truncated != 0;
  result.wall_ns = res.wall_ns;
  result.user_ns = res.user_ns;
  result.sys_ns = res.sys_ns;
  result.max_rss_bytes = res.max_rss_bytes;
  if (res.out != nullptr) result.out.assign(res.out, res.out_size);
  if (res.err != nullptr) result.err.assign(res.err, res.err_size);
  return result;
}

// Texts for spawn_checked(): templates with {command} (command_text of argv), {program}
// (argv[0]) and {hint}.
struct spawn_texts {
  const char* cancelled = "{command}: cancelled";  // BL_CANCELLED
  const char* timed_out = "{command}: timed out";  // BL_TIMEOUT
  const char* not_started =                        // anything else: BL_CANNOT_RUN
      "cannot start '{program}': is it installed and on PATH?";
  const char* hint = "";  // how to get what is missing, e.g. "apt-get install ffmpeg"
};

// [main] spawn(), but unless the program was started and waited for, throws failure:
// BL_CANCELLED, BL_TIMEOUT, or BL_CANNOT_RUN when it could not be started. The exit
// status is the caller's to judge (require_success).
inline spawn_result spawn_checked(const bl_host* host, const spawn_request& request,
                                  const spawn_texts& texts = {}) {
  spawn_result result = spawn(host, request);
  if (result.status == BL_OK) return result;
  const auto fields = [&](std::string_view key, std::string_view) -> std::optional<std::string> {
    if (key == "command") return command_text(request.argv);
    if (key == "program") return request.argv.empty() ? std::string() : request.argv.front();
    if (key == "hint") return std::string(texts.hint);
    return std::nullopt;
  };
  if (result.status == BL_CANCELLED)
    throw failure(BL_CANCELLED, detail::fill(texts.cancelled, fields));
  if (result.status == BL_TIMEOUT) throw failure(BL_TIMEOUT, detail::fill(texts.timed_out, fields));
  throw cannot_run(detail::fill(texts.not_started, fields));
}

// [any] How it ended: "exit status 2", "signal 9", or "cancelled", "timed out", "not
// started" when it did not run to its end.
inline std::string exit_text(const spawn_result& result) {
  if (result.status == BL_CANCELLED) return "cancelled";
  if (result.status == BL_TIMEOUT) return "timed out";
  if (result.status != BL_OK) return "not started";
  if (result.term_signal != 0)
    return std::string("signal ").append(std::to_string(result.term_signal));
  return std::string("exit status ").append(std::to_string(result.exit_code));
}

// The last lines of a text, for require_success(): last_lines or one of the plugin's own.
using tail_function = std::string (*)(std::string_view text, std::size_t count);

// [any] Throws failure(BL_ERROR) unless result.succeeded(): "WHAT failed (EXIT)", then
// ": ADVICE" when given, then "; its last lines:\n" and tail(said(), lines) unless empty.
inline void require_success(const spawn_result& result, std::string_view what,
                            std::string_view advice = {}, std::size_t lines = 15,
                            tail_function tail = &last_lines) {
  if (result.succeeded()) return;
  std::string reason(what);
  reason.append(" failed (").append(exit_text(result)).append(")");
  if (!advice.empty()) reason.append(": ").append(advice);
  const std::string said = tail(result.said(), lines);
  if (!said.empty()) reason.append("; its last lines:\n").append(said);
  throw failure(BL_ERROR, reason);
}

}  // namespace BENCHLAB_SDK_HIDDEN
}  // namespace benchlab

#undef BENCHLAB_SDK_HIDDEN
#undef BENCHLAB_SDK_HOST_SIZE_THROUGH

#endif /* BENCHLAB_PLUGIN_HPP */
