// SPDX-License-Identifier: MIT
// The worker's frame channel: what the core reads is untrusted, so every malformed input
// must end in a clear error, never a crash or an unbounded buffer.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>

#include "program_rules.h"
#include "worker_protocol.h"

using namespace benchlab::protocol;
using benchlab::ChannelInfo;
using benchlab::DeviceInfo;

namespace {

std::vector<Message> decode_all(Decoder& d) {
  std::vector<Message> out;
  while (auto m = d.next()) out.push_back(std::move(*m));
  return out;
}

}  // namespace

TEST_CASE("every message type survives a round trip, byte by byte") {
  std::vector<Message> in = {Hello{1, 0, "raytrace", "1.0.0"},
                             Log{2, "hello"},
                             DeclareMetric{"tok_s", "tok/s", 1},
                             Metric{"seconds", 3.25},
                             Progress{0.5, "half"},
                             Output{std::string("a\0b", 3)},
                             Window{10, 20},
                             Done{0, ""}};
  std::string stream;
  for (const auto& m : in) stream += encode(m);
  Decoder d;
  std::vector<Message> out;
  for (char c : stream) {  // worst-case fragmentation: one byte per read
    d.feed(std::string_view(&c, 1));
    while (auto m = d.next()) out.push_back(std::move(*m));
  }
  REQUIRE(d.error().empty());
  REQUIRE(out.size() == in.size());
  CHECK(std::get<Hello>(out[0]).id == "raytrace");
  CHECK(std::get<Log>(out[1]).text == "hello");
  CHECK(std::get<DeclareMetric>(out[2]).unit == "tok/s");
  CHECK(std::get<Metric>(out[3]).value == 3.25);
  CHECK(std::get<Progress>(out[4]).note == "half");
  CHECK(std::get<Output>(out[5]).bytes == std::string("a\0b", 3));
  CHECK(std::get<Window>(out[6]).end_ns == 20);
  CHECK(std::get<Done>(out[7]).status == 0);
  CHECK(d.pending() == 0);
}

TEST_CASE("the worker's own frames and the core's commands survive a round trip") {
  PhaseEnd end;
  end.exit_code = -1;
  end.term_signal = 9;
  end.timed_out = true;
  end.start_ns = 1;
  end.wall_ns = 2;
  end.user_ns = 3;
  end.sys_ns = 4;
  end.max_rss_bytes = 5;
  end.memory_peak_bytes = 6;
  end.oom_kills = 7;
  end.containment = "cgroup";
  std::vector<Message> in = {ErrorOutput{std::string("e\0rr", 4)},
                             RunPhase{2, 41, 600'000'000'000ull, 2'000'000'000ull}, Stop{},
                             PhaseProcess{4242, "/sys/fs/cgroup/benchlab-1-1"}, end};
  std::string stream;
  for (const auto& m : in) stream += encode(m);
  Decoder d;
  d.feed(stream);
  auto out = decode_all(d);
  REQUIRE(d.error().empty());
  REQUIRE(out.size() == in.size());
  CHECK(std::get<ErrorOutput>(out[0]).bytes == std::string("e\0rr", 4));
  const auto& run = std::get<RunPhase>(out[1]);
  CHECK(run.phase == 2);
  CHECK(run.trial == 41);
  CHECK(run.timeout_ns == 600'000'000'000ull);
  CHECK(run.kill_grace_ns == 2'000'000'000ull);
  CHECK(std::holds_alternative<Stop>(out[2]));
  CHECK(std::get<PhaseProcess>(out[3]).pid == 4242);
  CHECK(std::get<PhaseProcess>(out[3]).cgroup == "/sys/fs/cgroup/benchlab-1-1");
  const auto& e = std::get<PhaseEnd>(out[4]);
  CHECK(e.term_signal == 9);
  CHECK(e.timed_out);
  CHECK_FALSE(e.cancelled);
  CHECK(e.wall_ns == 2);
  CHECK(e.max_rss_bytes == 5);
  CHECK(e.memory_peak_bytes == 6);
  CHECK(e.oom_kills == 7);
  CHECK(e.containment == "cgroup");
  // Each message encodes back to the bytes it came from.
  std::string again;
  for (const auto& m : out) again += encode(m);
  CHECK(again == stream);
}

TEST_CASE("a phase_end with flags this core does not know is a protocol error") {
  std::string f = encode(PhaseEnd{});
  std::uint32_t flags = 4;
  std::memcpy(f.data() + 5 + 8, &flags, 4);  // after exit_code and term_signal
  Decoder d;
  d.feed(f);
  CHECK_FALSE(d.next());
  CHECK_THAT(d.error(), Catch::Contains("unknown phase_end flags"));
}

TEST_CASE("an oversized frame is refused before it is buffered") {
  Decoder d;
  std::uint32_t n = kMaxPayload + 1;
  std::string frame(reinterpret_cast<const char*>(&n), 4);
  frame += '\x04';
  d.feed(frame);
  CHECK_FALSE(d.next());
  CHECK_THAT(d.error(), Catch::Contains("exceeds the limit"));
}

TEST_CASE("text written to the channel by mistake is a protocol error") {
  Decoder d;
  d.feed("Hello from printf!\n");
  CHECK(decode_all(d).empty());
  CHECK_FALSE(d.error().empty());
}

TEST_CASE("malformed payloads are errors, and decoding stops for good") {
  SECTION("unknown type") {
    std::string f = encode(Log{1, "x"});
    f[4] = 99;
    Decoder d;
    d.feed(f);
    CHECK_FALSE(d.next());
    CHECK_THAT(d.error(), Catch::Contains("unknown frame type 99"));
  }
  SECTION("string longer than its frame") {
    std::string f = encode(Log{1, "abc"});
    std::uint32_t huge = 1000;
    std::memcpy(f.data() + 5 + 4, &huge, 4);  // the string's length field
    Decoder d;
    d.feed(f);
    CHECK_FALSE(d.next());
    CHECK_THAT(d.error(), Catch::Contains("longer than its frame"));
  }
  SECTION("trailing bytes") {
    std::string f = encode(Metric{"x", 1.0});
    std::uint32_t n;
    std::memcpy(&n, f.data(), 4);
    n += 1;
    std::memcpy(f.data(), &n, 4);
    f += 'z';
    Decoder d;
    d.feed(f);
    CHECK_FALSE(d.next());
    CHECK_THAT(d.error(), Catch::Contains("trailing bytes"));
    d.feed(encode(Done{0, ""}));
    CHECK_FALSE(d.next());  // nothing after an error is trusted
  }
}

TEST_CASE("a long stream of frames keeps the decoder's buffer small") {
  Decoder d;
  std::string f = encode(Output{std::string(1000, 'x')});
  for (int i = 0; i < 10000; ++i) {
    d.feed(f);
    while (d.next()) {
    }
  }
  CHECK(d.pending() == 0);
  CHECK(d.error().empty());
}

TEST_CASE("the sampler worker's frames and its command survive a round trip") {
  ProbeOpen open;
  open.status = 0;
  ChannelInfo c;
  c.id = "package-0";
  c.label = "CPU package 0";
  c.quantity = 2;
  c.domain = 1;
  c.kind = 2;
  c.counter_range = 262143.328850;
  c.parent = "psys";
  c.device = "cpu0";
  c.limit = 95.5;
  open.channels = {c, ChannelInfo{}};
  DeviceInfo g;
  g.id = "gpu0";
  g.kind = 1;
  g.unified = true;
  g.name = "GB10";
  g.driver = "580.65.06";
  g.memory_total_bytes = 128ull << 30;
  open.devices = {g};
  Samples batch;
  batch.channel_count = 2;
  batch.skipped = 3;
  batch.cpu_ns = 123456789;
  batch.rows = {{100, {1.5, std::numeric_limits<double>::quiet_NaN()}}, {200, {2.5, -1}}};
  Samples heartbeat;
  heartbeat.channel_count = 2;
  std::vector<Message> in = {open,
                             batch,
                             heartbeat,
                             SampleNow{},
                             ProbeError{"sample() has not returned for 5.0 s"},
                             ProbeOpen{5, "unavailable: permission denied", {}, {}},
                             Mark{"decode", 42}};
  std::string stream;
  for (const auto& m : in) stream += encode(m);
  Decoder d;
  for (char ch : stream) d.feed(std::string_view(&ch, 1));
  auto out = decode_all(d);
  REQUIRE(d.error().empty());
  REQUIRE(out.size() == in.size());
  const auto& o = std::get<ProbeOpen>(out[0]);
  REQUIRE(o.channels.size() == 2);
  CHECK(o.channels[0].id == "package-0");
  CHECK(o.channels[0].label == "CPU package 0");
  CHECK(o.channels[0].quantity == 2);
  CHECK(o.channels[0].domain == 1);
  CHECK(o.channels[0].kind == 2);
  CHECK(o.channels[0].counter_range == 262143.328850);
  CHECK(o.channels[0].parent == "psys");
  CHECK(o.channels[0].device == "cpu0");
  CHECK(o.channels[0].limit == 95.5);
  REQUIRE(o.devices.size() == 1);
  CHECK(o.devices[0].unified);
  CHECK(o.devices[0].name == "GB10");
  CHECK(o.devices[0].driver == "580.65.06");
  CHECK(o.devices[0].memory_total_bytes == (128ull << 30));
  const auto& b = std::get<Samples>(out[1]);
  CHECK(b.skipped == 3);
  CHECK(b.cpu_ns == 123456789);
  REQUIRE(b.rows.size() == 2);
  CHECK(b.rows[0].t_ns == 100);
  CHECK(b.rows[0].values[0] == 1.5);
  CHECK(std::isnan(b.rows[0].values[1]));  // "no reading" travels as NaN
  CHECK(b.rows[1].values[1] == -1);
  CHECK(std::get<Samples>(out[2]).rows.empty());
  CHECK(std::get<Samples>(out[2]).channel_count == 2);
  CHECK(std::holds_alternative<SampleNow>(out[3]));
  CHECK(std::get<ProbeError>(out[4]).message == "sample() has not returned for 5.0 s");
  CHECK(std::get<ProbeOpen>(out[5]).status == 5);
  CHECK(std::get<Mark>(out[6]).name == "decode");
  CHECK(std::get<Mark>(out[6]).t_ns == 42);
  std::string again;
  for (const auto& m : out) again += encode(m);
  CHECK(again == stream);
  // A full batch of 256 rows fits in a frame up to 510 channels (beyond, the worker
  // sends fewer rows a frame).
  CHECK(samples_payload_size(510, 256) <= kMaxPayload);
}

TEST_CASE("malformed sampler frames are errors, before anything is allocated for them") {
  auto refused = [](std::string f, const char* why) {
    Decoder d;
    d.feed(f);
    CHECK_FALSE(d.next());
    CHECK_THAT(d.error(), Catch::Contains(why));
  };
  SECTION("a batch whose size does not match its rows") {
    Samples b;
    b.channel_count = 3;
    b.rows = {{1, {1, 2, 3}}};
    std::string f = encode(b);
    std::uint32_t rows = 1000000;  // after channels, skipped and cpu_ns
    std::memcpy(f.data() + 5 + 4 + 8 + 8, &rows, 4);
    refused(f, "does not match its rows and channels");
  }
  SECTION("a channel count the frame cannot hold") {
    std::string f = encode(ProbeOpen{0, "", {}, {}});
    std::uint32_t n = 0xffffffffu;
    std::memcpy(f.data() + 5 + 4 + 4, &n, 4);  // after status and the empty message
    refused(f, "channel count exceeds its frame");
  }
  SECTION("device flags this core does not know") {
    DeviceInfo g;
    g.id = "g";
    std::string f = encode(ProbeOpen{0, "", {}, {g}});
    std::uint32_t flags = 2;
    // status, message, 0 channels, 1 device, its id "g", its kind
    std::memcpy(f.data() + 5 + 4 + 4 + 4 + 4 + 5 + 4, &flags, 4);
    refused(f, "unknown device flags");
  }
  SECTION("a sample_now with a payload") {
    std::string f = encode(SampleNow{});
    std::uint32_t n = 1;
    std::memcpy(f.data(), &n, 4);
    refused(f + "x", "trailing bytes");
  }
}

TEST_CASE("a values frame survives a round trip; a count that does not match is refused") {
  Values v{"ttft", {12.5, 0.25, 1e9, -3}};
  Values empty{"itl", {}};
  std::string stream = encode(v) + encode(empty);
  Decoder d;
  for (char ch : stream) d.feed(std::string_view(&ch, 1));
  auto out = decode_all(d);
  REQUIRE(d.error().empty());
  REQUIRE(out.size() == 2);
  CHECK(std::get<Values>(out[0]).name == "ttft");
  CHECK(std::get<Values>(out[0]).values == v.values);
  CHECK(std::get<Values>(out[1]).values.empty());

  std::string f = encode(v);
  std::uint32_t n = 5;  // one more than the frame holds; after the header and "ttft"
  std::memcpy(f.data() + 5 + 4 + 4, &n, 4);
  Decoder bad;
  bad.feed(f);
  CHECK_FALSE(bad.next());
  CHECK_THAT(bad.error(), Catch::Contains("values frame size does not match its count"));
  // The most values a frame carries fit in one frame.
  CHECK(4 + 32 + 4 + 8ull * kMaxValuesPerFrame <= kMaxPayload);
}

TEST_CASE("a program frame survives a round trip, with and without a path") {
  Program ffmpeg{"ffmpeg", "6.1.1-3ubuntu5", "/usr/bin/ffmpeg"};
  Program make{"make", "GNU Make 4.3", ""};
  const std::string stream = encode(ffmpeg) + encode(make);
  CHECK(static_cast<std::uint8_t>(stream[4]) == 21);  // the frame number docs/hardening.md lists
  Decoder d;
  for (char ch : stream) d.feed(std::string_view(&ch, 1));
  auto out = decode_all(d);
  REQUIRE(d.error().empty());
  REQUIRE(out.size() == 2);
  CHECK(std::get<Program>(out[0]).name == "ffmpeg");
  CHECK(std::get<Program>(out[0]).version == "6.1.1-3ubuntu5");
  CHECK(std::get<Program>(out[0]).path == "/usr/bin/ffmpeg");
  CHECK(std::get<Program>(out[1]).name == "make");
  CHECK(std::get<Program>(out[1]).path.empty());

  // Cut short: the path's length says more bytes than the frame has.
  std::string f = encode(ffmpeg);
  f.resize(f.size() - 3);
  const std::uint32_t payload = static_cast<std::uint32_t>(f.size() - 5);
  std::memcpy(f.data(), &payload, 4);
  Decoder bad;
  bad.feed(f);
  CHECK_FALSE(bad.next());
  CHECK_FALSE(bad.error().empty());
}

TEST_CASE("report_program()'s rules: printable bounded name, bounded version and path") {
  using benchlab::invalid_program;
  CHECK(invalid_program("ffmpeg", "6.1.1", "/usr/bin/ffmpeg").empty());
  CHECK(invalid_program("HMMER hmmsearch", "3.4", "").empty());
  CHECK(
      invalid_program(std::string(64, 'n'), std::string(256, 'v'), std::string(4096, 'p')).empty());
  CHECK(invalid_program("", "1", "") == "the name is empty");
  CHECK(invalid_program(std::string(65, 'n'), "1", "") == "the name is longer than 64 bytes");
  CHECK(invalid_program("ff\tmpeg", "1", "") ==
        "the name has a character that is not printable ASCII");
  CHECK(invalid_program("ffmp\xc3\xa9g", "1", "") ==
        "the name has a character that is not printable ASCII");
  CHECK(invalid_program("ffmpeg", "", "") == "the version is empty");
  CHECK(invalid_program("ffmpeg", std::string(257, 'v'), "") ==
        "the version is longer than 256 bytes");
  CHECK(invalid_program("ffmpeg", "6.1\n", "") == "the version has a control character");
  CHECK(invalid_program("ffmpeg", "6.1 \xc2\xb7 Debian", "").empty());  // UTF-8 is fine
  CHECK(invalid_program("ffmpeg", "6.1", std::string(4097, 'p')) ==
        "the path is longer than 4096 bytes");
  CHECK(invalid_program("ffmpeg", "6.1", "/usr/bin/\x01") == "the path has a control character");
}
