# SPDX-License-Identifier: MIT
"""Finding and loading libbenchlab, its version check, and the ctypes mirror of
benchlab.h: constants and every struct's size and field offsets against the C header."""

import ctypes
import os
import re
import shutil
import subprocess

import pytest

import benchlab
from benchlab import _native, library
from conftest import LIBRARY, PLUGIN_DIR, SOURCE_DIR

HEADER = SOURCE_DIR / "abi" / "include" / "benchlab" / "benchlab.h"


def header_defines():
    defines = {}
    for m in re.finditer(r"^#define (BENCHLAB_\w+) +(\(?-?(?:0x)?[0-9a-fA-F]+u?\)?|\"[^\"]*\")",
                         HEADER.read_text(), re.M):
        defines[m.group(1)] = m.group(2)
    return defines


def test_loads_the_built_library_of_the_headers_version():
    lib = benchlab.load_library(LIBRARY)
    want = header_defines()["BENCHLAB_VERSION_STRING"].strip('"')
    assert lib.version_string == want
    assert ".".join(map(str, lib.version)) == want
    assert benchlab.library_version() == lib.version
    assert lib.plugin_abi == (int(header_defines()["BENCHLAB_PLUGIN_ABI_MAJOR"]),
                              int(header_defines()["BENCHLAB_PLUGIN_ABI_MINOR"]))
    assert benchlab.__version__ == want


def test_environment_variable_names_the_library(monkeypatch):
    monkeypatch.setenv("BENCHLAB_LIBRARY", LIBRARY)
    assert os.path.samefile(benchlab.load_library().path, LIBRARY)


def test_a_missing_library_says_what_was_tried(monkeypatch, tmp_path):
    missing = str(tmp_path / "libbenchlab.so.1")
    monkeypatch.setenv("BENCHLAB_LIBRARY", missing)
    with pytest.raises(benchlab.LibraryError) as e:
        benchlab.load_library()
    assert missing in str(e.value) and "$BENCHLAB_LIBRARY" in str(e.value)

    monkeypatch.delenv("BENCHLAB_LIBRARY")
    monkeypatch.setattr(library, "SONAME", "libbenchlab-nonexistent.so.1")
    with pytest.raises(benchlab.LibraryError) as e:
        benchlab.load_library()
    assert "libbenchlab-nonexistent.so.1" in str(e.value)
    assert "dynamic loader" in str(e.value)


def test_a_library_that_is_not_benchlab_is_refused():
    plugin = os.path.join(PLUGIN_DIR, "noop.so")
    with pytest.raises(benchlab.LibraryError, match="is not libbenchlab"):
        benchlab.load_library(plugin)


@pytest.mark.parametrize("binding", [(2, 0), (0, 9), (1, 1), (1, 7)])
def test_a_version_mismatch_names_both_versions(monkeypatch, binding):
    monkeypatch.setattr(library, "BINDING_VERSION", binding)
    with pytest.raises(benchlab.VersionMismatchError) as e:
        benchlab.load_library(LIBRARY)
    message = str(e.value)
    assert "is benchlab 1.0.0" in message
    assert "written for %d.%d" % binding in message
    assert isinstance(e.value, benchlab.BenchlabError)


def test_an_older_binding_minor_accepts_the_library(monkeypatch):
    # A library's minor only appends, so the binding of an older minor works with it.
    lib = benchlab.load_library(LIBRARY)
    monkeypatch.setattr(library, "BINDING_VERSION", (1, 0))
    library.check_version((1, 3, 0), "libbenchlab.so.1")
    with pytest.raises(benchlab.VersionMismatchError):
        library.check_version((2, 0, 0), "libbenchlab.so.2")
    assert lib.version[0] == 1


def test_constants_match_the_header():
    defines = header_defines()
    checked = 0
    for name, text in defines.items():
        short = name[len("BENCHLAB_"):]
        if not hasattr(_native, short):
            continue
        value = int(text.strip("()u"), 0)
        assert getattr(_native, short) == value, name
        checked += 1
    assert checked >= 20
    for enum_type, prefix in [(benchlab.EventType, "EV_"), (benchlab.Status, "STATUS_"),
                              (benchlab.OptionType, "OPTION_"), (benchlab.Format, "FORMAT_")]:
        for member in enum_type:
            assert int(defines["BENCHLAB_" + prefix + member.name]) == member, member


STRUCTS = {
    "benchlab_version_info": _native.VersionInfo,
    "benchlab_config": _native.Config,
    "benchlab_plugin_info": _native.PluginInfo,
    "benchlab_option_info": _native.OptionInfo,
    "benchlab_metric_info": _native.MetricInfo,
    "benchlab_profile_info": _native.ProfileInfo,
    "benchlab_event": _native.Event,
    "benchlab_run_request": _native.RunRequest,
    "benchlab_result": _native.Result,
    "benchlab_compare_request": _native.CompareRequest,
    "benchlab_tco_request": _native.TcoRequest,
}


def test_every_header_struct_is_mirrored():
    declared = set(re.findall(r"typedef struct (benchlab_\w+) \{", HEADER.read_text()))
    assert declared == set(STRUCTS)


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler to read the header")
def test_struct_layouts_match_the_header(tmp_path):
    """sizeof and offsetof of every field, from the C compiler, against ctypes."""
    lines = ["#include <stddef.h>", "#include <stdio.h>", "#include <benchlab/benchlab.h>",
             "int main(void) {"]
    for cname, struct in STRUCTS.items():
        lines.append('printf("%s %%zu\\n", sizeof(%s));' % (cname, cname))
        for field, _ in struct._fields_:
            lines.append('printf("%s.%s %%zu\\n", offsetof(%s, %s));'
                         % (cname, field, cname, field))
    lines += ["return 0;", "}"]
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "layout"
    subprocess.run(["cc", "-std=c11", "-I", str(SOURCE_DIR / "abi" / "include"),
                    str(src), "-o", str(exe)], check=True)
    c_layout = dict(line.rsplit(" ", 1) for line in
                    subprocess.run([str(exe)], check=True, capture_output=True,
                                   text=True).stdout.splitlines())
    for cname, struct in STRUCTS.items():
        assert int(c_layout[cname]) == ctypes.sizeof(struct), cname
        for field, _ in struct._fields_:
            assert int(c_layout["%s.%s" % (cname, field)]) == \
                getattr(struct, field).offset, "%s.%s" % (cname, field)
