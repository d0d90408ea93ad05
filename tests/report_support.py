"""SYNTHETIC ledgers for the `iraqsec report` tests: records made up to
exercise the page (many months, every tactic, located and unlocated
records, hostile text).  None of it describes a real event."""

from __future__ import annotations

from pathlib import Path

TACTICS = ("rocket", "mortar", "drone", "ied", "airstrike", "small-arms", "arson")
TARGET_TYPES = ("military-base", "diplomatic-mission", "logistics-convoy", "airport")
GOVERNORATES = ("Baghdad", "Anbar", "Erbil", "Basra", "Babil", "Nineveh")
GRADES = ("confirmed", "reported", "claimed", "disputed", None)  # None: ungraded
PRECISIONS = ("exact", "near", "district", "governorate")
WORDS = ("convoy", "embassy", "base", "airport", "depot", "checkpoint")
# coordinates inside each governorate, for the located records
SPOTS = {"Baghdad": (33.31, 44.37), "Anbar": (33.80, 42.44), "Erbil": (36.24, 43.96),
         "Basra": (30.55, 47.66), "Babil": (32.48, 44.43), "Nineveh": (35.88, 43.26)}

ACTORS = """\
- name: Kataib Hezbollah
  kind: faction
- name: Asaib Ahl al-Haq
  kind: faction
- name: Ashab al-Kahf
  kind: front
  linked_to: [Kataib Hezbollah, Asaib Ahl al-Haq]
  sources: ["https://example.org/synthetic-link"]
- name: United States
  kind: state
"""

HOSTILE_TARGET = "<script>alert(1)</script>"
HOSTILE_PLACE = "<img src=x onerror=alert(1)>"
HOSTILE_TITLE = "javascript:alert(1)"
HOSTILE_URL = 'https://example.org/"><script>alert(2)</script>'
HOSTILE_NOTES = "</details></td></tr><tr><td>injected row</td></tr>"


def _months(count: int, year: int = 2019, month: int = 10) -> list[str]:
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def record(n: int, month: str, day: int | None) -> str:
    gov = GOVERNORATES[n % len(GOVERNORATES)]
    date = month if day is None else f"{month}-{day:02d}"
    killed = "" if n % 4 == 3 else str(n % 3)
    wounded = "" if n % 5 == 4 else str(n % 7)
    lines = [
        f"- id: {date}-synthetic-{n}",
        f"  date: {date}",
        f"  governorate: {gov}",
        f"  place: Synthetic place {n} near the {WORDS[n % len(WORDS)]}",
    ]
    if n % 3 == 0:
        lat, lon = SPOTS[gov]
        lines.append(f"  coordinates: [{lat}, {lon}]")
        lines.append(f"  geo_precision: {PRECISIONS[(n // 3) % len(PRECISIONS)]}")
    lines += [
        f"  tactic: {TACTICS[n % len(TACTICS)]}",
        f"  target_type: {TARGET_TYPES[n % len(TARGET_TYPES)]}",
        f"  target: Synthetic target {n}",
        f"  killed: {killed}",
        f"  wounded: {wounded}",
    ]
    if n % 5 == 1:
        lines.append("  claimed_by: [Ashab al-Kahf]")
    if n % 6 == 2:
        lines.append("  attributed_to: [Kataib Hezbollah]")
    grade = GRADES[n % len(GRADES)]
    if grade:
        lines.append(f"  evidence: {grade}")
    lines += [f"  summary: Synthetic record {n} for the report tests.",
              f"  sources: ['https://example.org/synthetic/{n}']"]
    return "\n".join(lines) + "\n"


def ledger(months: int) -> str:
    """A synthetic ledger over `months` months from 2019-10, one to five
    records a month, with month-precision dates, unreported figures, every
    evidence grade (and ungraded records), and coordinates of every
    precision on every third record."""
    out = []
    n = 0
    for i, month in enumerate(_months(months)):
        for k in range((i * 7) % 5 + 1):
            day = None if n % 11 == 10 else 1 + (k * 5) % 28
            out.append(record(n, month, day))
            n += 1
    return "".join(out)


def hostile() -> str:
    """One record whose every text field tries to become markup or script."""
    return f"""\
- id: 2020-05-01-hostile-text
  date: 2020-05-01
  governorate: Baghdad
  place: "{HOSTILE_PLACE}"
  coordinates: [33.3, 44.4]
  geo_precision: exact
  tactic: rocket
  target_type: airport
  target: "{HOSTILE_TARGET}"
  killed: 1
  wounded: 0
  claimed_by: ["<b onmouseover=alert(3)>Group</b>"]
  summary: "Click javascript:alert(1) or <a href='javascript:alert(4)'>here</a>."
  sources:
    - title: "{HOSTILE_TITLE}"
      url: '{HOSTILE_URL}'
    - title: "<iframe src=javascript:alert(5)>"
      publisher: "<svg onload=alert(6)>"
  notes: "{HOSTILE_NOTES}"
"""


def write(directory: Path, text: str, actors: bool = True) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "incidents.yaml"
    path.write_text(text, encoding="utf-8")
    if actors:
        (directory / "actors.yaml").write_text(ACTORS, encoding="utf-8")
    return path
