// SPDX-License-Identifier: MIT
#include "worker_protocol.h"

#include <bit>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace benchlab::protocol {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the frame format is little endian; add byte swapping for this target");

class Writer {
 public:
  void u32(std::uint32_t v) { raw(&v, sizeof v); }
  void i32(std::int32_t v) { raw(&v, sizeof v); }
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  void bytes(std::string_view s) { out_.append(s); }
  std::string frame(Type t) const {
    std::string f;
    auto n = static_cast<std::uint32_t>(out_.size());
    f.append(reinterpret_cast<const char*>(&n), sizeof n);
    f.push_back(static_cast<char>(t));
    f.append(out_);
    return f;
  }

 private:
  void raw(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Reader {
 public:
  explicit Reader(std::string_view p) : p_(p) {}
  std::uint32_t u32() { return pod<std::uint32_t>(); }
  std::int32_t i32() { return pod<std::int32_t>(); }
  std::uint64_t u64() { return pod<std::uint64_t>(); }
  double f64() { return pod<double>(); }
  std::string str() {
    std::uint32_t n = u32();
    if (n > p_.size()) throw Malformed("string longer than its frame");
    std::string s(p_.substr(0, n));
    p_.remove_prefix(n);
    return s;
  }
  std::string rest() {
    std::string s(p_);
    p_ = {};
    return s;
  }
  void end() const {
    if (!p_.empty()) throw Malformed("trailing bytes in frame");
  }
  std::size_t remaining() const { return p_.size(); }
  // A count of elements each at least `min_bytes` long: refused when the rest of the
  // frame cannot hold them, before anything is allocated for them.
  std::uint32_t count(std::size_t min_bytes, const char* what) {
    const std::uint32_t n = u32();
    if (n > p_.size() / min_bytes) throw Malformed(std::string(what) + " count exceeds its frame");
    return n;
  }

 private:
  template <class T>
  T pod() {
    if (p_.size() < sizeof(T)) throw Malformed("frame too short");
    T v;
    std::memcpy(&v, p_.data(), sizeof v);
    p_.remove_prefix(sizeof v);
    return v;
  }
  std::string_view p_;
};

Message decode_payload(Type t, std::string_view payload) {
  Reader r(payload);
  Message m;
  switch (t) {
    case Type::hello: {
      Hello h;
      h.abi_major = r.u32();
      h.abi_minor = r.u32();
      h.id = r.str();
      h.version = r.str();
      m = std::move(h);
      break;
    }
    case Type::log: {
      Log l;
      l.level = r.i32();
      l.text = r.str();
      m = std::move(l);
      break;
    }
    case Type::declare_metric: {
      DeclareMetric d;
      d.name = r.str();
      d.unit = r.str();
      d.direction = r.i32();
      m = std::move(d);
      break;
    }
    case Type::metric: {
      Metric x;
      x.name = r.str();
      x.value = r.f64();
      m = std::move(x);
      break;
    }
    case Type::progress: {
      Progress p;
      p.fraction = r.f64();
      p.note = r.str();
      m = std::move(p);
      break;
    }
    case Type::output:
      m = Output{r.rest()};
      break;
    case Type::window: {
      Window w;
      w.begin_ns = r.u64();
      w.end_ns = r.u64();
      m = w;
      break;
    }
    case Type::done: {
      Done d;
      d.status = r.i32();
      d.message = r.str();
      m = std::move(d);
      break;
    }
    case Type::error_output:
      m = ErrorOutput{r.rest()};
      break;
    case Type::run_phase: {
      RunPhase c;
      c.phase = r.i32();
      c.trial = r.u32();
      c.timeout_ns = r.u64();
      c.kill_grace_ns = r.u64();
      m = c;
      break;
    }
    case Type::stop:
      m = Stop{};
      break;
    case Type::phase_process: {
      PhaseProcess p;
      p.pid = r.i32();
      p.cgroup = r.str();
      m = std::move(p);
      break;
    }
    case Type::phase_end: {
      PhaseEnd e;
      e.exit_code = r.i32();
      e.term_signal = r.i32();
      const std::uint32_t flags = r.u32();
      if (flags & ~3u) throw Malformed("unknown phase_end flags");
      e.timed_out = flags & 1u;
      e.cancelled = flags & 2u;
      e.start_ns = r.u64();
      e.wall_ns = r.u64();
      e.user_ns = r.u64();
      e.sys_ns = r.u64();
      e.max_rss_bytes = r.u64();
      e.memory_peak_bytes = r.u64();
      e.oom_kills = r.u64();
      e.containment = r.str();
      m = std::move(e);
      break;
    }
    case Type::probe_open: {
      ProbeOpen o;
      o.status = r.i32();
      o.message = r.str();
      // the smallest channel: four empty strings, three i32, two f64
      for (std::uint32_t n = r.count(4 * 4 + 3 * 4 + 2 * 8, "channel"); n > 0; --n) {
        ChannelInfo c;
        c.id = r.str();
        c.label = r.str();
        c.quantity = r.i32();
        c.domain = r.i32();
        c.kind = r.i32();
        c.counter_range = r.f64();
        c.parent = r.str();
        c.device = r.str();
        c.limit = r.f64();
        o.channels.push_back(std::move(c));
      }
      for (std::uint32_t n = r.count(3 * 4 + 2 * 4 + 8, "device"); n > 0; --n) {
        DeviceInfo d;
        d.id = r.str();
        d.kind = r.i32();
        const std::uint32_t flags = r.u32();
        if (flags & ~1u) throw Malformed("unknown device flags");
        d.unified = flags & 1u;
        d.name = r.str();
        d.driver = r.str();
        d.memory_total_bytes = r.u64();
        o.devices.push_back(std::move(d));
      }
      m = std::move(o);
      break;
    }
    case Type::samples: {
      Samples b;
      b.channel_count = r.u32();
      b.skipped = r.u64();
      b.cpu_ns = r.u64();
      const std::uint32_t rows = r.u32();
      // Checked before allocating: exactly the rows the header announces, no more.
      const std::uint64_t row_bytes = 8 + 8 * std::uint64_t(b.channel_count);
      if (row_bytes * rows != r.remaining())
        throw Malformed("samples frame size does not match its rows and channels");
      b.rows.resize(rows);
      for (auto& row : b.rows) {
        row.t_ns = r.u64();
        row.values.resize(b.channel_count);
        for (double& v : row.values) v = r.f64();
      }
      m = std::move(b);
      break;
    }
    case Type::sample_now:
      m = SampleNow{};
      break;
    case Type::probe_error:
      m = ProbeError{r.str()};
      break;
    case Type::mark: {
      Mark k;
      k.name = r.str();
      k.t_ns = r.u64();
      m = std::move(k);
      break;
    }
    case Type::values: {
      Values v;
      v.name = r.str();
      const std::uint32_t n = r.u32();
      // Checked before allocating: exactly the values the header announces.
      if (n > kMaxValuesPerFrame || std::uint64_t(n) * 8 != r.remaining())
        throw Malformed("values frame size does not match its count");
      v.values.resize(n);
      for (double& x : v.values) x = r.f64();
      m = std::move(v);
      break;
    }
    case Type::requirement: {
      Requirement q;
      q.kind = r.i32();
      q.name = r.str();
      q.amount = r.u64();
      q.hint = r.str();
      m = std::move(q);
      break;
    }
    case Type::program: {
      Program p;
      p.name = r.str();
      p.version = r.str();
      p.path = r.str();
      m = std::move(p);
      break;
    }
    default:
      throw Malformed("unknown frame type " + std::to_string(static_cast<int>(t)));
  }
  r.end();
  return m;
}

}  // namespace

std::string encode(const Message& m) {
  Writer w;
  Type t = std::visit(
      [&w](const auto& x) -> Type {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Hello>) {
          w.u32(x.abi_major);
          w.u32(x.abi_minor);
          w.str(x.id);
          w.str(x.version);
          return Type::hello;
        } else if constexpr (std::is_same_v<T, Log>) {
          w.i32(x.level);
          w.str(x.text);
          return Type::log;
        } else if constexpr (std::is_same_v<T, DeclareMetric>) {
          w.str(x.name);
          w.str(x.unit);
          w.i32(x.direction);
          return Type::declare_metric;
        } else if constexpr (std::is_same_v<T, Metric>) {
          w.str(x.name);
          w.f64(x.value);
          return Type::metric;
        } else if constexpr (std::is_same_v<T, Progress>) {
          w.f64(x.fraction);
          w.str(x.note);
          return Type::progress;
        } else if constexpr (std::is_same_v<T, Output>) {
          w.bytes(x.bytes);
          return Type::output;
        } else if constexpr (std::is_same_v<T, Window>) {
          w.u64(x.begin_ns);
          w.u64(x.end_ns);
          return Type::window;
        } else if constexpr (std::is_same_v<T, Done>) {
          w.i32(x.status);
          w.str(x.message);
          return Type::done;
        } else if constexpr (std::is_same_v<T, ErrorOutput>) {
          w.bytes(x.bytes);
          return Type::error_output;
        } else if constexpr (std::is_same_v<T, RunPhase>) {
          w.i32(x.phase);
          w.u32(x.trial);
          w.u64(x.timeout_ns);
          w.u64(x.kill_grace_ns);
          return Type::run_phase;
        } else if constexpr (std::is_same_v<T, Stop>) {
          return Type::stop;
        } else if constexpr (std::is_same_v<T, PhaseProcess>) {
          w.i32(x.pid);
          w.str(x.cgroup);
          return Type::phase_process;
        } else if constexpr (std::is_same_v<T, ProbeOpen>) {
          w.i32(x.status);
          w.str(x.message);
          w.u32(static_cast<std::uint32_t>(x.channels.size()));
          for (const ChannelInfo& c : x.channels) {
            w.str(c.id);
            w.str(c.label);
            w.i32(c.quantity);
            w.i32(c.domain);
            w.i32(c.kind);
            w.f64(c.counter_range);
            w.str(c.parent);
            w.str(c.device);
            w.f64(c.limit);
          }
          w.u32(static_cast<std::uint32_t>(x.devices.size()));
          for (const DeviceInfo& d : x.devices) {
            w.str(d.id);
            w.i32(d.kind);
            w.u32(d.unified ? 1u : 0u);
            w.str(d.name);
            w.str(d.driver);
            w.u64(d.memory_total_bytes);
          }
          return Type::probe_open;
        } else if constexpr (std::is_same_v<T, Samples>) {
          w.u32(x.channel_count);
          w.u64(x.skipped);
          w.u64(x.cpu_ns);
          w.u32(static_cast<std::uint32_t>(x.rows.size()));
          for (const SampleRow& row : x.rows) {
            w.u64(row.t_ns);
            // Exactly channel_count values a row, as the decoder expects: a short row
            // is padded with NaN ("no reading"), a long one cut.
            for (std::uint32_t i = 0; i < x.channel_count; ++i)
              w.f64(i < row.values.size() ? row.values[i]
                                          : std::numeric_limits<double>::quiet_NaN());
          }
          return Type::samples;
        } else if constexpr (std::is_same_v<T, SampleNow>) {
          return Type::sample_now;
        } else if constexpr (std::is_same_v<T, ProbeError>) {
          w.str(x.message);
          return Type::probe_error;
        } else if constexpr (std::is_same_v<T, Mark>) {
          w.str(x.name);
          w.u64(x.t_ns);
          return Type::mark;
        } else if constexpr (std::is_same_v<T, Values>) {
          w.str(x.name);
          w.u32(static_cast<std::uint32_t>(x.values.size()));
          for (double v : x.values) w.f64(v);
          return Type::values;
        } else if constexpr (std::is_same_v<T, Requirement>) {
          w.i32(x.kind);
          w.str(x.name);
          w.u64(x.amount);
          w.str(x.hint);
          return Type::requirement;
        } else if constexpr (std::is_same_v<T, Program>) {
          w.str(x.name);
          w.str(x.version);
          w.str(x.path);
          return Type::program;
        } else {
          static_assert(std::is_same_v<T, PhaseEnd>);
          w.i32(x.exit_code);
          w.i32(x.term_signal);
          w.u32((x.timed_out ? 1u : 0u) | (x.cancelled ? 2u : 0u));
          w.u64(x.start_ns);
          w.u64(x.wall_ns);
          w.u64(x.user_ns);
          w.u64(x.sys_ns);
          w.u64(x.max_rss_bytes);
          w.u64(x.memory_peak_bytes);
          w.u64(x.oom_kills);
          w.str(x.containment);
          return Type::phase_end;
        }
      },
      m);
  return w.frame(t);
}

void Decoder::feed(std::string_view bytes) {
  if (!error_.empty()) return;
  // Compact before growing so a long stream of frames keeps the buffer small.
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > 65536) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

std::optional<Message> Decoder::next() {
  if (!error_.empty()) return std::nullopt;
  constexpr std::size_t header = sizeof(std::uint32_t) + 1;
  if (buf_.size() - pos_ < header) return std::nullopt;
  std::uint32_t n;
  std::memcpy(&n, buf_.data() + pos_, sizeof n);
  if (n > kMaxPayload) {
    error_ = "frame of " + std::to_string(n) + " bytes exceeds the limit of " +
             std::to_string(kMaxPayload) + " (is the plugin writing to fd 1 directly?)";
    return std::nullopt;
  }
  if (buf_.size() - pos_ < header + n) return std::nullopt;
  auto type = static_cast<Type>(static_cast<unsigned char>(buf_[pos_ + 4]));
  std::string_view payload(buf_.data() + pos_ + header, n);
  pos_ += header + n;
  try {
    return decode_payload(type, payload);
  } catch (const Malformed& e) {
    error_ = std::string("malformed frame: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace benchlab::protocol
