"""Cross-record rules, actors, --strict, directories and which ledger is read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import VALID, record
from iraqsec.reading.loader import RawRecord
from iraqsec.record import rules
from iraqsec.record.model import Incident

ACTORS = """\
- name: Ashab al-Kahf
  kind: front
  aliases: [Ahl al-Kahf]
- name: Kataib Hezbollah
  kind: faction
"""


def other(ident: str, **fields: str) -> str:
    return record(id=ident, **fields)


def test_duplicate_ids_name_both_places(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(VALID + other("2020-09-06-baghdad-airport-rockets", tactic="mortar"))
    result = run("check", "incidents.yaml")
    assert result.output.splitlines() == [
        "incidents.yaml:17:3: error: id '2020-09-06-baghdad-airport-rockets' is already used at incidents.yaml:1; "
        "ids must be unique [duplicate-id]",
        "1 error, 0 warnings in 2 records (1 file)",
    ]
    assert result.exit_code == 1


def test_duplicate_ids_across_files(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(VALID, "a.yaml")
    write(other("2020-09-06-baghdad-airport-rockets", tactic="mortar"), "b.yaml")
    result = run("check", "a.yaml", "b.yaml")
    assert result.output.splitlines()[0] == (
        "b.yaml:1:3: error: id '2020-09-06-baghdad-airport-rockets' is already used at a.yaml:1; "
        "ids must be unique [duplicate-id]")


def test_probable_duplicate_is_a_warning(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(VALID + other("second-report"))
    result = run("check", "incidents.yaml")
    assert result.output.splitlines() == [
        "incidents.yaml:17:3: warning: 'second-report' may be the same event as "
        "'2020-09-06-baghdad-airport-rockets' (incidents.yaml:1): same day, governorate, tactic and target type; "
        "merge them, or tag both 'distinct-incident' if they differ [probable-duplicate]",
        "0 errors, 1 warning in 2 records (1 file)",
    ]
    assert result.exit_code == 0
    strict = run("check", "--strict", "incidents.yaml")
    assert strict.exit_code == 1
    assert strict.output.splitlines()[0].startswith("incidents.yaml:17:3: error: 'second-report' may be")


def test_distinct_tag_silences_probable_duplicate(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(record(tags="[distinct-incident]") + other("second-report", tags="[distinct-incident]"))
    assert run("check", "--strict", "incidents.yaml").exit_code == 0


def test_a_withdrawn_duplicate_is_not_a_probable_duplicate(write: Callable[..., Path],
                                                          run: Callable[..., Result]) -> None:
    # withdrawing the second report is how the duplicate is resolved; its id stays reserved
    withdrawn = "{reason: A second report of the same attack, superseded_by: 2020-09-06-baghdad-airport-rockets}"
    write(VALID + other("second-report", withdrawn=withdrawn))
    result = run("check", "--strict", "incidents.yaml")
    assert result.output.splitlines()[-1] == "0 errors, 0 warnings in 2 records (1 file)"
    assert result.exit_code == 0


def test_actor_alias_is_an_error_unknown_actor_a_warning(write: Callable[..., Path],
                                                         run: Callable[..., Result]) -> None:
    write(ACTORS, "actors.yaml")
    write(record(claimed_by="[Ahl al-Kahf]", attributed_to="[Kataib Hezbolah, Some New Group]"))
    result = run("check", "incidents.yaml")
    assert result.output.splitlines() == [
        "incidents.yaml:11:16: error: claimed_by[0]: 'Ahl al-Kahf' is a spelling of 'Ashab al-Kahf'; "
        "write the canonical name [actor-alias]",
        "incidents.yaml:12:19: warning: attributed_to[0]: 'Kataib Hezbolah' is not in actors.yaml; "
        "did you mean 'Kataib Hezbollah'? [unknown-actor]",
        "incidents.yaml:12:36: warning: attributed_to[1]: 'Some New Group' is not in actors.yaml; "
        "add it to actors.yaml if it is a new group [unknown-actor]",
        "1 error, 2 warnings in 1 record (1 file)",
    ]


def test_block_list_items_are_located(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(ACTORS, "actors.yaml")
    write(record(claimed_by="\n    - Ashab al-Kahf\n    - Ahl al-Kahf"))
    result = run("check", "incidents.yaml")
    assert result.output.splitlines()[0].startswith("incidents.yaml:13:7: error: claimed_by[1]: 'Ahl al-Kahf'")


def test_actor_registry_rules(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(ACTORS + "- name: Ahl al-Kahf\n  kind: front\n- name: X\n  kind: front\n  linked_to: [Nobody]\n"
          "  sources: [https://example.org/x]\n- name: Y\n  kind: frontt\n  linked_to: [X]\n", "actors.yaml")
    write(VALID)
    result = run("check", "incidents.yaml")
    assert result.output.splitlines() == [
        "actors.yaml:6:3: error: 'Ahl al-Kahf' is already a name or alias of 'Ashab al-Kahf' (actors.yaml:1); "
        "each spelling names one actor [duplicate-actor]",
        "actors.yaml:10:15: error: linked_to[0]: 'Nobody' is not the name of an actor in this file [unknown-link]",
        "actors.yaml:13:3: error: kind: unknown actor kind 'frontt'; did you mean 'front'? "
        "(valid: faction, front, state, coalition, other) [unknown-actor-kind]",
        "3 errors, 0 warnings in 1 record (1 file)",
    ]


def test_unsourced_link(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(ACTORS + "- name: X\n  kind: front\n  linked_to: [Kataib Hezbollah]\n", "actors.yaml")
    write(VALID)
    result = run("check", "incidents.yaml")
    assert result.output.splitlines()[0] == (
        "actors.yaml:6:3: error: actor 'X' has linked_to but no sources; cite the report that states the link "
        "under sources [unsourced-link]")


def test_directory_is_one_ledger(write: Callable[..., Path], run: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "ledger").mkdir()
    write(VALID, "ledger/b.yaml")
    write(other("another", tactic="mortar"), "ledger/a.yaml")
    write(ACTORS, "ledger/actors.yaml")
    result = run("check", "ledger")
    assert result.output.splitlines() == ["0 errors, 0 warnings in 2 records (2 files)"]
    listed = run("-f", "ledger", "list", "--month", "2020-09")
    assert listed.output.splitlines()[-1] == "2 incidents"


def test_ledger_precedence(write: Callable[..., Path], run: Callable[..., Result], tmp_path: Path) -> None:
    write(VALID, "env.yaml")
    write(other("flagged", tactic="mortar"), "flag.yaml")
    (tmp_path / "data").mkdir()
    write(VALID + other("local", tactic="mortar"), "data/incidents.yaml")
    assert run("check").output.splitlines() == ["0 errors, 0 warnings in 2 records (1 file)"]
    env = {"IRAQSEC_LEDGER": "env.yaml"}
    assert run("check", env=env).output.splitlines() == ["0 errors, 0 warnings in 1 record (1 file)"]
    flagged = run("-f", "flag.yaml", "-f", "env.yaml", "check", env=env)
    assert flagged.output.splitlines() == ["0 errors, 0 warnings in 2 records (2 files)"]


def test_packaged_ledger_when_nothing_else(run: Callable[..., Result]) -> None:
    # --allow: until the shipped ledger carries evidence grades and geo_precision (the data issue after 11)
    result = run("check", "--strict", "--allow", "ungraded", "--allow", "coordinates-precision")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("(1 file)\n")


def test_list_refuses_a_ledger_with_errors(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(record(tactic="rockets"))
    result = run("-f", "incidents.yaml", "list")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "iraqsec: the ledger has 1 error(s); run 'iraqsec check' for the full report and fix them first")


def test_version(run: Callable[..., Result]) -> None:
    result = run("--version")
    assert result.output == "iraqsec 0.1.0\n"


def test_the_same_actor_in_two_directories_is_one_actor(write: Callable[..., Path], run: Callable[..., Result],
                                                         tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(ACTORS, "a/actors.yaml")
    write(ACTORS, "b/actors.yaml")
    write(record(claimed_by="[Ashab al-Kahf]"), "a/incidents.yaml")
    write(other("second", tactic="mortar"), "b/incidents.yaml")
    assert run("check", "--strict", "a/incidents.yaml", "b/incidents.yaml").output == (
        "0 errors, 0 warnings in 2 records (2 files)\n")
    write(ACTORS.replace("aliases: [Ahl al-Kahf]", "aliases: [Ahl al-Kahf, KH]"), "b/actors.yaml")
    clash = run("check", "a/incidents.yaml", "b/incidents.yaml")
    assert clash.exit_code == 1
    assert "[duplicate-actor]" in clash.output


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["2020-09-06", "2020-09-07", "2020-09"]),
                          st.sampled_from(["Baghdad", "Basra"]), st.sampled_from(["rocket", "ied"]),
                          st.booleans()), max_size=12))
def test_probable_duplicates_in_the_order_of_each_groups_first_record(rows: list[tuple[str, str, str, bool]]) -> None:
    # A plain group-by in the order keys are first met, then each group's
    # later records against its first: the findings (and so which of them a
    # cap keeps) come in that order.
    entries = []
    for n, (date, governorate, tactic, distinct) in enumerate(rows):
        data = {**yaml.safe_load(record(id=f"r{n}", date=date, governorate=governorate, tactic=tactic))[0],
                "date": date, "tags": ["distinct-incident"] if distinct else []}
        entries.append((Incident.model_validate(data), RawRecord("l.yaml", n + 1, 3, None)))
    groups: dict[tuple[str, ...], list[tuple[Incident, RawRecord]]] = {}
    for incident, raw in entries:
        if len(incident.date) == 10 and "distinct-incident" not in incident.tags:
            groups.setdefault((incident.date, incident.governorate, incident.tactic), []).append((incident, raw))
    expected = [(raw.line, incident.id, group[0][0].id)
                for group in groups.values() for incident, raw in group[1:]]
    found = rules.probable_duplicates(entries)
    assert [(f.line, f.message.split("'")[1], f.message.split("'")[3]) for f in found] == expected
