// SPDX-License-Identifier: MIT
// finetune: the training-log reader on logs in the formats the Hugging Face Trainer,
// Unsloth and tqdm print (tests/fixtures/finetune), and the plugin run end to end by the
// benchlab command line with a stand-in training program that prints those logs.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "training_log.hpp"
#include "unit_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Catch::Matchers::Contains;

const fs::path kFixtures = fs::path(FIXTURES_DIR) / "finetune";

std::string fixture(const std::string& name) {
  std::ifstream in(kFixtures / name, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

finetune::FiguresOrReason figures_of(const std::string& log, std::uint64_t steps = 30,
                                     std::uint64_t warmup = 3) {
  return finetune::training_figures(finetune::read_training_log(log), steps, warmup);
}

}  // namespace

TEST_CASE("a tqdm redraw gives step, total, elapsed and the rate in s/it or it/s", "[finetune]") {
  const auto log = finetune::read_training_log(
      " 40%|████      | 12/30 [00:31<00:46,  2.58s/it]\r"
      " 43%|████▎     | 13/30 [01:02:05<00:07,  2.50it/s]\r"
      " 47%|████▋     | 14/30 [01:02:06<00:07,  1.20kit/s]\n");
  REQUIRE(log.bars.size() == 1);
  const auto& u = log.bars[0].updates;
  REQUIRE(u.size() == 3);
  CHECK(u[0].step == 12);
  CHECK(u[0].total == 30);
  CHECK(u[0].elapsed_s == 31);
  CHECK(*u[0].seconds_per_step == Approx(2.58));
  CHECK(u[1].elapsed_s == 3600 + 2 * 60 + 5);
  CHECK(*u[1].seconds_per_step == Approx(0.4));
  CHECK(*u[2].seconds_per_step == Approx(1.0 / 1200));
  CHECK(log.bars[0].description.empty());
}

TEST_CASE("bars counted in other units, unknown rates and lines that only look alike",
          "[finetune]") {
  const auto log = finetune::read_training_log(
      "Map: 100%|██████████| 1000/1000 [00:00<00:00, 4761.90 examples/s]\n"
      "  0%|          | 0/30 [00:00<?, ?it/s]\n"
      "ratio 3/4 [not a bar]\n"
      "  3%|▎         | 1/30 [00:14<06:51, 14.20s/it]\n"
      "  3%|▎         | 31/30 [00:14<06:51, 14.20s/it]\n");
  REQUIRE(log.bars.size() == 1);
  REQUIRE(log.bars[0].updates.size() == 2);
  CHECK_FALSE(log.bars[0].updates[0].seconds_per_step.has_value());
  CHECK(log.bars[0].updates[1].step == 1);
}

TEST_CASE("Unsloth's training banner, in its 2025 and 2024 wording", "[finetune]") {
  const auto now = finetune::read_training_log(fixture("unsloth-gpt-oss-20b.log"));
  CHECK(now.saw_banner);
  CHECK(now.banner.examples == 1000u);
  CHECK(now.banner.epochs == 1u);
  CHECK(now.banner.total_steps == 30u);
  CHECK(now.banner.batch_size_per_device == 2u);
  CHECK(now.banner.gradient_accumulation_steps == 4u);
  CHECK(now.banner.total_batch_size == 8u);
  CHECK(now.banner.trainable_parameters == 3981312u);
  CHECK(now.banner.parameters == 20918738496u);

  const auto then = finetune::read_training_log(fixture("unsloth-oom-step12.log"));
  CHECK(then.banner.examples == 467u);
  CHECK(then.banner.total_steps == 30u);
  CHECK(then.banner.gradient_accumulation_steps == 4u);
  CHECK(then.banner.total_batch_size == 8u);
  CHECK(then.banner.trainable_parameters == 3981312u);
  CHECK_FALSE(then.banner.parameters.has_value());
}

TEST_CASE("an Unsloth run: seconds per step from tqdm's s/it after the warm-up", "[finetune]") {
  const std::string log = fixture("unsloth-gpt-oss-20b.log");
  const auto read = finetune::read_training_log(log);
  // The loader's bar is named and counts 4 shards; the Map bar counts examples.
  REQUIRE(finetune::training_bar(read, 30) != nullptr);
  CHECK(finetune::training_bar(read, 30)->total == 30);
  CHECK(read.losses.size() == 30);
  CHECK(*read.train_runtime == Approx(89.0712));
  CHECK(*read.train_steps_per_second == Approx(0.337));
  CHECK(*read.train_loss == Approx(1.7351));

  const auto result = figures_of(log);
  INFO(result.reason);
  REQUIRE(result.figures);
  const auto& f = *result.figures;
  CHECK(f.source == finetune::StepTimeSource::tqdm_rate);
  CHECK(f.steps == 30);
  CHECK(f.total == 30);
  CHECK(f.first_measured_step == 4);
  // Steps 4..30 took 2.40 s plus 0.01 s times (step mod 3): 65.07 s over 27 steps.
  REQUIRE(f.step_seconds.size() == 27);
  CHECK(f.step_seconds[0] == Approx(2.41));
  CHECK(f.step_seconds[1] == Approx(2.42));
  CHECK(f.step_seconds[2] == Approx(2.40));
  CHECK(f.seconds_per_step == Approx(65.07 / 27));
  CHECK(*f.final_loss == Approx(0.3514));
  CHECK(*f.train_runtime == Approx(89.0712));
  CHECK(*f.samples_per_second == Approx(2.695));

  // Without a warm-up the slow first steps count.
  const auto cold = figures_of(log, 30, 0);
  REQUIRE(cold.figures);
  CHECK(cold.figures->step_seconds.size() == 30);
  CHECK(cold.figures->seconds_per_step == Approx((14.20 + 6.85 + 3.10 + 65.07) / 30));
}

TEST_CASE("the same log with '\\n' for '\\r' and with '\\r\\n' reads the same", "[finetune]") {
  std::string log = fixture("unsloth-gpt-oss-20b.log");
  const double expected = figures_of(log).figures->seconds_per_step;
  std::string newlines = log, crlf;
  for (char& c : newlines)
    if (c == '\r') c = '\n';
  for (const char c : newlines) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  CHECK(figures_of(newlines).figures->seconds_per_step == expected);
  CHECK(figures_of(crlf).figures->seconds_per_step == expected);
}

TEST_CASE("a Trainer run in it/s: skipped redraws and evaluation bars inside training",
          "[finetune]") {
  const auto read = finetune::read_training_log(fixture("trainer-its.log"));
  // The training bar is one bar although two evaluations drew between its redraws.
  CHECK(read.bars.size() == 3);
  CHECK(read.losses == std::vector<double>{2.4512, 2.1037, 1.9876});
  const auto result = figures_of(fixture("trainer-its.log"));
  REQUIRE(result.figures);
  const auto& f = *result.figures;
  REQUIRE(f.step_seconds.size() == 27);
  // Redraws at steps 5, 7, 10, ... : each step takes the rate of the redraw that reached
  // it; 8 steps at 4 it/s, 19 at 5 it/s.
  CHECK(f.step_seconds[0] == Approx(0.2));   // step 4, from the redraw at step 5
  CHECK(f.step_seconds[4] == Approx(0.25));  // step 8, from the redraw at step 10
  CHECK(f.seconds_per_step == Approx((8 * 0.25 + 19 * 0.2) / 27));
  CHECK(*f.final_loss == Approx(1.9876));
  CHECK(*f.samples_per_second == Approx(34.772));
}

TEST_CASE("without tqdm, the Trainer's train_runtime over its steps, warm-up included",
          "[finetune]") {
  const auto result = figures_of(fixture("trainer-no-tqdm.log"));
  REQUIRE(result.figures);
  const auto& f = *result.figures;
  CHECK(f.source == finetune::StepTimeSource::train_runtime);
  CHECK(f.steps == 30);  // round(78.1234 s * 0.384 steps/s)
  CHECK(f.seconds_per_step == Approx(78.1234 / 30));
  CHECK(f.step_seconds.empty());
  CHECK(*f.final_loss == Approx(0.6224));  // the last of 30 JSON-quoted loss lines
}

TEST_CASE("logs without training steps give a reason, not figures", "[finetune]") {
  SECTION("a loader's bar and text") {
    const auto result = figures_of(fixture("no-steps.log"));
    CHECK_FALSE(result.figures);
    CHECK_THAT(result.reason, Contains("the log has no training steps (tqdm progress or Trainer "
                                       "log lines); is the command a training run?"));
  }
  SECTION("nothing at all") {
    CHECK_FALSE(figures_of("").figures);
    CHECK_FALSE(figures_of("\r\r\n\n").figures);
  }
  SECTION("loss lines without times") {
    const auto result = figures_of("{'loss': 1.5, 'epoch': 0.1}\n{'loss': 1.4, 'epoch': 0.2}\n");
    CHECK_FALSE(result.figures);
    CHECK_THAT(result.reason, Contains("2 Trainer loss lines but no step times"));
  }
  SECTION("every step inside the warm-up") {
    const auto result = figures_of(
        "  3%|▎         | 1/30 [00:14<06:51, 14.20s/it]\r"
        "  7%|▋         | 2/30 [00:21<03:11,  6.85s/it]\n");
    CHECK_FALSE(result.figures);
    CHECK_THAT(result.reason, Contains("reached step 2 of 30, all within warmup_steps=3"));
  }
}

TEST_CASE("a run cut short reaches fewer steps, and text after the bar is ignored", "[finetune]") {
  const auto result = figures_of(fixture("unsloth-oom-step12.log"));
  REQUIRE(result.figures);
  CHECK(result.figures->steps == 12);
  CHECK(result.figures->total == 30);
  REQUIRE(result.figures->step_seconds.size() == 9);
  CHECK(result.figures->step_seconds[0] == Approx(12.04));
}

TEST_CASE("Trainer dicts: Python and JSON quoting, strings and wrapped numbers", "[finetune]") {
  const auto log = finetune::read_training_log(
      "{'loss': 1.25, 'grad_norm': np.float64(0.5), 'epoch': 0.1}\n"
      "{\"loss\": \"1.125\", \"epoch\": 0.2}\n"
      "{'loss': tensor(1.0, device='cuda:0'), 'epoch': 0.3}\n"
      "{'loss': nan, 'epoch': 0.4}\n"
      "{'eval_loss': 9.0}\n"
      "{'loss' 1.0}\n");
  CHECK(log.losses == std::vector<double>{1.25, 1.125, 1.0});
}

TEST_CASE("closing lines show the last state of redrawn lines", "[finetune]") {
  CHECK(finetune::closing_lines("a\nb\r\rc\r\nd\n\n", 2) == "c\nd");
  CHECK(finetune::closing_lines("  0%| 0/3\r 33%| 1/3\r\nTraceback\n", 5) ==
        " 33%| 1/3\nTraceback");
  CHECK(finetune::closing_lines("", 3).empty());
}

namespace {

struct Run {
  unit::CliRun cli;
  json::object result;
};

// `benchlab run finetune` with the stand-in training program printing `log`.
Run run_finetune(const fs::path& home, const std::string& log,
                 std::vector<std::string> extra = {}) {
  std::vector<std::string> args{
      "run", "finetune", "-n",     "1",    "--warmup",
      "0",   "-q",       "--json", "--db", (home / "results.db").string()};
  std::vector<std::string> options{"arg=" + (kFixtures / "fake-train.sh").string(),
                                   "arg=" + (kFixtures / log).string()};
  options.insert(options.end(), extra.begin(), extra.end());
  for (const auto& option : options) {
    args.push_back("-o");
    args.push_back(option);
  }
  Run run;
  run.cli = unit::benchlab_cli(home, args);
  INFO("stderr: " << run.cli.err);
  INFO("stdout: " << run.cli.out);
  run.result = unit::only_result(run.cli);
  return run;
}

std::string trial_reason(const json::object& result) {
  return unit::text_of(result.at("trials").as_array().at(0).at("reason"));
}

}  // namespace

TEST_CASE("benchlab runs finetune end to end with per-step values", "[finetune][e2e]") {
  unit::TempDir home;
  const Run run = run_finetune(home.path, "unsloth-gpt-oss-20b.log");
  INFO("reason: " << run.result.at("reason"));
  REQUIRE(run.result.at("status").as_string() == "ok");
  CHECK(unit::trial_value(run.result, 0, "seconds_per_step") == Approx(65.07 / 27));
  CHECK(unit::trial_value(run.result, 0, "steps") == 30);
  CHECK(unit::trial_value(run.result, 0, "train_runtime") == Approx(89.0712));
  CHECK(unit::trial_value(run.result, 0, "samples_per_second") == Approx(2.695));
  CHECK(unit::trial_value(run.result, 0, "final_loss") == Approx(0.3514));
  for (const auto& m : run.result.at("metrics").as_array()) {
    if (m.at("name").as_string() != "seconds_per_step") continue;
    const auto& d = m.at("distribution").as_object();
    CHECK(d.at("n").to_number<std::int64_t>() == 27);
    CHECK(d.at("min").to_number<double>() == Approx(2.40));
    CHECK(d.at("max").to_number<double>() == Approx(2.42));
  }
}

TEST_CASE("finetune fails a trial with the reason: no steps, an exit status, fewer steps",
          "[finetune][e2e]") {
  unit::TempDir home;
  const Run none = run_finetune(home.path, "no-steps.log");
  CHECK_THAT(trial_reason(none.result), Contains("the log has no training steps"));
  CHECK_THAT(trial_reason(none.result), Contains("The capital of France is Paris."));

  const Run crashed = run_finetune(home.path, "unsloth-oom-step12.log", {"arg=1"});
  CHECK_THAT(trial_reason(crashed.result), Contains("failed (exit status 1)"));
  CHECK_THAT(trial_reason(crashed.result), Contains("torch.OutOfMemoryError: CUDA out of memory"));

  const Run short_run = run_finetune(home.path, "unsloth-oom-step12.log");
  CHECK_THAT(trial_reason(short_run.result),
             Contains("the run stopped at step 12 of 30 (option steps)"));

  const Run fewer = run_finetune(home.path, "unsloth-oom-step12.log", {"steps=12"});
  CHECK(fewer.result.at("status").as_string() == "ok");
}

TEST_CASE("finetune runs the command unbuffered unless told otherwise", "[finetune][e2e]") {
  unit::TempDir home;
  const fs::path seen = home.path / "env.txt";
  const auto unbuffered = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), {"arg=0", "arg=" + seen.string()});
    const Run run = run_finetune(home.path, "trainer-its.log", extra);
    CHECK(run.result.at("status").as_string() == "ok");
    std::ifstream in(seen);
    std::string line;
    std::getline(in, line);
    return line;
  };
  CHECK(unbuffered({}) == "PYTHONUNBUFFERED=1");
  CHECK(unbuffered({"env=PYTHONUNBUFFERED=0", "env=OTHER=x"}) == "PYTHONUNBUFFERED=0");
}

TEST_CASE("finetune cannot run without its training program, and says how to get one",
          "[finetune][e2e]") {
  unit::TempDir home;
  const unit::CliRun cli =
      unit::benchlab_cli(home.path, {"run", "finetune", "-n", "1", "--warmup", "0", "-q", "--json",
                                     "--db", (home.path / "results.db").string(), "-o",
                                     "arg=no-such-trainer-program", "-o", "arg=train.py"});
  const json::object result = unit::only_result(cli);
  CHECK(result.at("status").as_string() == "cannot_run");
  CHECK_THAT(unit::text_of(result.at("reason")),
             Contains("'no-such-trainer-program' is not on PATH"));
  CHECK_THAT(unit::text_of(result.at("reason")), Contains("pip install unsloth"));
}
