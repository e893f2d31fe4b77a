# SPDX-License-Identifier: MIT
"""Opening and closing a store, discovery (plugins, options, metrics, profiles, suites,
diagnostics), the inventory and probes, and the errors of benchlab_open()."""

import os
import pathlib
import sqlite3

import pytest

import benchlab
from conftest import PLUGIN_DIR, PROFILE_DIR, open_lab


def test_open_creates_the_store_and_close_ends_the_context(db):
    ctx = open_lab(db)
    assert os.path.samefile(ctx.db_path, db)
    assert db.exists()
    # A real SQLite store with benchlab's tables.
    with sqlite3.connect(db) as con:
        tables = {r[0] for r in con.execute("select name from sqlite_master")}
    assert {"runs", "results", "trials"} <= tables
    ctx.close()
    assert ctx.closed
    ctx.close()  # again: nothing
    with pytest.raises(benchlab.BenchlabError, match="closed"):
        ctx.plugins()


def test_context_manager_closes(db):
    with open_lab(db) as ctx:
        assert not ctx.closed
        assert repr(ctx).startswith("<benchlab.Context db=")
    assert ctx.closed


def test_default_store_under_xdg_data_home(tmp_path):
    with benchlab.open(default_dirs=False) as ctx:
        expected = tmp_path / "xdg_data_home" / "benchlab" / "results.db"
        assert os.path.samefile(ctx.db_path, expected)


def test_no_store_context_has_discovery_but_no_results():
    with benchlab.open(no_store=True, plugin_dirs=[PLUGIN_DIR], default_dirs=False) as ctx:
        assert ctx.db_path == ""
        assert "noop" in [p.id for p in ctx.plugins()]
        with pytest.raises(benchlab.StoreError) as e:
            ctx.results()
        assert e.value.code == 4 and e.value.name == "BENCHLAB_E_STORE"


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(db="nodir/x.db"), benchlab.StoreError, "does not exist"),
    (dict(db=""), benchlab.InvalidError, "path is empty"),
    (dict(db="missing.db", read_only=True), benchlab.StoreError, "no results store"),
])
def test_bad_store_paths_raise_with_the_librarys_message(tmp_path, kwargs, error, words):
    if kwargs["db"]:
        kwargs["db"] = tmp_path / kwargs["db"]
    with pytest.raises(error) as e:
        benchlab.open(**kwargs)
    assert words in e.value.message
    if kwargs["db"]:
        assert str(kwargs["db"].parent) in e.value.message


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("not a database\n" * 100)
    with pytest.raises(benchlab.StoreError, match="not a benchlab results store"):
        benchlab.open(other)


def test_plugins_with_their_options_and_metrics(lab):
    noop = lab.plugin("noop")
    assert noop.kind == "workload"
    assert noop.version == "1.0.0"
    assert os.path.samefile(noop.path, os.path.join(PLUGIN_DIR, "noop.so"))
    options = {o.name: o for o in noop.options}
    assert list(options) == ["sleep_ms", "fail_trial", "jitter", "label", "fork_child"]
    sleep = options["sleep_ms"]
    assert sleep.type == benchlab.OptionType.INT
    assert (sleep.default, sleep.min, sleep.max) == ("0", 0, 60000)
    assert not sleep.required and not sleep.repeated
    assert sleep.description == "milliseconds to sleep in every trial"
    assert options["jitter"].type == benchlab.OptionType.FLOAT
    assert options["fork_child"].type == benchlab.OptionType.BOOL
    assert options["label"].min is None and options["label"].max is None
    (metric,) = noop.metrics
    assert (metric.name, metric.unit, metric.direction, metric.optional) == \
        ("value", "x", "higher", False)
    assert noop.to_dict()["options"][0]["name"] == "sleep_ms"
    with pytest.raises(benchlab.NotFoundError, match="no plugin 'nothere'; there are: .*noop"):
        lab.plugin("nothere")


def test_profiles_suites_and_targets(lab):
    profiles = {p.id: p for p in lab.profiles()}
    assert profiles["py-noop"].kind == "profile"
    assert profiles["py-noop"].plugin == "noop"
    assert profiles["py-noop"].title == "Three instant noop trials"
    assert os.path.samefile(profiles["py-noop"].path, PROFILE_DIR / "py-noop.xml")
    assert [o.name for o in profiles["py-noop"].options][:2] == ["sleep_ms", "fail_trial"]
    assert [m.name for m in profiles["py-noop"].metrics] == ["value"]
    suite = profiles["py-lab"]
    assert (suite.kind, suite.plugin, suite.members) == ("suite", None,
                                                         ["py-lab-a", "py-lab-b"])
    targets = lab.targets()
    assert isinstance(targets["py-lab"], benchlab.ProfileInfo)
    assert isinstance(targets["noop"], benchlab.PluginInfo)
    assert list(targets)[0] == "py-lab"  # suites first, as benchlab run looks them up


def test_diagnostics_name_the_files_that_are_not_plugins(lab):
    diagnostics = lab.diagnostics()
    assert any("garbage.so" in d and "not an ELF" in d for d in diagnostics)
    assert any("wrongabi.so" in d and "ABI 2.0" in d for d in diagnostics)
    assert any("noentry.so" in d for d in diagnostics)
    assert all(isinstance(d, str) for d in diagnostics)


def test_inventory_and_probes_are_dicts(lab):
    inventory = lab.inventory()
    assert inventory["threads"] == os.cpu_count()
    assert inventory["gpus"] == []
    probes = lab.probes()
    assert probes["format_version"] == 1
    assert probes["probes"] == []  # no probe plugin among the test plugins


def test_validate_plugin_passes_a_good_plugin_and_reports_a_bad_file(lab, tmp_path):
    good = lab.validate_plugin(pathlib.Path(PLUGIN_DIR) / "noop.so")
    assert good["errors"] == 0, good["findings"]
    assert good["plugin"]["id"] == "noop"
    quick = lab.validate_plugin(pathlib.Path(PLUGIN_DIR) / "noop.so", dry_run=False)
    assert quick["errors"] == 0
    bad = tmp_path / "not-a-plugin.so"
    bad.write_bytes(b"#!/bin/sh\necho this is no shared object\n")
    found = lab.validate_plugin(bad)
    assert found["errors"] >= 1
    assert all(f["severity"] in ("error", "warning", "note") for f in found["findings"])
    with pytest.raises(benchlab.NotFoundError):
        lab.validate_plugin(tmp_path / "missing.so")
