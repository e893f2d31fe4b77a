# SPDX-License-Identifier: MIT
"""A context: one open results store with the plugins and profiles it can run."""

import ctypes
import json
import os

from . import _native, running
from .errors import BenchlabError, InvalidError, NotFoundError
from .library import library as _default_library
from .types import (Format, MetricInfo, OptionInfo, OptionType, PluginInfo, ProfileInfo,
                    direction_label, status_label)

_t = _native.text


def _paths(dirs):
    if dirs is None:
        return []
    if isinstance(dirs, (str, bytes, os.PathLike)):
        dirs = [dirs]
    return [os.fsdecode(os.fspath(d)) for d in dirs]


def open(db=None, plugin_dirs=None, profile_dirs=None, read_only=False, no_store=False,
         default_dirs=True, worker=None, sysroot=None, library=None):
    """Opens a context (benchlab_open()).

    db: the store's path; None: $XDG_DATA_HOME/benchlab/results.db (or
    ~/.local/share/benchlab/results.db). plugin_dirs, profile_dirs: directories searched
    before $BENCHLAB_PLUGIN_PATH / $BENCHLAB_PROFILE_PATH and the installed ones (only
    these with default_dirs=False). read_only: an existing store, no runs. no_store: no
    store at all (discovery and the inventory only). worker: the benchlab-worker to use.
    library: a Library from load_library(); None: the default one.

    Returns a Context, to close() or to use in a with statement.
    """
    lib = library if library is not None else _default_library()
    cfg = _native.new(_native.Config)
    if db is not None:
        cfg.db_path = os.fsencode(os.fspath(db))
    # The struct keeps the arrays (and their strings) alive for the call.
    cfg.plugin_dirs = _native.string_array(_paths(plugin_dirs))
    cfg.profile_dirs = _native.string_array(_paths(profile_dirs))
    if worker is not None:
        cfg.worker_path = os.fsencode(os.fspath(worker))
    if sysroot is not None:
        cfg.sysroot = os.fsencode(os.fspath(sysroot))
    flags = 0
    if not default_dirs:
        flags |= _native.NO_DEFAULT_DIRS
    if read_only:
        flags |= _native.READ_ONLY
    if no_store:
        flags |= _native.NO_STORE
    cfg.flags = flags
    handle = ctypes.c_void_p()
    lib.check(lib.benchlab_open(ctypes.byref(cfg), ctypes.byref(handle)))
    return Context(lib, handle)


class Context:
    """An open benchlab context (benchlab_ctx). Use one from one thread at a time;
    cancel() is the exception, callable from any thread and from a run's callback."""

    def __init__(self, lib, handle):
        self._lib = lib
        self._handle = handle
        self._running = False

    # ---- lifetime ----
    def close(self):
        """Closes the context (benchlab_close()); calling it again does nothing."""
        if self._running:
            raise BenchlabError(_native.ERROR, "close() during a run: cancel() it first")
        handle, self._handle = getattr(self, "_handle", None), None
        if handle is not None and handle.value:
            self._lib.benchlab_close(handle)

    @property
    def closed(self):
        return self._handle is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            if not getattr(self, "_running", False):
                self.close()
        except Exception:  # noqa: B902 - never from a finalizer
            pass

    def __repr__(self):
        if self.closed:
            return "<benchlab.Context closed>"
        return "<benchlab.Context db=%r>" % self.db_path

    def _h(self):
        """The handle for a call; refuses a closed context and calls during a run."""
        if self._handle is None:
            raise BenchlabError(_native.ERROR, "the context is closed")
        if self._running:
            raise BenchlabError(
                _native.ERROR, "the context is running a benchlab_run(): only cancel() "
                "may be called until it returns")
        return self._handle

    @property
    def library(self):
        return self._lib

    @property
    def db_path(self):
        """The store's path; "" without a store."""
        return _t(self._lib.benchlab_db_path(self._h()))

    # ---- discovery ----
    def diagnostics(self):
        """Problems discovery found (files that are not plugins, malformed profiles),
        one line each, naming the file and the reason."""
        h = self._h()
        n = self._lib.benchlab_diagnostic_count(h)
        return [_t(self._lib.benchlab_diagnostic_at(h, i)) for i in range(n)]

    def _option(self, h, plugin, index):
        o = _native.new(_native.OptionInfo)
        self._lib.check(self._lib.benchlab_plugin_option_at(h, plugin, index,
                                                            ctypes.byref(o)))
        allowed = [_t(o.allowed[i]) for i in range(o.allowed_count)] if o.allowed else []
        bounded = o.min_value < o.max_value
        try:
            otype = OptionType(o.type)
        except ValueError:
            otype = o.type
        return OptionInfo(name=_t(o.name), type=otype,
                          required=bool(o.flags & _native.OPTION_REQUIRED),
                          repeated=bool(o.flags & _native.OPTION_REPEATED),
                          default=_t(o.default_value), allowed=allowed,
                          min=o.min_value if bounded else None,
                          max=o.max_value if bounded else None,
                          description=_t(o.description) or "")

    def _metric(self, h, plugin, index):
        m = _native.new(_native.MetricInfo)
        self._lib.check(self._lib.benchlab_plugin_metric_at(h, plugin, index,
                                                            ctypes.byref(m)))
        return MetricInfo(name=_t(m.name), unit=_t(m.unit) or "",
                          direction=direction_label(m.direction),
                          optional=bool(m.flags & _native.METRIC_OPTIONAL),
                          description=_t(m.description) or "")

    def plugins(self):
        """Every plugin found, workloads with their options and metrics."""
        h = self._h()
        out = []
        for i in range(self._lib.benchlab_plugin_count(h)):
            p = _native.new(_native.PluginInfo)
            self._lib.check(self._lib.benchlab_plugin_at(h, i, ctypes.byref(p)))
            kind = {_native.PLUGIN_WORKLOAD: "workload",
                    _native.PLUGIN_PROBE: "probe"}.get(p.kind, p.kind)
            out.append(PluginInfo(
                id=_t(p.id), version=_t(p.version), description=_t(p.description) or "",
                path=_t(p.path), kind=kind,
                options=[self._option(h, i, j) for j in range(p.option_count)],
                metrics=[self._metric(h, i, j) for j in range(p.metric_count)]))
        return out

    def plugin(self, plugin_id):
        """The plugin of that id; NotFoundError naming the ids there are."""
        plugins = self.plugins()
        for p in plugins:
            if p.id == plugin_id:
                return p
        raise NotFoundError(_native.E_NOT_FOUND, "no plugin %r; there are: %s"
                            % (plugin_id, ", ".join(p.id for p in plugins) or "none"))

    def profiles(self):
        """Every profile, then every suite. A profile's options and metrics are those
        its workload plugin declares (the profile may set some of them)."""
        h = self._h()
        plugins = {p.id: p for p in self.plugins()}
        out = []
        for i in range(self._lib.benchlab_profile_count(h)):
            p = _native.new(_native.ProfileInfo)
            self._lib.check(self._lib.benchlab_profile_at(h, i, ctypes.byref(p)))
            kind = {_native.TARGET_PROFILE: "profile",
                    _native.TARGET_SUITE: "suite"}.get(p.kind, p.kind)
            plugin = plugins.get(_t(p.plugin))
            out.append(ProfileInfo(id=_t(p.id), title=_t(p.title), path=_t(p.path),
                                   kind=kind, plugin=_t(p.plugin),
                                   members=(_t(p.members) or "").split(),
                                   options=list(plugin.options) if plugin else [],
                                   metrics=list(plugin.metrics) if plugin else []))
        return out

    def targets(self):
        """What run() can be given, by id, looked up as benchlab run does: a suite, then a
        profile, then a workload plugin. Values are ProfileInfo or PluginInfo, each with
        the options and metrics of its plugin (none for a suite: see its members)."""
        profiles = self.profiles()
        out = {}
        for p in profiles:
            if p.kind == "suite":
                out.setdefault(p.id, p)
        for p in profiles:
            if p.kind == "profile":
                out.setdefault(p.id, p)
        for p in self.plugins():
            if p.kind == "workload":
                out.setdefault(p.id, p)
        return out

    # ---- running ----
    def run(self, targets, options=None, *, trials=None, min_trials=None,
            max_trials=None, target_ci=None, warmup=None, timeout_s=None,
            system_name=None, probes=None, probe_interval_ms=None, probe_options=None,
            idle_baseline_s=None, cooldown_max_s=None, on_event=None, check=True):
        """Runs targets (profile, suite or plugin ids; a str or a list) and returns the
        run's id.

        options: {"KEY": value} or {"TEST:KEY": value}; a list value repeats the key.
        None for a policy field means the profile's; warmup=0 means no warm-up.
        on_event(event): called with each Event on the run's thread; an exception it
        raises cancels the run and is raised here once the run has stopped.
        check=False returns the run id when some trials failed instead of raising
        TrialsFailedError.
        """
        req = running.build_request(
            targets=targets, options=options, trials=trials, min_trials=min_trials,
            max_trials=max_trials, target_ci=target_ci, warmup=warmup,
            timeout_s=timeout_s, system_name=system_name, probes=probes,
            probe_interval_ms=probe_interval_ms, probe_options=probe_options,
            idle_baseline_s=idle_baseline_s, cooldown_max_s=cooldown_max_s)
        return self._execute(req, on_event, check)

    def resume(self, run_id, on_event=None, check=True):
        """Finishes an interrupted run; returns its id."""
        if isinstance(run_id, bool) or not isinstance(run_id, int) or run_id <= 0:
            raise InvalidError(_native.E_INVALID,
                               "the run to resume must be a run id > 0, not %r" % (run_id,))
        return self._execute(running.build_request(resume_run_id=run_id), on_event, check)

    def _execute(self, req, on_event, check):
        h = self._h()
        self._running = True
        try:
            return running.execute(self._lib, h, req, on_event, check)
        finally:
            self._running = False

    def cancel(self):
        """Asks a run in progress to stop (from any thread or the run's callback)."""
        handle = self._handle
        if handle is not None:
            self._lib.benchlab_cancel(handle)

    # ---- results ----
    def results(self, run_id=0):
        """The results of a run (0: the latest, -1: every run), one dict per result and
        metric, in plan order. Keys as benchlab_result's fields; status and direction as
        the JSON names them ("ok", "higher")."""
        h = self._h()
        cur = ctypes.c_void_p()
        self._lib.check(self._lib.benchlab_results(h, run_id, ctypes.byref(cur)))
        rows = []
        try:
            r = _native.new(_native.Result)
            while True:
                r.struct_size = ctypes.sizeof(_native.Result)
                rc = self._lib.benchlab_cursor_next(cur, ctypes.byref(r))
                if rc == _native.E_NOT_FOUND:
                    break
                self._lib.check(rc)
                rows.append(_result_dict(r))
        finally:
            self._lib.benchlab_cursor_free(cur)
        return rows

    def _json_call(self, fn, *args):
        out = ctypes.c_void_p()
        rc = fn(*args, ctypes.byref(out))
        try:
            self._lib.check(rc)
        finally:
            text = self._lib.take_string(out)
        return text

    def results_json_text(self, run_id=0):
        """benchlab_results_json() as the text the library wrote."""
        h = self._h()
        return self._json_call(self._lib.benchlab_results_json, h, run_id)

    def results_json(self, run_id=0):
        """The results document (docs/json-format.md) of a run (0: the latest; -1:
        {"runs": [...]} of every run) as a dict."""
        return json.loads(self.results_json_text(run_id))

    def results_frame(self, run_id=0):
        """results() as a pandas DataFrame (ImportError without pandas)."""
        from .frame import frame
        return frame(self.results(run_id))

    def inventory(self):
        """This machine's inventory (benchlab_inventory_json()) as a dict."""
        h = self._h()
        return json.loads(self._json_call(self._lib.benchlab_inventory_json, h))

    def probes(self, probe_options=None):
        """Every probe plugin opened once (benchlab_probes_json()) as a dict."""
        h = self._h()
        popts = running.option_strings(probe_options, "probe option")
        arr = _native.string_array(popts) if popts else None
        return json.loads(self._json_call(self._lib.benchlab_probes_json, h, arr))

    def compare(self, baseline=None, dbs=None, format="table", prices=None,
                cloud_rate_usd_h=0.0, hours_per_day=0.0, electricity_usd_kwh=0.0,
                title=None):
        """Compares the systems of the stores `dbs` (None: this context's) with
        benchlab_compare(). format: "table", "markdown", "csv", "json", "html",
        "report_markdown" (or a Format). Returns the text, or a dict for "json".
        prices: {"SYSTEM": usd}."""
        h = self._h()
        fmt = _format(format)
        req = _native.new(_native.CompareRequest)
        if baseline is not None:
            req.baseline = baseline.encode("utf-8")
        db_arr = _native.string_array(_paths(dbs)) if dbs else None
        req.db_paths = db_arr
        req.format = int(fmt)
        price_arr = None
        if prices:
            price_arr = _native.string_array(running.option_strings(prices, "price"))
        req.prices = price_arr
        req.cloud_rate_usd_h = running.number("cloud_rate_usd_h", cloud_rate_usd_h)
        req.hours_per_day = running.number("hours_per_day", hours_per_day)
        req.electricity_usd_kwh = running.number("electricity_usd_kwh",
                                                  electricity_usd_kwh)
        if title is not None:
            req.title = title.encode("utf-8")
        text = self._json_call(self._lib.benchlab_compare, h, ctypes.byref(req))
        return json.loads(text) if fmt == Format.JSON else text

    def tco(self, price_usd, cloud_rate_usd_h, hours_per_day=0.0,
            electricity_usd_kwh=0.0, power_w=0.0, system=None):
        """Cost of ownership against the cloud (benchlab_tco_json()) as a dict."""
        h = self._h()
        req = _native.new(_native.TcoRequest)
        req.price_usd = running.number("price_usd", price_usd)
        req.cloud_rate_usd_h = running.number("cloud_rate_usd_h", cloud_rate_usd_h)
        req.hours_per_day = running.number("hours_per_day", hours_per_day)
        req.electricity_usd_kwh = running.number("electricity_usd_kwh",
                                                  electricity_usd_kwh)
        req.power_w = running.number("power_w", power_w)
        if system is not None:
            req.system = system.encode("utf-8")
        return json.loads(self._json_call(self._lib.benchlab_tco_json, h,
                                          ctypes.byref(req)))

    def export_pts(self, directory, run_ids=()):
        """Writes DIRECTORY/composite.xml (Phoronix Test Suite) of the runs (none: the
        latest of each system); returns the file's path."""
        h = self._h()
        ids = list(run_ids)
        arr = (ctypes.c_int64 * len(ids))(*ids) if ids else None
        return self._json_call(self._lib.benchlab_export_pts, h, arr, len(ids),
                               os.fsencode(os.fspath(directory)))

    def import_pts(self, file):
        """Reads a Phoronix composite.xml into the store; returns what was stored."""
        h = self._h()
        return json.loads(self._json_call(self._lib.benchlab_import_pts, h,
                                          os.fsencode(os.fspath(file))))

    def validate_plugin(self, file, timeout_s=0.0, dry_run=True):
        """Checks a plugin file as `benchlab plugin validate` does, in a worker process.

        Returns the findings document (docs/plugin-validate.md): a dict with "errors",
        "warnings", "notes" and "findings" [{"severity", "field", "message"}]. Defects of
        the plugin are findings, not exceptions; a missing file raises NotFoundError.
        """
        h = self._h()
        flags = 0 if dry_run else _native.VALIDATE_NO_DRY_RUN
        return json.loads(self._json_call(self._lib.benchlab_validate_plugin, h,
                                          os.fsencode(os.fspath(file)),
                                          float(timeout_s), flags))


def _format(value):
    if isinstance(value, str):
        try:
            return Format[value.upper()]
        except KeyError:
            raise InvalidError(_native.E_INVALID, "format %r: one of %s" % (
                value, ", ".join(f.name.lower() for f in Format))) from None
    try:
        return Format(value)
    except ValueError:
        raise InvalidError(_native.E_INVALID, "format %r: one of %s" % (
            value, ", ".join(f.name.lower() for f in Format))) from None


_RESULT_FIELDS = [name for name, _ in _native.Result._fields_ if name != "struct_size"]


def _result_dict(r):
    row = {}
    for name in _RESULT_FIELDS:
        v = getattr(r, name)
        row[name] = _t(v) if isinstance(v, bytes) else v
    row["status"] = status_label(r.status)
    row["direction"] = direction_label(r.direction) if r.metric else None
    row["derived"] = bool(r.derived)
    return row
