"""How this machine runs builds: read from the environment once, at the command line's edge.

No other module reads `os.environ`; they are handed a `Settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

NUMBERS = {  # variable -> (field, unit, default)
    "SCROLLY_CHART_TIME_LIMIT": ("chart_time_limit", "seconds", 60.0),
    "SCROLLY_WORKER_MEMORY_MB": ("worker_memory_mb", "megabytes", 300.0),
    "SCROLLY_CHART_MEMORY_LIMIT_MB": ("chart_memory_limit_mb", "megabytes", 4096.0),
}


@dataclass(frozen=True)
class Settings:
    chart_time_limit: float = 60.0  # seconds one chart may take
    worker_memory_mb: float = 300.0  # a worker that has held more is replaced after its task
    chart_memory_limit_mb: float = 4096.0  # the data a worker may hold while it runs a chart
    user_cache: Path | None = None  # scrolly's folder in the user's cache; None without a home
    jobs: int = 1  # worker processes charts compile in

    @property
    def worker_memory(self) -> int:
        return int(self.worker_memory_mb * 2**20)

    @property
    def chart_memory_limit(self) -> int:
        return int(self.chart_memory_limit_mb * 2**20)


class SettingsError(Exception):
    """Settings that cannot be used; each message names the variable and what it takes."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def load_settings(environment: Mapping[str, str] | None = None) -> Settings:
    """The settings the environment gives (os.environ by default); raise SettingsError."""
    environment = os.environ if environment is None else environment
    numbers, messages = {}, []
    for variable, (name, unit, default) in NUMBERS.items():
        text = environment.get(variable)
        numbers[name] = default if text is None else _positive(text)
        if numbers[name] is None:
            messages.append(f"{variable}={text}: expected a number of {unit} above 0")
    if messages:
        raise SettingsError(messages)
    return Settings(**numbers, user_cache=_user_cache(environment), jobs=os.cpu_count() or 1)


def _positive(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if 0 < number < float("inf") else None


def _user_cache(environment: Mapping[str, str]) -> Path | None:
    """XDG_CACHE_HOME/scrolly, else ~/.cache/scrolly; None when neither is an absolute path."""
    base = environment.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset or relative: the XDG default
        home = environment.get("HOME") or os.path.expanduser("~")
        base = os.path.join(home, ".cache")
    return Path(base) / "scrolly" if os.path.isabs(base) else None
