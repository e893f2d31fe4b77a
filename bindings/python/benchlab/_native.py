# SPDX-License-Identifier: MIT
"""The C API of benchlab.h, mirrored with ctypes: constants, structs, prototypes.

Every struct is laid out field for field as in benchlab.h (version 1.0); the caller sets
`struct_size` to the ctypes sizeof() before each call. Functions that hand the caller an
allocated string take a ``c_void_p`` out-parameter, never ``c_char_p``, so the pointer
survives to be released with benchlab_free().
"""

import ctypes
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_double, c_int32,
                    c_int64, c_uint32, c_uint64, c_void_p)

# ---- Versions (benchlab.h) ----
VERSION_MAJOR = 1
VERSION_MINOR = 0
VERSION_PATCH = 0

# ---- Status codes ----
OK = 0
ERROR = 1
E_INVALID = 2
E_NOT_FOUND = 3
E_STORE = 4
E_PROFILE = 5
E_INTERRUPTED = 6
E_TRIALS_FAILED = 7

# ---- benchlab_config.flags ----
NO_DEFAULT_DIRS = 0x1
READ_ONLY = 0x2
NO_STORE = 0x4

# ---- Discovery ----
PLUGIN_WORKLOAD = 1
PLUGIN_PROBE = 2
OPTION_REQUIRED = 0x1
OPTION_REPEATED = 0x2
METRIC_OPTIONAL = 0x1
TARGET_PROFILE = 1
TARGET_SUITE = 2

# ---- Running ----
WARMUP_NONE = -1

# ---- benchlab_validate_plugin() flags ----
VALIDATE_NO_DRY_RUN = 0x1


class VersionInfo(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("major", c_uint32),
        ("minor", c_uint32),
        ("patch", c_uint32),
        ("plugin_abi_major", c_uint32),
        ("plugin_abi_minor", c_uint32),
        ("string", c_char_p),
    ]


class Config(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("db_path", c_char_p),
        ("plugin_dirs", POINTER(c_char_p)),
        ("profile_dirs", POINTER(c_char_p)),
        ("worker_path", c_char_p),
        ("sysroot", c_char_p),
        ("flags", c_uint32),
    ]


class PluginInfo(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("id", c_char_p),
        ("version", c_char_p),
        ("description", c_char_p),
        ("path", c_char_p),
        ("kind", c_int32),
        ("options", c_char_p),
        ("metrics", c_char_p),
        ("option_count", c_uint32),
        ("metric_count", c_uint32),
    ]


class OptionInfo(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("name", c_char_p),
        ("type", c_int32),
        ("flags", c_uint32),
        ("default_value", c_char_p),
        ("allowed_count", c_uint32),
        ("allowed", POINTER(c_char_p)),
        ("min_value", c_double),
        ("max_value", c_double),
        ("description", c_char_p),
    ]


class MetricInfo(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("name", c_char_p),
        ("unit", c_char_p),
        ("direction", c_int32),
        ("flags", c_uint32),
        ("description", c_char_p),
    ]


class ProfileInfo(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("id", c_char_p),
        ("title", c_char_p),
        ("path", c_char_p),
        ("kind", c_int32),
        ("plugin", c_char_p),
        ("members", c_char_p),
    ]


class Event(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("type", c_int32),
        ("run_id", c_int64),
        ("index", c_uint32),
        ("total", c_uint32),
        ("test", c_char_p),
        ("options", c_char_p),
        ("trial", c_uint32),
        ("trials_planned", c_uint32),
        ("warmup", c_int32),
        ("status", c_int32),
        ("message", c_char_p),
        ("value", c_double),
        ("elapsed_ns", c_uint64),
    ]


EVENT_FN = CFUNCTYPE(None, c_void_p, POINTER(Event))


class RunRequest(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("targets", POINTER(c_char_p)),
        ("options", POINTER(c_char_p)),
        ("trials", c_uint32),
        ("min_trials", c_uint32),
        ("max_trials", c_uint32),
        ("target_ci", c_double),
        ("warmup", c_int32),
        ("timeout_s", c_double),
        ("system_name", c_char_p),
        ("resume_run_id", c_int64),
        ("on_event", EVENT_FN),
        ("user", c_void_p),
        # appended in 0.2
        ("probes", c_char_p),
        ("probe_interval_ms", c_uint32),
        ("probe_options", POINTER(c_char_p)),
        ("idle_baseline_s", c_double),
        ("cooldown_max_s", c_double),
    ]


class Result(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("run_id", c_int64),
        ("result_id", c_int64),
        ("system", c_char_p),
        ("test", c_char_p),
        ("plugin", c_char_p),
        ("plugin_version", c_char_p),
        ("options", c_char_p),
        ("metric", c_char_p),
        ("unit", c_char_p),
        ("direction", c_int32),
        ("status", c_int32),
        ("reason", c_char_p),
        ("n", c_uint32),
        ("failed", c_uint32),
        ("mean", c_double),
        ("median", c_double),
        ("sd", c_double),
        ("cov", c_double),
        ("ci95", c_double),
        ("min", c_double),
        ("max", c_double),
        ("outliers", c_uint32),
        # appended in 0.1
        ("plugin_path", c_char_p),
        ("plugin_sha256", c_char_p),
        ("containment", c_char_p),
        # appended in 0.2
        ("throttled", c_uint32),
        ("derived", c_int32),
        # appended in 0.3
        ("description", c_char_p),
        ("dist_n", c_uint64),
        ("dist_mean", c_double),
        ("dist_p50", c_double),
        ("dist_p90", c_double),
        ("dist_p99", c_double),
    ]


class CompareRequest(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("baseline", c_char_p),
        ("db_paths", POINTER(c_char_p)),
        ("format", c_int32),
        ("prices", POINTER(c_char_p)),
        ("cloud_rate_usd_h", c_double),
        ("hours_per_day", c_double),
        ("electricity_usd_kwh", c_double),
        ("title", c_char_p),
    ]


class TcoRequest(Structure):
    _fields_ = [
        ("struct_size", c_uint32),
        ("price_usd", c_double),
        ("cloud_rate_usd_h", c_double),
        ("hours_per_day", c_double),
        ("electricity_usd_kwh", c_double),
        ("power_w", c_double),
        ("system", c_char_p),
    ]


def new(struct_type):
    """A zeroed struct with struct_size set: the defaults, per benchlab.h."""
    s = struct_type()
    s.struct_size = ctypes.sizeof(struct_type)
    return s


# name: (restype, argtypes). Opaque handles are c_void_p.
_P = c_void_p
_OUT_STR = POINTER(c_void_p)
PROTOTYPES = {
    "benchlab_library_version": (c_int32, [POINTER(VersionInfo)]),
    "benchlab_version": (c_char_p, []),
    "benchlab_errmsg": (c_char_p, []),
    "benchlab_free": (None, [c_void_p]),
    "benchlab_open": (c_int32, [POINTER(Config), POINTER(c_void_p)]),
    "benchlab_close": (None, [_P]),
    "benchlab_db_path": (c_char_p, [_P]),
    "benchlab_plugin_count": (c_uint32, [_P]),
    "benchlab_plugin_at": (c_int32, [_P, c_uint32, POINTER(PluginInfo)]),
    "benchlab_plugin_option_at": (c_int32,
                                  [_P, c_uint32, c_uint32, POINTER(OptionInfo)]),
    "benchlab_plugin_metric_at": (c_int32,
                                  [_P, c_uint32, c_uint32, POINTER(MetricInfo)]),
    "benchlab_diagnostic_count": (c_uint32, [_P]),
    "benchlab_diagnostic_at": (c_char_p, [_P, c_uint32]),
    "benchlab_profile_count": (c_uint32, [_P]),
    "benchlab_profile_at": (c_int32, [_P, c_uint32, POINTER(ProfileInfo)]),
    "benchlab_run": (c_int32, [_P, POINTER(RunRequest), POINTER(c_int64)]),
    "benchlab_cancel": (None, [_P]),
    "benchlab_results": (c_int32, [_P, c_int64, POINTER(c_void_p)]),
    "benchlab_cursor_next": (c_int32, [_P, POINTER(Result)]),
    "benchlab_cursor_free": (None, [_P]),
    "benchlab_results_json": (c_int32, [_P, c_int64, _OUT_STR]),
    "benchlab_probes_json": (c_int32, [_P, POINTER(c_char_p), _OUT_STR]),
    "benchlab_inventory_json": (c_int32, [_P, _OUT_STR]),
    "benchlab_compare": (c_int32, [_P, POINTER(CompareRequest), _OUT_STR]),
    "benchlab_tco_json": (c_int32, [_P, POINTER(TcoRequest), _OUT_STR]),
    "benchlab_export_pts": (c_int32,
                            [_P, POINTER(c_int64), c_uint32, c_char_p, _OUT_STR]),
    "benchlab_import_pts": (c_int32, [_P, c_char_p, _OUT_STR]),
    "benchlab_validate_plugin": (c_int32, [_P, c_char_p, c_double, c_uint32, _OUT_STR]),
}


def declare(cdll):
    """Sets restype and argtypes of every function of the API on a loaded library."""
    for name, (restype, argtypes) in PROTOTYPES.items():
        fn = getattr(cdll, name)
        fn.restype = restype
        fn.argtypes = argtypes


def text(value):
    """A char* read through c_char_p (bytes or None) as str or None."""
    return None if value is None else value.decode("utf-8", "replace")


def string_array(items):
    """A NULL-terminated char*[] of the given strings, or None for no items.

    The array keeps its encoded strings alive (ctypes holds the bytes objects).
    """
    if items is None:
        return None
    encoded = [s.encode("utf-8") for s in items]
    arr = (c_char_p * (len(encoded) + 1))(*encoded, None)
    return arr
