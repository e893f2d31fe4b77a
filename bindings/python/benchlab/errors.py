# SPDX-License-Identifier: MIT
"""Exceptions: every failed call of the library is a BenchlabError with the library's
status code, its name and the library's own message (benchlab_errmsg())."""

from . import _native

CODE_NAMES = {
    _native.ERROR: "BENCHLAB_ERROR",
    _native.E_INVALID: "BENCHLAB_E_INVALID",
    _native.E_NOT_FOUND: "BENCHLAB_E_NOT_FOUND",
    _native.E_STORE: "BENCHLAB_E_STORE",
    _native.E_PROFILE: "BENCHLAB_E_PROFILE",
    _native.E_INTERRUPTED: "BENCHLAB_E_INTERRUPTED",
    _native.E_TRIALS_FAILED: "BENCHLAB_E_TRIALS_FAILED",
}


class BenchlabError(Exception):
    """A call of libbenchlab failed.

    ``code`` is the library's status code (``BENCHLAB_E_*``), ``name`` its name and
    ``message`` the library's text for it. Errors found before the library was reached
    (a bad argument type, no library) have the code the library would give, or
    ``BENCHLAB_ERROR``.
    """

    def __init__(self, code, message):
        name = CODE_NAMES.get(code, "BENCHLAB_ERROR_%d" % code)
        super().__init__("%s: %s" % (name, message) if message else name)
        self.code = code
        self.name = name
        self.message = message


class InvalidError(BenchlabError, ValueError):
    """BENCHLAB_E_INVALID: a bad argument, option, number or target."""


class NotFoundError(BenchlabError, LookupError):
    """BENCHLAB_E_NOT_FOUND: no such target, run, plugin, index or system."""


class StoreError(BenchlabError):
    """BENCHLAB_E_STORE: the SQLite store could not be opened, read or written."""


class ProfileError(BenchlabError):
    """BENCHLAB_E_PROFILE: a profile or suite file is malformed."""


class RunInterruptedError(BenchlabError):
    """BENCHLAB_E_INTERRUPTED: the run was cancelled; ``run_id`` can be resumed."""

    run_id = 0


class TrialsFailedError(BenchlabError):
    """BENCHLAB_E_TRIALS_FAILED: the run finished, but some trials failed.

    ``run_id`` is the stored run; its results say which trials failed and why.
    """

    run_id = 0


class LibraryError(BenchlabError):
    """libbenchlab could not be found or loaded."""

    def __init__(self, message):
        super().__init__(_native.ERROR, message)


class VersionMismatchError(LibraryError):
    """The library loaded is not a version this binding can use."""


_BY_CODE = {
    _native.E_INVALID: InvalidError,
    _native.E_NOT_FOUND: NotFoundError,
    _native.E_STORE: StoreError,
    _native.E_PROFILE: ProfileError,
    _native.E_INTERRUPTED: RunInterruptedError,
    _native.E_TRIALS_FAILED: TrialsFailedError,
}


def error_for(code, message):
    """The BenchlabError subclass instance for a status code."""
    return _BY_CODE.get(code, BenchlabError)(code, message)
