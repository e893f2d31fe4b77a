# SPDX-License-Identifier: MIT
"""A run: the run request built from Python arguments, and the bridge that hands the
library's events to a Python callback without letting an exception cross into C."""

import ctypes
import math
import numbers
import threading
from collections.abc import Mapping

from . import _native
from .errors import InvalidError, RunInterruptedError, TrialsFailedError, error_for
from .types import Event, EventType, Status

_UINT32_MAX = 2 ** 32 - 1


def _invalid(message):
    return InvalidError(_native.E_INVALID, message)


def format_value(key, value):
    """An option value as the library reads it: bools as true/false, numbers in decimal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        if not math.isfinite(value):
            raise _invalid("option %s: %r is not a finite number" % (key, value))
        return repr(float(value))
    if isinstance(value, str):
        return value
    raise _invalid("option %s: a value must be a str, int, float or bool, not %s"
                   % (key, type(value).__name__))


def option_strings(options, what="option"):
    """"KEY=VALUE" strings from a mapping (a list or tuple value gives the key once per
    value, for a repeated option), from (key, value) pairs or from "KEY=VALUE" strings."""
    if options is None:
        return []
    if isinstance(options, str):
        raise _invalid("%ss must be a dict or a list, not a str" % what)
    items = options.items() if isinstance(options, Mapping) else options
    out = []
    for item in items:
        if isinstance(item, str):
            if "=" not in item:
                raise _invalid("%s %r is not KEY=VALUE" % (what, item))
            out.append(item)
            continue
        key, value = item
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            out.append("%s=%s" % (key, format_value(key, v)))
    return out


def count(name, value):
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or not 0 <= value <= _UINT32_MAX:
        raise _invalid("%s must be an integer from 0 to %d, not %r"
                       % (name, _UINT32_MAX, value))
    return int(value)


def number(name, value):
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _invalid("%s must be a number, not %r" % (name, value))
    if not math.isfinite(value):
        raise _invalid("%s must be finite, not %r" % (name, value))
    return float(value)


def _targets(targets):
    if isinstance(targets, str):
        return [targets]
    if targets is None:
        return []
    targets = list(targets)
    for t in targets:
        if not isinstance(t, str):
            raise _invalid("a target must be a str (profile, suite or plugin id), not %r"
                           % (t,))
    return targets


def build_request(targets=None, options=None, trials=None, min_trials=None,
                  max_trials=None, target_ci=None, warmup=None, timeout_s=None,
                  system_name=None, resume_run_id=0, probes=None,
                  probe_interval_ms=None, probe_options=None, idle_baseline_s=None,
                  cooldown_max_s=None):
    """A benchlab_run_request; None for a field means the profile's setting. warmup=0
    means no warm-up (BENCHLAB_WARMUP_NONE). The request holds its strings."""
    req = _native.new(_native.RunRequest)
    req.targets = _native.string_array(_targets(targets))
    opts = option_strings(options)
    req.options = _native.string_array(opts) if opts else None
    req.trials = count("trials", trials)
    req.min_trials = count("min_trials", min_trials)
    req.max_trials = count("max_trials", max_trials)
    req.target_ci = number("target_ci", target_ci)
    if warmup is not None:
        if isinstance(warmup, bool) or not isinstance(warmup, numbers.Integral) \
                or not 0 <= warmup <= 2 ** 31 - 1:
            raise _invalid("warmup must be an integer >= 0 (0: none), not %r" % (warmup,))
        req.warmup = int(warmup) if warmup else _native.WARMUP_NONE
    req.timeout_s = number("timeout_s", timeout_s)
    if system_name is not None:
        req.system_name = system_name.encode("utf-8")
    if isinstance(resume_run_id, bool) or not isinstance(resume_run_id, numbers.Integral) \
            or resume_run_id < 0:
        raise _invalid("the run to resume must be a run id > 0, not %r" % (resume_run_id,))
    req.resume_run_id = int(resume_run_id)
    if probes is not None:
        if not isinstance(probes, str):
            probes = ",".join(probes)
        req.probes = probes.encode("utf-8")
    req.probe_interval_ms = count("probe_interval_ms", probe_interval_ms)
    popts = option_strings(probe_options, "probe option")
    req.probe_options = _native.string_array(popts) if popts else None
    req.idle_baseline_s = number("idle_baseline_s", idle_baseline_s)
    req.cooldown_max_s = number("cooldown_max_s", cooldown_max_s)
    return req


def event_from(ev):
    """A benchlab_event copied into an Event (its strings live only for the callback)."""
    try:
        etype = EventType(ev.type)
    except ValueError:
        etype = ev.type  # a type appended by a newer library
    try:
        status = Status(ev.status)
    except ValueError:
        status = ev.status
    return Event(type=etype, run_id=ev.run_id, index=ev.index, total=ev.total,
                 test=_native.text(ev.test), options=_native.text(ev.options),
                 trial=ev.trial, trials_planned=ev.trials_planned,
                 warmup=bool(ev.warmup), status=status,
                 message=_native.text(ev.message), value=ev.value,
                 elapsed_ns=ev.elapsed_ns)


class EventBridge:
    """The C callback of a run. It calls `on_event` with an Event; an exception that the
    callback raises is kept (the first one), the run is cancelled, and run() raises it
    once benchlab_run() has returned: nothing unwinds through the library's frames."""

    def __init__(self, lib, handle, on_event):
        self._lib = lib
        self._handle = handle
        self._on_event = on_event
        self.error = None
        self.cfunc = _native.EVENT_FN(self._call)

    def _call(self, _user, ev_ptr):
        try:
            if self.error is None:
                self._on_event(event_from(ev_ptr.contents))
        except BaseException as e:  # noqa: B902 - nothing may unwind into C
            if self.error is None:
                self.error = e
            try:
                self._lib.benchlab_cancel(self._handle)
            except BaseException:  # noqa: B902
                pass


def _add_note(exc, note):
    if hasattr(exc, "add_note"):
        exc.add_note(note)


def execute(lib, handle, req, on_event=None, check=True):
    """Runs benchlab_run() on a thread of its own while this thread waits, so that a
    KeyboardInterrupt reaches Python at once: it cancels the run (the trial in flight is
    killed, the run stays resumable), waits for the run to stop, then is raised again.

    Returns the run id. Raises the callback's exception, RunInterruptedError after a
    cancel, TrialsFailedError when some trials failed (unless check is False), or the
    BenchlabError of the library's status."""
    bridge = EventBridge(lib, handle, on_event) if on_event is not None else None
    if bridge is not None:
        req.on_event = bridge.cfunc
    run_id = ctypes.c_int64(0)
    outcome = {}
    done = threading.Event()

    def call():
        try:
            rc = lib.benchlab_run(handle, ctypes.byref(req), ctypes.byref(run_id))
            # The message is per thread: read it on the thread that made the call.
            outcome["rc"] = rc
            outcome["message"] = lib.errmsg() if rc != _native.OK else ""
        except BaseException as e:  # noqa: B902
            outcome["exception"] = e
        finally:
            done.set()

    worker = threading.Thread(target=call, name="benchlab_run", daemon=True)
    interrupt = None
    worker.start()
    while True:
        try:
            done.wait()
            break
        except KeyboardInterrupt as e:
            interrupt = e
            lib.benchlab_cancel(handle)
    worker.join()

    rid = run_id.value
    if "exception" in outcome:
        raise outcome["exception"]
    if bridge is not None and bridge.error is not None:
        _add_note(bridge.error, "raised by the event callback; benchlab cancelled the "
                  "run%s" % (" (run %d, resumable)" % rid if rid else ""))
        raise bridge.error
    if interrupt is not None:
        _add_note(interrupt, "benchlab cancelled the run%s"
                  % (" (run %d, resumable)" % rid if rid else ""))
        raise interrupt
    rc = outcome["rc"]
    if rc == _native.OK or (rc == _native.E_TRIALS_FAILED and not check):
        return rid
    err = error_for(rc, outcome["message"])
    if isinstance(err, (RunInterruptedError, TrialsFailedError)):
        err.run_id = rid
    raise err
