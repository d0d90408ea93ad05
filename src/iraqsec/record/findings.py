"""Findings: what `check` reports.  Values, never exceptions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
# Messages quote ledger values, which may hold control characters (a quoted
# "\e[31m" is valid YAML): they are shown as escapes, never sent raw.
# Bidirectional embedding, override and isolate controls would reorder what
# the reader sees ("Trojan Source"); they are escaped like controls.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """Text with control characters written as escapes (\\n, \\x1b, ...)."""
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), _escape(m.group())), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem at one place.  Ordered by path, line, column."""

    path: str
    line: int
    col: int
    severity: Severity
    rule: str
    message: str

    def as_text(self) -> str:
        return f"{visible(self.path)}:{self.line}:{self.col}: {self.severity}: {visible(self.message)} [{self.rule}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.col,
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
        }


def error(path: str, line: int, col: int, rule: str, message: str) -> Finding:
    return Finding(path, line, col, "error", rule, message)


def warning(path: str, line: int, col: int, rule: str, message: str) -> Finding:
    return Finding(path, line, col, "warning", rule, message)


# Findings kept per rule by default: a file of a million broken records must
# not cost millions of lines and gigabytes.  `check --max-per-rule` changes it.
DEFAULT_CAP = 100
Omitted = dict[tuple[str, Severity], int]  # (rule, severity) -> findings counted but not kept
LogState = tuple[dict[tuple[str, Severity], int], int]  # a FindingLog's counts and how many it kept


class FindingLog:
    """Findings kept up to `cap` per rule (None: all), the rest counted."""

    def __init__(self, cap: int | None = DEFAULT_CAP) -> None:
        self.cap = cap
        self.kept: list[Finding] = []
        self.counts: dict[tuple[str, Severity], int] = {}

    def admit(self, rule: str, severity: Severity = "error") -> bool:
        """Count one finding of `rule`; whether it is to be kept (built)."""
        key = (rule, severity)
        count = self.counts[key] = self.counts.get(key, 0) + 1
        return self.cap is None or count <= self.cap

    def add(self, findings: list[Finding]) -> None:
        for finding in findings:
            if self.admit(finding.rule, finding.severity):
                self.kept.append(finding)

    def add_admitted(self, findings: list[Finding]) -> None:
        """Findings already counted through `admit`."""
        self.kept += findings

    def state(self) -> LogState:
        """What `restore` goes back to."""
        return dict(self.counts), len(self.kept)

    def restore(self, state: LogState) -> None:
        """Forget what was counted and kept since `state` was taken."""
        counts, kept = state
        self.counts = dict(counts)
        del self.kept[kept:]

    def omitted(self) -> Omitted:
        cap = self.cap
        if cap is None:
            return {}
        return {key: n - cap for key, n in self.counts.items() if n > cap}


def omitted_lines(omitted: Omitted, cap: int | None) -> list[str]:
    """One line per rule whose findings were cut, counting the rest."""
    return [f"... and {n:,} more {severity}{'' if n == 1 else 's'} [{rule}] not shown "
            f"(the first {cap:,} of each rule are; --max-per-rule 0 shows all)"
            for (rule, severity), n in sorted(omitted.items())]


def tally(findings: list[Finding], records: int, files: int, omitted: Omitted | None = None) -> str:
    """The closing line of `check`: counts of errors and warnings (those not
    shown included)."""
    extra = omitted or {}
    errors = sum(1 for f in findings if f.severity == "error") + sum(
        n for (_, severity), n in extra.items() if severity == "error")
    warnings = len(findings) + sum(extra.values()) - errors
    return (f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in "
            f"{_plural(records, 'record')} ({_plural(files, 'file')})")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"
