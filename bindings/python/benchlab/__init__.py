# SPDX-License-Identifier: MIT
"""benchlab: run benchmarks and read their results from Python, over libbenchlab's C API
(benchlab.h) with ctypes.

    import benchlab
    with benchlab.open("lab.db") as lab:
        run_id = lab.run("quick", {"threads": 4}, on_event=print)
        for row in lab.results(run_id):
            print(row["test"], row["metric"], row["mean"], row["unit"])
"""

from .context import Context, open
from .errors import (BenchlabError, InvalidError, LibraryError, NotFoundError,
                     ProfileError, RunInterruptedError, StoreError, TrialsFailedError,
                     VersionMismatchError)
from .library import BINDING_VERSION, Library, load_library
from .types import (Event, EventType, Format, MetricInfo, OptionInfo, OptionType,
                    PluginInfo, ProfileInfo, Status)

__version__ = "1.0.0"

__all__ = [
    "BINDING_VERSION", "BenchlabError", "Context", "Event", "EventType", "Format",
    "InvalidError", "Library", "LibraryError", "MetricInfo", "NotFoundError", "OptionInfo",
    "OptionType", "PluginInfo", "ProfileError", "ProfileInfo", "RunInterruptedError",
    "Status", "StoreError", "TrialsFailedError", "VersionMismatchError", "library_version",
    "load_library", "open", "results_frame",
]


def library_version():
    """The loaded library's version as (major, minor, patch), loading it if needed."""
    from .library import library
    return library().version


def results_frame(ctx, run_id=0):
    """ctx.results_frame(run_id): the results as a pandas DataFrame."""
    return ctx.results_frame(run_id)
