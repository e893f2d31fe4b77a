# SPDX-License-Identifier: MIT
"""Reading results back: a pandas DataFrame, comparisons in every format, the cost of
ownership, and Phoronix Test Suite export and import."""

import csv
import io
import sys

import pytest

import benchlab
from conftest import open_lab


@pytest.fixture
def two_systems(tmp_path):
    """Two stores, each with one run of py-noop: box-a (value 1) and box-b (jitter)."""
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    with open_lab(a) as lab:
        lab.run("py-noop", system_name="box-a")
    with open_lab(b) as lab:
        lab.run("py-noop", {"py-noop:jitter": 0.5}, system_name="box-b")
    return a, b


def test_results_frame_has_a_row_per_result_and_metric(lab):
    pandas = pytest.importorskip("pandas")
    lab.run("py-lab")
    df = lab.results_frame()
    assert isinstance(df, pandas.DataFrame)
    assert list(df["test"]) == ["py-lab-a", "py-lab-b"]
    assert list(df["n"]) == [3, 4]
    assert list(df["mean"]) == [1.0, 1.0]
    assert set(df["status"]) == {"ok"}
    assert df.columns[0] == "run_id" and "dist_p99" in df.columns
    assert benchlab.results_frame(lab, 1).equals(df)


def test_results_frame_without_pandas_says_what_to_install(lab, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    with pytest.raises(ImportError, match="needs pandas.*python3-pandas"):
        lab.results_frame()


def test_results_of_an_unknown_run(lab):
    with pytest.raises(benchlab.NotFoundError):
        lab.results(42)
    with pytest.raises(benchlab.NotFoundError):
        lab.results_json(0)  # an empty store has no latest run
    assert lab.results_json(-1) == {"format_version": 1, "runs": []}


def test_compare_in_every_format(lab, two_systems):
    a, b = two_systems
    table = lab.compare(baseline="box-a", dbs=[a, b])
    assert "Baseline: box-a" in table and "box-b" in table
    doc = lab.compare(baseline="box-a", dbs=[a, b], format="json")
    assert isinstance(doc, dict)
    assert "box-b" in str(doc) and "box-a" in str(doc)
    rows = list(csv.reader(io.StringIO(lab.compare(baseline="box-a", dbs=[a, b],
                                                   format=benchlab.Format.CSV))))
    assert len(rows) >= 3 and any("box-b" in r for r in rows)
    markdown = lab.compare(baseline="box-a", dbs=[a, b], format="markdown")
    assert markdown.lstrip().startswith("|") or "| " in markdown
    html = lab.compare(baseline="box-a", dbs=[a, b], format="html", title="Lab")
    assert html.lstrip().lower().startswith("<!doctype html") and "Lab" in html
    assert "box-b" in lab.compare(baseline="box-a", dbs=[a, b], format="report_markdown")


def test_compare_errors_carry_the_librarys_message(lab, two_systems):
    a, b = two_systems
    with pytest.raises(benchlab.NotFoundError) as e:
        lab.compare(baseline="box-z", dbs=[a, b])
    assert "box-a" in e.value.message and "box-b" in e.value.message
    with pytest.raises(benchlab.InvalidError, match="format 'pdf'"):
        lab.compare(format="pdf")


def test_tco_is_a_dict(lab):
    tco = lab.tco(price_usd=4500, cloud_rate_usd_h=6.0, hours_per_day=24)
    assert (tco["price_usd"], tco["cloud_per_day"], tco["cloud_per_week"]) == \
        (4500.0, 144.0, 1008.0)
    assert tco["breakeven_days"] == pytest.approx(4500 / 144)
    with pytest.raises(benchlab.InvalidError):
        lab.tco(price_usd=-1, cloud_rate_usd_h=6.0)


def test_pts_export_and_import(lab, tmp_path):
    lab.run("py-noop", system_name="box-a")
    path = lab.export_pts(tmp_path / "out")
    assert path.endswith("composite.xml")
    with open_lab(tmp_path / "other.db") as other:
        imported = other.import_pts(path)
        assert imported["runs"] and imported["results"] >= 1
        (row,) = other.results(imported["runs"][0])
        assert (row["system"], row["mean"]) == ("box-a", 1.0)
