/* SPDX-License-Identifier: MIT */
// The byte protocol between benchlab-worker and the core: length-prefixed frames, from the
// worker and its phase processes on the worker's stdout (the plugin's own stdout is
// redirected to stderr before it loads), and the core's commands on the worker's stdin.
//
// frame   = u32 payload_size (little endian) , u8 type , payload
// string  = u32 size , bytes        f64 = IEEE 754 binary64, little endian
// The core treats everything as untrusted input: sizes are bounded and every field is
// checked, so a plugin writing garbage on fd 1 yields a protocol error, never a crash.
//
// The sampler worker (benchlab-worker --probe, core/worker/probe_sampler.h) speaks the
// same frames on the same two channels: hello, probe_open, samples, log, probe_error
// out; sample_now and stop in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "probe_channel.h"

namespace benchlab::protocol {

inline constexpr std::uint32_t kMaxPayload = 1u << 20;  // 1 MiB; output is sent in chunks

enum class Type : std::uint8_t {
  // worker -> core, once per worker, when the plugin is loaded
  hello = 1,  // u32 abi_major, u32 abi_minor, string id, string version
  // phase process -> core, while a phase runs
  log = 2,             // i32 level, string text
  declare_metric = 3,  // string name, string unit, i32 direction
  metric = 4,          // string name, f64 value
  progress = 5,        // f64 fraction, string note
  output = 6,          // bytes (the rest of the payload)
  window = 7,          // u64 begin_ns, u64 end_ns: CLOCK_MONOTONIC around run()
  done = 8,            // i32 status (BL_*), string message
  error_output = 13,   // bytes: the second raw stream (append_error_output)
  // core -> worker, on the worker's stdin
  run_phase = 9,  // i32 phase (BL_PHASE_*), u32 trial, u64 timeout_ns, u64 kill_grace_ns
  stop = 10,      // (empty) stop the running phase now, as at its timeout
  // worker -> core, around each phase
  phase_process = 11,  // i32 pid, string cgroup ("" none): the process the next phase runs
                       // in, forked and waiting (it leads its own process group)
  phase_end = 12,      // i32 exit_code, i32 term_signal, u32 flags (1 timed out, 2 cancelled),
                       // u64 start_ns, wall_ns, user_ns, sys_ns, max_rss_bytes,
                       // memory_peak_bytes, oom_kills, string containment
  // sampler worker -> core, once, after the probe's open(): i32 status (BL_*), string
  // message, u32 n, n x channel, u32 m, m x device, where
  //   channel = string id, string label, i32 quantity, i32 domain, i32 kind,
  //             f64 counter_range, string parent, string device, f64 limit
  //   device  = string id, i32 kind, u32 flags (1 unified memory), string name,
  //             string driver, u64 memory_total_bytes
  probe_open = 14,
  // sampler worker -> core, at least every 250 ms while rows wait, and empty every
  // 500 ms as a heartbeat: u32 channels, u64 skipped (cumulative ticks skipped because
  // sample() was still running), u64 cpu_ns (the worker's own user+sys time so far),
  // u32 rows, rows x (u64 t_ns, channels x f64)
  samples = 15,
  // core -> sampler worker: take one sample as soon as sample() is free (empty)
  sample_now = 16,
  // sampler worker -> core, right before it exits on its own: string message
  probe_error = 17,
  // phase process -> core, during run(): string name, u64 t_ns (benchlab/ext/mark.h)
  mark = 18,
  // phase process -> core, during run() or parse(): string name, u32 n, n x f64, many
  // values of one metric (benchlab/ext/values.h); a long report comes as several frames
  // of at most kMaxValuesPerFrame values, in order
  values = 19,
  // phase process -> core, during setup(): i32 kind (BL_REQ_*), string name, u64 amount,
  // string hint: a requirement the workload computed (benchlab/ext/requirements.h)
  requirement = 20,
  // phase process -> core, during setup() or run(): string name, string version, string
  // path ("" unknown): a program the workload wraps (benchlab/ext/programs.h)
  program = 21,
};

// Values in one values frame: the frame stays well under kMaxPayload.
inline constexpr std::uint32_t kMaxValuesPerFrame = 65536;

struct Hello {
  std::uint32_t abi_major, abi_minor;
  std::string id, version;
};
struct Log {
  std::int32_t level;
  std::string text;
};
struct DeclareMetric {
  std::string name, unit;
  std::int32_t direction;
};
struct Metric {
  std::string name;
  double value;
};
struct Progress {
  double fraction;
  std::string note;
};
struct Output {
  std::string bytes;
};
struct Window {
  std::uint64_t begin_ns, end_ns;
};
struct Done {
  std::int32_t status;
  std::string message;
};
struct ErrorOutput {
  std::string bytes;
};
struct RunPhase {
  std::int32_t phase;
  std::uint32_t trial;
  std::uint64_t timeout_ns, kill_grace_ns;
};
struct Stop {};
struct PhaseProcess {
  std::int32_t pid;
  std::string cgroup;
};
// How the phase's process ended, from wait4(), and what held it.
struct PhaseEnd {
  std::int32_t exit_code = -1;  // or -1 when ended by a signal
  std::int32_t term_signal = 0;
  bool timed_out = false, cancelled = false;
  std::uint64_t start_ns = 0, wall_ns = 0, user_ns = 0, sys_ns = 0, max_rss_bytes = 0;
  std::uint64_t memory_peak_bytes = 0;  // the phase cgroup's memory.peak; 0 when unknown
  std::uint64_t oom_kills = 0;          // memory.events oom_kill of the phase cgroup
  std::string containment;              // "cgroup" or "subreaper"
};

// What a probe's open() said, and on success its channels and devices (the `probe`
// fields are left empty: the core knows which probe it asked).
struct ProbeOpen {
  std::int32_t status = 0;
  std::string message;
  std::vector<ChannelInfo> channels;
  std::vector<DeviceInfo> devices;
};
// A batch of sample rows; each row has `channel_count` values (NaN: no reading).
struct Samples {
  std::uint32_t channel_count = 0;
  std::uint64_t skipped = 0, cpu_ns = 0;
  std::vector<SampleRow> rows;
};
struct SampleNow {};
struct ProbeError {
  std::string message;
};
struct Mark {
  std::string name;
  std::uint64_t t_ns;
};
struct Values {
  std::string name;
  std::vector<double> values;
};
struct Requirement {
  std::int32_t kind = 0;
  std::string name;
  std::uint64_t amount = 0;
  std::string hint;
};

struct Program {
  std::string name, version, path;  // path "" when unknown
};

using Message = std::variant<Hello, Log, DeclareMetric, Metric, Progress, Output, Window, Done,
                             ErrorOutput, RunPhase, Stop, PhaseProcess, PhaseEnd, ProbeOpen,
                             Samples, SampleNow, ProbeError, Mark, Values, Requirement, Program>;

// The size of a samples frame's payload with `rows` rows of `channels` values.
constexpr std::size_t samples_payload_size(std::size_t channels, std::size_t rows) {
  return 4 + 8 + 8 + 4 + rows * (8 + 8 * channels);
}

// Serialise one message as a complete frame.
std::string encode(const Message& m);

// Incremental decoder: feed() bytes as they arrive, next() yields complete messages.
// A malformed frame sets error() and stops decoding for good.
class Decoder {
 public:
  void feed(std::string_view bytes);
  std::optional<Message> next();
  const std::string& error() const { return error_; }
  // Bytes received but not yet part of a complete frame.
  std::size_t pending() const { return buf_.size() - pos_; }

 private:
  std::string buf_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace benchlab::protocol
