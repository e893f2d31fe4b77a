# SPDX-License-Identifier: MIT
"""The package as it is shipped: cmake's install rule (the Debian path packaging uses,
no __pycache__) and a wheel built from pyproject.toml, each imported from where it went."""

import os
import pathlib
import shutil
import subprocess
import sys
import zipfile

import pytest

import benchlab
from conftest import SOURCE_DIR

PACKAGE = SOURCE_DIR / "bindings" / "python"
SOURCES = sorted(p.name for p in (PACKAGE / "benchlab").glob("*.py"))


def import_from(path):
    """benchlab imported in a fresh python3 with only `path` added: (file, version)."""
    env = dict(os.environ, PYTHONPATH=str(path))
    out = subprocess.run(
        [sys.executable, "-c", "import benchlab\n"
         "with benchlab.open(no_store=True, default_dirs=False) as c: pass\n"
         "print(benchlab.__file__); print(benchlab.library_version())"],
        env=env, cwd=str(path), capture_output=True, text=True, check=True)
    return out.stdout.split("\n")[:2]


@pytest.mark.skipif(not os.environ.get("BENCHLAB_BUILD_DIR"), reason="needs the build tree")
def test_cmake_installs_the_package_into_debians_directory(tmp_path):
    build = pathlib.Path(os.environ["BENCHLAB_BUILD_DIR"])
    cmake = os.environ.get("BENCHLAB_CMAKE") or shutil.which("cmake")
    # Leave a __pycache__ in the source package: the install must not ship it.
    subprocess.run([sys.executable, "-c", "import benchlab"], env=dict(
        os.environ, PYTHONPATH=str(PACKAGE), PYTHONDONTWRITEBYTECODE=""), check=True)
    subprocess.run([cmake, "-DCMAKE_INSTALL_PREFIX=%s/usr" % tmp_path, "-P",
                    str(build / "bindings" / "python" / "cmake_install.cmake")],
                   check=True, capture_output=True)
    site = tmp_path / "usr" / "lib" / "python3" / "dist-packages"
    installed = site / "benchlab"
    assert sorted(p.name for p in installed.iterdir()) == SOURCES
    where, version = import_from(site)
    assert where == str(installed / "__init__.py")
    assert version == str(benchlab.load_library().version)


def test_a_wheel_from_pyproject_holds_the_package(tmp_path):
    build_meta = pytest.importorskip("setuptools.build_meta")
    assert build_meta  # setuptools with PEP 517 support
    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src, ignore=shutil.ignore_patterns("__pycache__", "*.txt"))
    subprocess.run([sys.executable, "-c",
                    "from setuptools import build_meta as b; b.build_wheel('dist')"],
                   cwd=str(src), check=True, capture_output=True)
    (wheel,) = (src / "dist").glob("*.whl")
    assert wheel.name.startswith("benchlab-%s-py3-none-any" % benchlab.__version__)
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        z.extractall(tmp_path / "site")
    assert sorted(n.split("/")[1] for n in names if n.startswith("benchlab/")) == SOURCES
    where, _ = import_from(tmp_path / "site")
    assert where == str(tmp_path / "site" / "benchlab" / "__init__.py")
