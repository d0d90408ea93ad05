"""`iraqsec check --new-since REF` in a temporary git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from authoring_support import ACTORS, as_yaml, record, run

TACTICS = "rocket, mortar, missile, drone, airstrike, ied, small-arms, grenade, arson, kidnapping, other, unknown"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose first commit has a ledger with an old error (left
    alone by --new-since) and a registry of actors; the cwd is its top."""
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.name", "Test")
    git(tmp_path, "config", "user.email", "test@example.org")
    git(tmp_path, "config", "commit.gpgsign", "false")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "incidents.yaml").write_text(as_yaml(OLD), encoding="utf-8")
    (tmp_path / "data" / "actors.yaml").write_text(ACTORS, encoding="utf-8")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "ledger")
    monkeypatch.chdir(tmp_path)
    return tmp_path


OLD = [
    record("old-bad", tactic="rockt", date="2020-01-01"),  # an error committed long ago
    record("old-a", date="2020-02-01"),
    record("old-b", date="2020-03-01", claimed_by=["Kataib Hezbollah"]),
    record("old-c", date="2020-04-01"),
]


def write(repo: Path, records: list[dict[str, object]]) -> None:
    (repo / "data" / "incidents.yaml").write_text(as_yaml(records), encoding="utf-8")


def test_only_findings_of_new_and_changed_records_and_those_involving_them(repo: Path) -> None:
    write(repo, [
        record("old-a", date="2020-02-01", place="x"),  # a new record, inserted before old-a: same event
        record("new-bad", governorate="Basrah", date="2020-05-01"),
        OLD[0],
        OLD[1],  # now a probable duplicate of the new record above it
        record("old-b", date="2020-03-01", claimed_by=["Kataib Hezbollah"], target="Changed"),  # changed
        OLD[3],
        record("old-c", date="2020-06-01"),  # a new id duplicating an old one
    ])
    plain = run("check")
    assert plain.exit_code == 1
    result = run("check", "--new-since", "HEAD")
    assert result.exit_code == 1
    path = "data/incidents.yaml"
    assert result.stdout == (
        f"{path}:18:3: error: governorate: 'Basrah' is an alias; the ledger uses the canonical name 'Basra' "
        "[governorate-alias]\n"
        # the old record's findings, because the new record before it shares its id and event
        f"{path}:46:3: error: id 'old-a' is already used at {path}:1; ids must be unique [duplicate-id]\n"
        f"{path}:46:3: warning: 'old-a' may be the same event as 'old-a' ({path}:1): same day, governorate, tactic "
        "and target type; merge them, or tag both 'distinct-incident' if they differ [probable-duplicate]\n"
        f"{path}:93:3: error: id 'old-c' is already used at {path}:78; ids must be unique [duplicate-id]\n"
        "4 records added or changed since HEAD\n"
        "3 errors, 1 warning in 7 records (1 file)\n")
    assert "rockt" in plain.stdout and "rockt" not in result.stdout


def test_a_clean_addition_passes_despite_old_errors(repo: Path) -> None:
    write(repo, [*OLD, record("new-ok", date="2020-07-01")])
    result = run("check", "--new-since", "HEAD", "data/incidents.yaml")
    assert (result.exit_code, result.stdout) == (0, "1 record added or changed since HEAD\n"
                                                    "0 errors, 0 warnings in 5 records (1 file)\n")


def test_a_file_absent_at_the_revision_is_all_new(repo: Path) -> None:
    (repo / "data" / "more.yaml").write_text(as_yaml([record("x", tactic="rockt")]), encoding="utf-8")
    result = run("check", "--new-since", "HEAD", "data/more.yaml")
    assert result.exit_code == 1
    assert result.stdout.startswith("data/more.yaml:5:3: error: tactic: unknown tactic 'rockt'")


def test_yaml_syntax_errors_are_always_reported(repo: Path) -> None:
    text = as_yaml(OLD) + "\n- id: [broken\n"
    (repo / "data" / "incidents.yaml").write_text(text, encoding="utf-8")
    result = run("check", "--new-since", "HEAD", "--format", "json")
    assert result.exit_code == 1
    assert '"rule": "yaml-syntax"' in result.stdout and "rockt" not in result.stdout


def test_a_changed_actor_entry_reaches_the_old_records_that_name_it(repo: Path) -> None:
    actors = ACTORS.replace("- name: Kataib Hezbollah\n  kind: faction\n  aliases: [KH, Kata'ib Hizballah]",
                            "- name: Kata'ib Hizballah\n  kind: faction\n  aliases: [KH, Kataib Hezbollah]")
    (repo / "data" / "actors.yaml").write_text(actors, encoding="utf-8")
    result = run("check", "--new-since", "HEAD")
    assert result.exit_code == 1
    assert result.stdout == (
        "data/incidents.yaml:46:7: error: claimed_by[0]: 'Kataib Hezbollah' is a spelling of 'Kata'ib Hizballah'; "
        "write the canonical name [actor-alias]\n"
        "0 records added or changed since HEAD\n"
        "1 error, 0 warnings in 4 records (1 file)\n")


PLACES = """\
# SYNTHETIC gazetteer for tests.
- id: test-airport
  name: Test Airport
  kind: airport
  governorate: Baghdad
  coordinates: [33.26, 44.23]
  sources:
    - https://example.org/airport
- id: test-town
  name: Test Town
  kind: town
  governorate: Basra
  coordinates: [30.5, 47.8]
  sources:
    - https://example.org/town
"""


def commit_places(repo: Path, places: str) -> None:
    """A second commit: the gazetteer, and an old record at each place."""
    (repo / "data" / "places.yaml").write_text(places, encoding="utf-8")
    write(repo, [*OLD, record("at-airport", date="2020-05-01", site="test-airport", geo_precision="site"),
                 record("in-town", date="2020-05-02", governorate="Basra", site="test-town", geo_precision="site")])
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "places")


def test_a_changed_place_entry_reaches_the_old_records_at_it(repo: Path) -> None:
    # The airport's entry moves to Anbar: the old record at it now contradicts
    # its governorate, and --new-since must say so although the record is old.
    commit_places(repo, PLACES)
    (repo / "data" / "places.yaml").write_text(PLACES.replace("governorate: Baghdad", "governorate: Anbar"),
                                               encoding="utf-8")
    result = run("check", "--new-since", "HEAD")
    assert result.exit_code == 1
    assert result.stdout == (
        "data/incidents.yaml:77:3: error: site: 'test-airport' is in Anbar (data/places.yaml:2) but the record "
        "says governorate Baghdad; correct the governorate or the site [site-governorate]\n"
        "0 records added or changed since HEAD\n"
        "1 error, 0 warnings in 6 records (1 file)\n")


def test_only_new_problems_in_places_yaml(repo: Path) -> None:
    # An old problem in the gazetteer (a town without sources) is left alone;
    # a place added with one, and a place id used twice, are reported.
    commit_places(repo, PLACES.replace("  sources:\n    - https://example.org/town\n", ""))
    added = "- id: test-airport\n  name: Other\n  kind: town\n  governorate: Basra\n  coordinates: [30.1, 47.1]\n"
    (repo / "data" / "places.yaml").write_text(
        PLACES.replace("  sources:\n    - https://example.org/town\n", "") + added, encoding="utf-8")
    plain = run("check")
    result = run("check", "--new-since", "HEAD")
    assert "data/places.yaml:9:3" in plain.stdout  # the town's old finding, not reported below
    assert result.exit_code == 1
    assert result.stdout == (
        "data/places.yaml:14:3: error: missing required key 'sources' (list the URLs of the reports you read) "
        "[missing-key]\n"
        "data/places.yaml:14:3: error: place id 'test-airport' is already used at data/places.yaml:2; ids must be "
        "unique [duplicate-place]\n"
        "0 records added or changed since HEAD\n"
        "2 errors, 0 warnings in 6 records (1 file)\n")


def test_github_format_puts_the_summary_on_stderr(repo: Path) -> None:
    write(repo, [*OLD, record("new-bad", tactic="rockt", date="2020-07-01")])
    result = run("check", "--new-since", "HEAD", env={"GITHUB_ACTIONS": "true"})
    assert result.stdout == (
        "::error file=data/incidents.yaml,line=67,col=3,title=unknown-tactic::tactic: unknown tactic 'rockt'; "
        f"did you mean 'rocket'? (valid: {TACTICS})\n")
    assert result.stderr == "1 record added or changed since HEAD\n1 error, 0 warnings in 5 records (1 file)\n"


def test_a_branch_name_works_as_the_revision(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, [*OLD, record("new-ok", date="2020-07-01")])
    git(repo, "commit", "-q", "-am", "add a record")
    result = run("check", "--new-since", "main")
    assert result.stdout.startswith("1 record added or changed since main\n")


def test_an_unknown_revision_is_a_usage_error(repo: Path) -> None:
    result = run("check", "--new-since", "no-such-branch")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: unknown git revision 'no-such-branch' (in {repo.resolve()}); fetch it, "
                             "or name a branch, tag or commit\n")
    assert run("check", "--new-since", "--help").exit_code == 2  # never passed to git as an option


def test_outside_a_git_repository_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_text(as_yaml([record()]), encoding="utf-8")
    result = run("check", "--new-since", "HEAD", str(path), env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {path}: is not inside a git repository; --new-since compares with a git "
                             "revision\n")
