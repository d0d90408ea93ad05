"""The shipped ledger stays valid and keeps its coverage."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from urllib.parse import urlparse

import pytest
from click.testing import Result

from conftest import REPO, SHIPPED
from iraqsec.analysis.reports import months_between
from iraqsec.reading.ledger import load
from iraqsec.record.model import source_url


def test_shipped_ledger_passes_strict_check(run: Callable[..., Result]) -> None:
    """Strict, with no finding at all: every record graded, every site resolved."""
    result = run("check", "--strict", str(SHIPPED))
    assert result.exit_code == 0, result.output
    findings = run("check", "--format", "json", str(SHIPPED))
    assert json.loads(findings.stdout) == []


def test_every_month_has_records_and_the_escalation_is_covered() -> None:
    incidents = load([str(SHIPPED)]).incidents
    months = Counter(i.month for i in incidents)
    assert len(incidents) >= 150
    assert all(months[m] for m in months_between("2019-10", "2020-12"))
    assert months["2020-08"] + months["2020-09"] >= 45


def test_the_whole_campaign_to_2024_is_covered() -> None:
    later = [i for i in load([str(SHIPPED)]).incidents if "2021" <= i.month[:4] <= "2024" and not i.is_withdrawn]
    months = Counter(i.month for i in later)
    assert len(later) >= 150
    assert sum(1 for m in months_between("2021-01", "2021-12") if months[m]) >= 10
    assert all(months[m] for m in months_between("2023-10", "2024-02"))


def test_every_record_is_graded() -> None:
    assert all(i.evidence for i in load([str(SHIPPED)]).incidents)


def test_nine_in_ten_campaign_records_are_located(capsys: pytest.CaptureFixture[str]) -> None:
    campaign = [i for i in load([str(SHIPPED)]).incidents if i.scope == "campaign" and not i.is_withdrawn]
    located = [i for i in campaign if i.site or i.coordinates]
    with capsys.disabled():
        print(f"\nshipped ledger: {len(located)} of {len(campaign)} campaign records located "
              f"({100 * len(located) / len(campaign):.1f}%)")
    assert len(located) >= 0.9 * len(campaign)


def test_sources_come_from_many_websites() -> None:
    hosts = {urlparse(url).hostname for i in load([str(SHIPPED)]).incidents
             for url in map(source_url, i.sources) if url}
    assert len(hosts) >= 15


def test_the_briefs_incidents_cite_the_brief() -> None:
    brief = "https://epc.ae/brief/washingtons-threat-to-close-its-embassy-in-baghdad-background-and-risks"
    citing = [i for i in load([str(SHIPPED)]).incidents if brief in map(source_url, i.sources)]
    assert {i.date for i in citing} >= {"2019-12-29", "2020-01-03", "2020-09-03", "2020-09-15", "2020-09-18"}


def test_every_actor_named_is_registered() -> None:
    ledger = load([str(SHIPPED)])
    assert ledger.registry is not None
    named = {a for i in ledger.incidents for a in i.actors}
    assert named <= ledger.registry.names
    assert (REPO / "data" / "actors.yaml").is_file()
