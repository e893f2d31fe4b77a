// SPDX-License-Identifier: MIT
// hello: the smallest useful workload plugin in C++. It counts the primes up to `limit`
// with a sieve of Eratosthenes and reports the count as its metric `primes`, so that a
// run shows the option arriving and the computed value coming back (a real benchmark
// reports a time or a rate instead: see ../plugin-c).
#include <benchlab/plugin.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace {

namespace sdk = benchlab::sdk;

constexpr std::int64_t kMaxLimit = 4'000'000'000;

// The number of primes p <= limit. Checks for cancellation every 2^20 numbers, so that a
// huge limit still stops within about 100 ms when the host asks it to.
std::int64_t count_primes(const bl_host* host, std::int64_t limit) {
  if (limit < 2) return 0;
  std::vector<bool> composite(static_cast<std::size_t>(limit) + 1, false);
  std::int64_t count = 0;
  for (std::int64_t n = 2; n <= limit; ++n) {
    if ((n & 0xfffff) == 0 && host->is_cancelled(host) != 0)
      throw sdk::failure(BL_CANCELLED, "hello: cancelled while counting primes");
    if (composite[static_cast<std::size_t>(n)]) continue;
    ++count;
    for (std::int64_t m = n * n; m <= limit; m += n) composite[static_cast<std::size_t>(m)] = true;
  }
  return count;
}

// One trial. sdk::option_int checks the value against the bounds and throws
// sdk::invalid_option with a readable message; Entry::call turns any exception into a
// status and host->set_error(), so nothing crosses the C ABI.
int32_t run(const bl_host* host) {
  const std::int64_t limit = sdk::option_int(host, "limit", 0, kMaxLimit);
  const std::int64_t primes = count_primes(host, limit);
  const std::string line =
      "primes up to " + std::to_string(limit) + ": " + std::to_string(primes) + "\n";
  sdk::append_output(host, line);  // stored with the trial, for people reading it later
  sdk::report_metric(host, "primes", static_cast<double>(primes));
  return BL_OK;
}

constexpr sdk::guard_texts kGuard{.out_of_memory = "hello: out of memory; choose a smaller limit",
                                  .unknown = "hello: unknown exception"};
using Entry = sdk::entry_points<sdk::host_instance, kGuard>;

const bl_option_desc kOptions[] = {
    {.struct_size = sizeof(bl_option_desc),
     .name = "limit",
     .type = BL_OPTION_INT,
     .flags = 0,
     .default_value = "1000000",
     .allowed = nullptr,
     .min_value = 0,
     .max_value = static_cast<double>(kMaxLimit),
     .description = "count the primes up to this number"},
};

const bl_metric_desc kMetrics[] = {
    {.struct_size = sizeof(bl_metric_desc),
     .name = "primes",
     .unit = "primes",
     .direction = BL_HIGHER_IS_BETTER,
     .description = "the number of primes up to limit",
     .flags = 0},
};

const bl_workload kWorkload = {
    .struct_size = sizeof(bl_workload),
    .flags = 0,
    .option_count = 1,
    .options = kOptions,
    .metric_count = 1,
    .metrics = kMetrics,
    .requirement_count = 0,
    .requirements = nullptr,
    .create = Entry::create,
    .destroy = Entry::destroy,
    .setup = nullptr,
    .run = Entry::call<run>,
    .parse = nullptr,
    .teardown = nullptr,
    .parse_streams = nullptr,
};

constexpr bl_plugin kPlugin =
    sdk::workload_plugin("hello", "1.0.0", "counts the primes up to a limit (example plugin)",
                         "benchlab examples", kWorkload);

}  // namespace

// The one exported symbol: the descriptor when the host speaks this plugin's ABI major.
extern "C" BL_EXPORT const bl_plugin* benchlab_plugin_entry(uint32_t host_abi_major_min,
                                                            uint32_t host_abi_major_max) {
  return sdk::offer(kPlugin, host_abi_major_min, host_abi_major_max);
}
