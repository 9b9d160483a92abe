"""Problems found in a project: each one names a file and a line a person can open."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: Path
    line: int
    message: str
    detail: str = field(default="", compare=False)  # a traceback, shown with --verbose

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ProjectError(Exception):
    """Raised by a stage with every problem it found, so one run reports them all.

    `partial` is what the stage could make despite them, for later stages to check further.
    """

    def __init__(self, problems: list[Problem], partial=None):
        self.partial = partial
        unique = {(str(p.path), p.line, p.message): p for p in problems}
        self.problems = [unique[key] for key in sorted(unique)]
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(word: str, choices) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""
