# SPDX-License-Identifier: MIT
"""Running targets through the binding: options, policy fields, the events a callback
receives, the errors of a bad request, a callback that raises, and cancellation from the
callback, from another thread and from Ctrl-C."""

import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

import benchlab
from benchlab import EventType, Status
from conftest import PLUGIN_DIR, PROFILE_DIR, SOURCE_DIR, open_lab


def test_a_run_reports_its_events_and_stores_its_results(lab):
    events = []
    run_id = lab.run("py-noop", {"label": "x", "sleep_ms": 1}, on_event=events.append)
    assert run_id == 1
    assert [e.type for e in events] == [
        EventType.PLAN, EventType.RESULT_BEGIN,
        EventType.TRIAL_BEGIN, EventType.TRIAL_END,
        EventType.TRIAL_BEGIN, EventType.TRIAL_END,
        EventType.TRIAL_BEGIN, EventType.TRIAL_END,
        EventType.RESULT_END]
    assert all(e.run_id == run_id for e in events if e.type != EventType.PLAN)
    assert events[0].total == 1
    begin = events[1]
    assert (begin.index, begin.total, begin.test) == (1, 1, "py-noop")
    assert "label=x" in begin.options and "sleep_ms=1" in begin.options
    ends = [e for e in events if e.type == EventType.TRIAL_END]
    assert [e.trial for e in ends] == [1, 2, 3]
    assert all(e.status == Status.OK and e.value == 1.0 and not e.warmup for e in ends)
    assert events[-1].status == Status.OK
    elapsed = [e.elapsed_ns for e in events]
    assert elapsed == sorted(elapsed) and events[-1].elapsed_s > 0.003

    (row,) = lab.results(run_id)
    assert row["run_id"] == run_id
    assert (row["test"], row["plugin"], row["metric"], row["unit"]) == \
        ("py-noop", "noop", "value", "x")
    assert (row["status"], row["direction"], row["n"], row["failed"]) == \
        ("ok", "higher", 3, 0)
    assert (row["mean"], row["median"], row["sd"], row["min"], row["max"]) == \
        (1.0, 1.0, 0.0, 1.0, 1.0)
    assert row["options"] == "sleep_ms=1, fail_trial=-1, jitter=0, label=x, fork_child=false"
    assert row["reason"] is None and row["derived"] is False
    assert len(row["plugin_sha256"]) == 64
    assert lab.results(0) == lab.results(run_id)  # 0: the latest run


def test_results_json_holds_the_values_the_rows_summarise(lab):
    run_id = lab.run("noop", {"jitter": 0.5}, trials=5, warmup=1)
    doc = lab.results_json(run_id)
    assert doc["run"]["id"] == run_id
    assert doc["run"]["settings"]["trials"] == 5
    assert doc["run"]["settings"]["options"] == [{"name": "jitter", "value": "0.5"}]
    (result,) = doc["results"]
    (metric,) = result["metrics"]
    values = metric["values"]
    assert len(values) == 5 and len(set(values)) == 5
    assert [t["warmup"] for t in result["trials"]] == [True] + [False] * 5
    (row,) = lab.results(run_id)
    assert row["n"] == 5
    assert row["mean"] == pytest.approx(sum(values) / 5, rel=1e-12)
    assert (row["min"], row["max"]) == (min(values), max(values))
    assert lab.results_json(-1)["runs"][0]["run"]["id"] == run_id
    assert lab.results_json_text(run_id).startswith('{"format_version":1')


def test_policy_fields_and_repeated_keys_reach_the_run(lab):
    events = []
    run_id = lab.run(["py-noop"], [("label", "y"), "py-noop:sleep_ms=2"], trials=2,
                     warmup=2, timeout_s=30, system_name="box-a", probes="none",
                     on_event=events.append)
    trials = [e for e in events if e.type == EventType.TRIAL_BEGIN]
    assert [e.warmup for e in trials] == [True, True, False, False]
    (row,) = lab.results(run_id)
    assert (row["system"], row["n"]) == ("box-a", 2)
    assert "label=y" in row["options"] and "sleep_ms=2" in row["options"]
    settings = lab.results_json(run_id)["run"]["settings"]
    assert (settings["warmup"], settings["timeout_s"]) == (2, 30)
    assert settings["sampling"]["probes"] == "none"


def test_a_list_value_repeats_the_key():
    from benchlab.running import option_strings
    assert option_strings({"arg": ["-b", "x.cir"], "on": True, "n": 3, "f": 0.25}) == \
        ["arg=-b", "arg=x.cir", "on=true", "n=3", "f=0.25"]


def test_a_repeated_key_of_a_single_option_is_the_librarys_error(lab):
    with pytest.raises(benchlab.InvalidError) as e:
        lab.run("py-noop", {"label": ["a", "b"]})
    assert e.value.message == "py-noop: option 'label' given 2 times but takes one value"


@pytest.mark.parametrize("target, options, error, message", [
    ("py-noop", {"nope": 1}, benchlab.InvalidError,
     "no test in this run has an option 'nope'"),
    ("py-noop", {"sleep_ms": "abc"}, benchlab.InvalidError,
     "option sleep_ms='abc' is not an integer"),
    ("noop", {"sleep_ms": 100000}, benchlab.InvalidError, "must be between 0 and 60000"),
    ("nothere", None, benchlab.NotFoundError, "unknown target 'nothere'"),
])
def test_a_bad_request_raises_with_the_librarys_message(lab, target, options, error,
                                                        message):
    with pytest.raises(error) as e:
        lab.run(target, options)
    assert message in e.value.message
    assert e.value.code in (2, 3)
    assert lab.results() == []  # nothing ran


@pytest.mark.parametrize("kwargs, words", [
    (dict(trials=-1), "trials must be an integer"),
    (dict(target_ci=float("nan")), "target_ci must be finite"),
    (dict(options={"jitter": float("inf")}), "not a finite number"),
    (dict(warmup=-2), "warmup must be an integer"),
    (dict(options="label=x"), "must be a dict or a list"),
])
def test_values_ctypes_cannot_carry_are_refused_before_the_call(lab, kwargs, words):
    with pytest.raises(benchlab.InvalidError, match=words) as e:
        lab.run("py-noop", **kwargs)
    assert isinstance(e.value, ValueError)


def test_failed_trials_raise_with_the_run_id_unless_check_is_off(lab):
    with pytest.raises(benchlab.TrialsFailedError) as e:
        lab.run("py-noop", {"fail_trial": 1})
    assert e.value.run_id == 1
    (row,) = lab.results(e.value.run_id)
    assert (row["status"], row["n"], row["failed"]) == ("partial", 2, 1)
    assert "trial 1 fails on purpose" in row["reason"]
    assert lab.run("py-noop", {"fail_trial": 0}, check=False) == 2


def test_a_read_only_store_refuses_to_run(db):
    open_lab(db).close()
    with open_lab(db, read_only=True) as ctx:
        with pytest.raises(benchlab.StoreError):
            ctx.run("py-noop")


class Boom(Exception):
    pass


def test_an_exception_in_the_callback_is_raised_after_the_run_stops(lab):
    seen = []

    def on_event(ev):
        seen.append(ev.type)
        if ev.type == EventType.TRIAL_END and ev.trial == 1:
            raise Boom("from the callback")

    with pytest.raises(Boom, match="from the callback") as e:
        lab.run("py-slow", on_event=on_event)
    assert seen.count(EventType.TRIAL_END) == 1  # never called again after it raised
    if hasattr(BaseException, "add_note"):  # Python 3.11
        assert "benchlab cancelled the run (run 1, resumable)" in e.value.__notes__[0]
    assert lab.results_json(1)["run"]["status"] == "interrupted"
    (row,) = lab.results(1)
    assert row["n"] == 1
    lab.run("py-noop")  # the context is usable again


def test_calling_the_context_from_the_callback_is_refused(lab):
    with pytest.raises(benchlab.BenchlabError, match="only cancel"):
        lab.run("py-noop", on_event=lambda ev: lab.results())


def test_cancel_from_the_callback_then_resume(lab):
    def on_event(ev):
        if ev.type == EventType.TRIAL_END and ev.trial == 2:
            lab.cancel()

    with pytest.raises(benchlab.RunInterruptedError) as e:
        lab.run("py-slow", on_event=on_event)
    run_id = e.value.run_id
    assert run_id == 1 and e.value.code == 6
    (row,) = lab.results(run_id)
    assert row["n"] == 2
    ends = []
    assert lab.resume(run_id, on_event=ends.append) == run_id
    (row,) = lab.results(run_id)
    assert row["n"] == 10 and row["status"] == "ok"
    assert lab.results_json(run_id)["run"]["status"] == "complete"


def test_cancel_from_another_thread(lab):
    def on_event(ev):
        if ev.type == EventType.TRIAL_BEGIN and ev.trial == 2:
            threading.Thread(target=lab.cancel).start()

    with pytest.raises(benchlab.RunInterruptedError) as e:
        lab.run("py-slow", on_event=on_event)
    (row,) = lab.results(e.value.run_id)
    assert row["n"] < 10  # the trials left were never run
    assert lab.results_json(e.value.run_id)["run"]["status"] == "interrupted"


def test_ctrl_c_cancels_the_run_and_raises_keyboard_interrupt(tmp_path):
    """A real process: SIGINT while the library is inside benchlab_run()."""
    script = textwrap.dedent("""
        import sys, time, benchlab
        lab = benchlab.open(sys.argv[1], plugin_dirs=[sys.argv[2]],
                            profile_dirs=[sys.argv[3]], default_dirs=False)
        def on_event(ev):
            if ev.type == benchlab.EventType.TRIAL_BEGIN:
                print("trial", ev.trial, flush=True)
        try:
            lab.run("py-slow", on_event=on_event)
        except KeyboardInterrupt:
            print("measured", lab.results(1)[0]["n"], flush=True)
            print(lab.results_json(1)["run"]["status"], flush=True)
            lab.close()
            raise
    """)
    env = dict(os.environ, PYTHONPATH=str(SOURCE_DIR / "bindings" / "python"))
    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "lab.db"),
                             PLUGIN_DIR, str(PROFILE_DIR)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    assert proc.stdout.readline().strip() == "trial 1"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert "KeyboardInterrupt" in err
    assert "benchlab cancelled the run (run 1, resumable)" in err
    lines = out.splitlines()
    assert lines[-1] == "interrupted"
    assert lines[-2].startswith("measured ") and int(lines[-2].split()[1]) < 10
