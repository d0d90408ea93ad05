"""A SYNTHETIC ledger for the period reports (quarters, years): 25 records
from December 2019 to April 2021, counts chosen so that the escalation rule
holds in some quarters and not others."""

from __future__ import annotations

from conftest import record

# (month, incidents, tactic, killed per incident, evidence)
MONTHS: list[tuple[str, int, str, int, str]] = [
    ("2019-12", 1, "rocket", 0, "confirmed"),
    ("2020-01", 1, "rocket", 1, "confirmed"),
    ("2020-02", 1, "ied", 0, "reported"),
    ("2020-03", 1, "rocket", 0, "claimed"),
    ("2020-04", 1, "ied", 0, "reported"),
    ("2020-05", 1, "ied", 0, "reported"),
    ("2020-07", 2, "rocket", 2, "confirmed"),
    ("2020-08", 3, "ied", 0, "claimed"),
    ("2020-09", 2, "drone", 0, "reported"),
    ("2020-10", 1, "rocket", 0, "disputed"),
    ("2021-01", 6, "ied", 0, "claimed"),
    ("2021-04", 5, "rocket", 1, "confirmed"),
]


def period_ledger() -> str:
    out = []
    for month, n, tactic, killed, evidence in MONTHS:
        for day in range(1, n + 1):
            out.append(record(id=f"{month}-0{day}-synthetic-{tactic}", date=f"{month}-0{day}", tactic=tactic,
                              killed=str(killed), evidence=evidence))
    return "".join(out)
