# SPDX-License-Identifier: MIT
"""docs/python.md's lab script, taken from the page and run as a real process on a suite of
test plugins; its ratios are checked against the store it wrote."""

import os
import re
import subprocess
import sys

import pytest

import benchlab
from conftest import PLUGIN_DIR, PROFILE_DIR, SOURCE_DIR, open_lab

DOC = SOURCE_DIR / "docs" / "python.md"


def lab_script():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    scripts = [b for b in blocks if b.startswith('#!/usr/bin/env python3\n"""lab.py')]
    assert len(scripts) == 1, "docs/python.md must hold one lab.py block"
    return scripts[0]


def test_the_lab_script_of_the_doc_prints_each_metrics_ratio(tmp_path):
    script = tmp_path / "lab.py"
    script.write_text(lab_script())
    db = tmp_path / "lab.db"
    env = dict(os.environ, PYTHONPATH=str(SOURCE_DIR / "bindings" / "python"))
    out = subprocess.run(
        [sys.executable, str(script), "py-lab", "--a", "jitter=0", "--b", "jitter=0.5",
         "--b", "py-lab-b:sleep_ms=1", "--trials", "3", "--db", str(db),
         "--plugin-dir", PLUGIN_DIR, "--profile-dir", str(PROFILE_DIR)],
        env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "set A: jitter=0" in lines
    assert "set B: jitter=0.5 py-lab-b:sleep_ms=1" in lines
    assert "  [2/2] py-lab-b" in lines
    assert lines[-1].startswith("runs: A = 1, B = 2 in ")

    printed = {}
    for line in lines[lines.index(next(x for x in lines if x.startswith("test "))) + 1:-1]:
        test, metric, unit, a, b, ratio, *verdict = line.split()
        printed[test] = (metric, float(a), float(b), float(ratio), " ".join(verdict))
    assert set(printed) == {"py-lab-a", "py-lab-b"}

    with open_lab(db, read_only=True) as lab:
        for test, (metric, a, b, ratio, verdict) in printed.items():
            (ra,) = [r for r in lab.results(1) if r["test"] == test]
            (rb,) = [r for r in lab.results(2) if r["test"] == test]
            assert metric == ra["metric"] == "value"
            assert (ra["n"], rb["n"]) == (3, 3)
            assert a == pytest.approx(ra["mean"], rel=1e-4)
            assert b == pytest.approx(rb["mean"], rel=1e-4)
            assert ratio == pytest.approx(rb["mean"] / ra["mean"], abs=1e-4)
            assert ratio != 1  # the jitter moved B's mean
            assert verdict == ("B better" if ratio > 1 else "A better")
        (rb,) = [r for r in lab.results(2) if r["test"] == "py-lab-b"]
        assert "sleep_ms=1" in rb["options"] and "jitter=0.5" in rb["options"]


def test_a_bad_option_makes_the_lab_script_fail_with_the_librarys_message(tmp_path):
    script = tmp_path / "lab.py"
    script.write_text(lab_script())
    env = dict(os.environ, PYTHONPATH=str(SOURCE_DIR / "bindings" / "python"))
    out = subprocess.run(
        [sys.executable, str(script), "py-lab", "--a", "nope=1", "--db",
         str(tmp_path / "lab.db"), "--plugin-dir", PLUGIN_DIR, "--profile-dir",
         str(PROFILE_DIR)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert "benchlab.errors.InvalidError: BENCHLAB_E_INVALID: --option nope" in out.stderr
    assert benchlab.InvalidError.__name__ in out.stderr
