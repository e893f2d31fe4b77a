# SPDX-License-Identifier: MIT
"""What the library describes, as Python values: plugins, options, metrics, profiles,
suites and run events."""

import enum
from dataclasses import asdict, dataclass, field
from typing import List, Optional


class EventType(enum.IntEnum):
    """BENCHLAB_EV_*: what a run event reports."""

    PLAN = 1
    RESULT_BEGIN = 2
    TRIAL_BEGIN = 3
    TRIAL_END = 4
    RESULT_END = 5
    PROGRESS = 6
    LOG = 7


class Status(enum.IntEnum):
    """BENCHLAB_STATUS_*: of a trial or a result."""

    PENDING = 0
    OK = 1
    FAILED = 2
    CANNOT_RUN = 3
    PARTIAL = 4

    @property
    def label(self):
        """The name the JSON documents use: "ok", "cannot_run", ..."""
        return self.name.lower()


class OptionType(enum.IntEnum):
    """BENCHLAB_OPTION_*: how an option's value is read."""

    STRING = 1
    INT = 2
    FLOAT = 3
    BOOL = 4
    ENUM = 5


class Format(enum.IntEnum):
    """BENCHLAB_FORMAT_*: what benchlab_compare() writes."""

    TABLE = 0
    MARKDOWN = 1
    CSV = 2
    JSON = 3
    HTML = 4
    REPORT_MARKDOWN = 5


def status_label(value):
    """A BENCHLAB_STATUS_* number as the JSON's name, or the number if unknown."""
    try:
        return Status(value).label
    except ValueError:
        return value


def direction_label(value):
    """BENCHLAB_LOWER_IS_BETTER / _HIGHER_IS_BETTER as the JSON's "lower" / "higher"."""
    return {-1: "lower", 1: "higher"}.get(value, value)


@dataclass
class OptionInfo:
    """An option a workload plugin declares."""

    name: str
    type: OptionType
    required: bool
    repeated: bool
    default: Optional[str]
    allowed: List[str]
    min: Optional[float]
    max: Optional[float]
    description: str


@dataclass
class MetricInfo:
    """A metric a workload plugin declares."""

    name: str
    unit: str
    direction: str  # "higher" or "lower" is better
    optional: bool
    description: str


@dataclass
class PluginInfo:
    """A workload or probe plugin found by discovery."""

    id: str
    version: str
    description: str
    path: str
    kind: str  # "workload" or "probe"
    options: List[OptionInfo] = field(default_factory=list)
    metrics: List[MetricInfo] = field(default_factory=list)

    def to_dict(self):
        return asdict(self)


@dataclass
class ProfileInfo:
    """A profile (one workload with its options) or a suite (a list of profiles)."""

    id: str
    title: Optional[str]
    path: str
    kind: str  # "profile" or "suite"
    plugin: Optional[str]  # profiles: the workload plugin
    members: List[str] = field(default_factory=list)  # suites: the profile ids
    options: List[OptionInfo] = field(default_factory=list)  # profiles: the plugin's
    metrics: List[MetricInfo] = field(default_factory=list)

    def to_dict(self):
        return asdict(self)


@dataclass
class Event:
    """One progress event of a run (benchlab_event), copied out of the callback."""

    type: EventType
    run_id: int
    index: int  # 1-based result index within the plan
    total: int  # results in the plan
    test: Optional[str]
    options: Optional[str]
    trial: int  # 1-based, warm-ups counted; 0 outside a trial
    trials_planned: int
    warmup: bool
    status: Status
    message: Optional[str]
    value: float  # TRIAL_END: the first metric's value; PROGRESS: the fraction
    elapsed_ns: int

    @property
    def elapsed_s(self):
        return self.elapsed_ns / 1e9
