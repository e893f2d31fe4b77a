# SPDX-License-Identifier: MIT
"""Fixtures of the Python binding's tests: the built library, worker and test plugins of
this build (ctest passes their paths in the environment), and a store per test."""

import os
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
SOURCE_DIR = pathlib.Path(os.environ.get("BENCHLAB_SOURCE_DIR", HERE.parent.parent))
BUILD_DIR = SOURCE_DIR / "build"  # for a run by hand from a default build
PROFILE_DIR = HERE / "profiles"

# The package from the source tree, unless one is importable already.
try:
    import benchlab  # noqa: F401
except ImportError:
    sys.path.insert(0, str(SOURCE_DIR / "bindings" / "python"))
    import benchlab  # noqa: F401,E402


def _from_env(name, default):
    value = os.environ.get(name) or str(default)
    if not pathlib.Path(value).exists():
        raise pytest.UsageError(
            "%s: %s does not exist: build benchlab first, or run these tests with ctest "
            "-L python, which sets it" % (name, value))
    os.environ[name] = value
    return value


LIBRARY = _from_env("BENCHLAB_LIBRARY", BUILD_DIR / "lib" / "libbenchlab.so.1")
WORKER = _from_env("BENCHLAB_WORKER", BUILD_DIR / "libexec" / "benchlab" / "benchlab-worker")
PLUGIN_DIR = _from_env("BENCHLAB_TEST_PLUGIN_DIR", BUILD_DIR / "test-plugins")


@pytest.fixture(autouse=True)
def private_dirs(tmp_path, monkeypatch):
    """Discovery cache and default store under the test's directory; no plugin or
    profile directories from the caller's environment."""
    for var in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    for var in ("BENCHLAB_PLUGIN_PATH", "BENCHLAB_PROFILE_PATH"):
        monkeypatch.delenv(var, raising=False)


def open_lab(db, **kwargs):
    kwargs.setdefault("plugin_dirs", [PLUGIN_DIR])
    kwargs.setdefault("profile_dirs", [PROFILE_DIR])
    kwargs.setdefault("default_dirs", False)
    return benchlab.open(db, **kwargs)


@pytest.fixture
def lab(tmp_path):
    """A context over a new store with the test plugins and this directory's profiles."""
    with open_lab(tmp_path / "lab.db") as ctx:
        yield ctx


@pytest.fixture
def db(tmp_path):
    return tmp_path / "lab.db"
