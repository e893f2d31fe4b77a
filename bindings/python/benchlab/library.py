# SPDX-License-Identifier: MIT
"""Finding, loading and checking libbenchlab.

The library is looked for, in order: the path given to load_library(); the path in
$BENCHLAB_LIBRARY; ``libbenchlab.so.1`` through the dynamic loader (the ldconfig cache,
LD_LIBRARY_PATH, the system directories). Its version must have this binding's major and
at least its minor: a minor only appends to the API, so a newer one serves an older
binding.
"""

import ctypes
import os
import threading

from . import _native
from .errors import LibraryError, VersionMismatchError, error_for

# The version of benchlab.h this binding mirrors (major, minor).
BINDING_VERSION = (_native.VERSION_MAJOR, _native.VERSION_MINOR)
SONAME = "libbenchlab.so.%d" % _native.VERSION_MAJOR
ENV_VAR = "BENCHLAB_LIBRARY"


class Library:
    """One loaded libbenchlab with its functions declared and its version checked."""

    def __init__(self, cdll, path):
        self.path = path
        self._cdll = cdll
        if not hasattr(cdll, "benchlab_library_version"):
            raise LibraryError(
                "%s is not libbenchlab: it has no benchlab_library_version()" % path)
        _native.declare(cdll)
        info = _native.new(_native.VersionInfo)
        rc = cdll.benchlab_library_version(ctypes.byref(info))
        if rc != _native.OK:
            raise LibraryError("%s: benchlab_library_version() failed (%d)" % (path, rc))
        self.version = (info.major, info.minor, info.patch)
        self.version_string = _native.text(info.string)
        self.plugin_abi = (info.plugin_abi_major, info.plugin_abi_minor)
        check_version(self.version, path)

    def __getattr__(self, name):
        # The API's functions: lib.benchlab_open(...), declared by _native.declare().
        if name.startswith("benchlab_"):
            return getattr(self._cdll, name)
        raise AttributeError(name)

    def errmsg(self):
        """The calling thread's message for the last failed call."""
        return _native.text(self._cdll.benchlab_errmsg()) or ""

    def check(self, rc):
        """Raises the BenchlabError for a status code other than BENCHLAB_OK."""
        if rc != _native.OK:
            raise error_for(rc, self.errmsg())

    def free(self, ptr):
        """benchlab_free(): releases a string the library handed to the caller."""
        self._cdll.benchlab_free(ptr)

    def take_string(self, ptr):
        """Reads an allocated char* (a c_void_p) as str and frees it; None for NULL."""
        if not ptr.value:
            return None
        try:
            return ctypes.string_at(ptr.value).decode("utf-8", "replace")
        finally:
            self.free(ptr)
            ptr.value = None


def check_version(runtime, path):
    """Refuses a runtime version this binding cannot use, naming both versions."""
    want_major, want_minor = BINDING_VERSION
    major, minor = runtime[0], runtime[1]
    if major != want_major or minor < want_minor:
        raise VersionMismatchError(
            "%s is benchlab %s, but this binding needs %d.x with x >= %d "
            "(written for %d.%d): install a libbenchlab of major %d and minor %d or "
            "newer, or the binding of the library's version"
            % (path, ".".join(str(v) for v in runtime), want_major, want_minor,
               want_major, want_minor, want_major, want_minor))


_lock = threading.Lock()
_current = None


def load_library(path=None):
    """Loads libbenchlab (from `path`, else $BENCHLAB_LIBRARY, else libbenchlab.so.1
    through the dynamic loader), checks its version and makes it the one that
    benchlab.open() uses. Returns the Library. Raises LibraryError (VersionMismatchError
    for a version this binding cannot use)."""
    global _current
    if path is not None:
        tries = [(os.fspath(path), "the path given to load_library()")]
    elif os.environ.get(ENV_VAR):
        tries = [(os.environ[ENV_VAR], "$%s" % ENV_VAR)]
    else:
        tries = [(SONAME, "the dynamic loader (ldconfig cache, LD_LIBRARY_PATH)")]
    failures = []
    for candidate, how in tries:
        try:
            cdll = ctypes.CDLL(candidate)
        except OSError as e:
            failures.append("%s from %s: %s" % (candidate, how, e))
            continue
        lib = Library(cdll, candidate)
        with _lock:
            _current = lib
        return lib
    raise LibraryError(
        "libbenchlab could not be loaded; tried %s. Set $%s to the library's path "
        "(e.g. build/lib/%s), call benchlab.load_library(PATH), or install the "
        "libbenchlab%d package" % ("; ".join(failures), ENV_VAR, SONAME,
                                    _native.VERSION_MAJOR))


def library():
    """The loaded Library, loading the default one at the first call."""
    with _lock:
        lib = _current
    return lib if lib is not None else load_library()
