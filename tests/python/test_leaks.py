# SPDX-License-Identifier: MIT
"""Every string the library allocates for the caller is freed once: counted through the
binding's benchlab_free(), and seen in the process's resident memory over many calls,
beside a control run that leaks on purpose to show the measurement can see a leak."""

import os

import pytest


PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


@pytest.fixture
def stocked(lab):
    for i in range(3):
        lab.run("py-lab", {"py-lab-a:label": "run %d" % i}, system_name="box-%d" % i)
    return lab


def test_every_allocated_string_is_freed_once(stocked, monkeypatch):
    lib = stocked.library
    freed = []
    real_free = lib.free

    def counting_free(ptr):
        freed.append(ptr.value)
        real_free(ptr)

    monkeypatch.setattr(lib, "free", counting_free)
    calls = [
        lambda: stocked.results_json(1),
        lambda: stocked.results_json(-1),
        stocked.inventory,
        stocked.probes,
        lambda: stocked.compare(baseline="box-0"),
        lambda: stocked.compare(baseline="box-0", format="json"),
        lambda: stocked.tco(price_usd=1000, cloud_rate_usd_h=1),
    ]
    for call in calls:
        call()
    assert len(freed) == len(calls)
    assert all(freed) and len(set(freed)) >= 1
    # A failed call hands out no string and frees nothing.
    with pytest.raises(Exception):
        stocked.compare(baseline="nobody")
    assert len(freed) == len(calls)


def grow(lab, calls):
    before = rss_bytes()
    for _ in range(calls):
        lab.results_json_text(-1)
    return rss_bytes() - before


def test_resident_memory_stays_flat_over_many_calls(stocked, monkeypatch):
    size = len(stocked.results_json_text(-1))
    calls = max(1000, (16 << 20) // size)  # 16 MiB if every string leaked
    grow(stocked, 200)  # warm up the allocator and SQLite's cache
    flat = grow(stocked, calls)
    assert flat < (2 << 20), "resident memory grew %d bytes over %d calls" % (flat, calls)

    # Control: the same calls without benchlab_free() must show the leak.
    monkeypatch.setattr(stocked.library, "free", lambda ptr: None)
    leaked = grow(stocked, calls)
    assert leaked > (size * calls) // 2, (leaked, size, calls)
