"""`iraqsec add`, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from authoring_support import ACTORS, as_yaml, record, run, write_ledger
from iraqsec.writing import authoring

NEW = record("2020-09-07-basra-safwan-ied", date="2020-09-07", governorate="Basra", place="Safwan",
             tactic="ied", target_type="logistics-convoy", target="A supply convoy", target_country=None,
             killed=None, wounded=2, claimed_by=["Ashab al-Kahf"], summary="A roadside bomb hit a convoy.",
             sources=["https://example.org/report-2", {"title": "Convoy hit: report", "publisher": "Wire"}],
             tags=["supply-route"])
NEW_TEXT = """\
- id: 2020-09-07-basra-safwan-ied
  date: 2020-09-07
  governorate: Basra
  place: Safwan
  tactic: ied
  target_type: logistics-convoy
  target: A supply convoy
  killed: null
  wounded: 2
  claimed_by:
    - Ashab al-Kahf
  attributed_to: []
  evidence: reported
  summary: A roadside bomb hit a convoy.
  sources:
    - https://example.org/report-2
    - title: "Convoy hit: report"
      publisher: Wire
  tags: [supply-route]
"""


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return write_ledger(tmp_path, [record()], actors=ACTORS)


def json_file(tmp_path: Path, value: object, name: str = "new.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def test_one_record_from_a_file_is_appended_in_the_canonical_layout(ledger: Path, tmp_path: Path) -> None:
    before = ledger.read_bytes()
    result = run("-f", str(ledger), "add", "--json", str(json_file(tmp_path, NEW)))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "2020-09-07-basra-safwan-ied\n", "")
    assert ledger.read_bytes() == before + b"\n" + NEW_TEXT.encode()
    assert run("-f", str(ledger), "check", "--strict").exit_code == 0


def test_an_array_from_stdin_adds_every_record_and_prints_the_ids(ledger: Path) -> None:
    records = [NEW, record("2020-09-08-x", date="2020-09-08")]
    result = run("-f", str(ledger), "add", "--json", "-", input=json.dumps(records))
    assert (result.exit_code, result.stdout) == (0, "2020-09-07-basra-safwan-ied\n2020-09-08-x\n")
    assert ledger.read_text().count("- id: ") == 3


def test_every_problem_is_listed_and_the_ledger_is_untouched(ledger: Path, tmp_path: Path) -> None:
    before = ledger.read_bytes()
    bad = [
        record("2020-09-06-baghdad-airport-rocket"),
        {**record("ok-1"), "tactic": "rockt", "killed": "3", "governate": "Basra"},
        {**record("Bad Id", governorate="Basrah", sources=[]), "claimed_by": ["KH"]},
        record("ok-1", date="2020-13-01"),
        7,
    ]
    path = tmp_path / "bad.json"
    path.write_text("[\n" + ",\n".join(json.dumps(r) for r in bad) + "\n]\n", encoding="utf-8")  # a line each
    result = run("-f", str(ledger), "add", "--json", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    p = str(path)
    assert result.stderr.splitlines() == [
        f"{p}:2:1: error: record 1: id '2020-09-06-baghdad-airport-rocket' is already used at {ledger}:1; "
        "ids must be unique [duplicate-id]",
        f"{p}:3:1: error: record 2: tactic: unknown tactic 'rockt'; did you mean 'rocket'? (valid: rocket, mortar, "
        "missile, drone, airstrike, ied, small-arms, grenade, arson, kidnapping, other, unknown) [unknown-tactic]",
        f"{p}:3:1: error: record 2: killed must be a whole number, or null when not reported, not text ('3'); "
        "write the number without quotes [bad-type]",
        f"{p}:3:1: error: record 2: unknown key 'governate'; did you mean 'governorate'? [unknown-key]",
        f"{p}:4:1: error: record 3: id: id 'Bad Id' must be lower-case letters and digits joined by single hyphens, "
        "e.g. 2020-09-15-baghdad-british-embassy-convoy [bad-id]",
        f"{p}:4:1: error: record 3: governorate: 'Basrah' is an alias; the ledger uses the canonical name 'Basra' "
        "[governorate-alias]",
        f"{p}:4:1: error: record 3: sources is empty; list the reports the record is built from [no-sources]",
        f"{p}:5:1: error: record 4: id 'ok-1' is also the id of record 2; ids must be unique [duplicate-id]",
        f"{p}:5:1: error: record 4: date: '2020-13-01' has month 13; months run from 01 to 12 [bad-date]",
        f"{p}:6:1: error: record 5: each incident must be a mapping of keys ('id: ...'), not a number "
        "[not-a-mapping]",
        "iraqsec add: nothing added: 10 error(s) in the input; the ledger is unchanged",
    ]
    assert ledger.read_bytes() == before


def test_actor_aliases_are_errors_and_unknown_actors_warnings(ledger: Path, tmp_path: Path) -> None:
    alias = run("-f", str(ledger), "add", "--json", str(json_file(tmp_path, {**NEW, "claimed_by": ["KH"]})))
    assert alias.exit_code == 1
    assert "record 1: claimed_by[0]: 'KH' is a spelling of 'Kataib Hezbollah'; write the canonical name" \
        in alias.stderr
    unknown = run("-f", str(ledger), "add", "--json", str(json_file(tmp_path, {**NEW, "claimed_by": ["New Front"]})))
    assert (unknown.exit_code, unknown.stdout) == (0, "2020-09-07-basra-safwan-ied\n")
    assert unknown.stderr.endswith("warning: record 1: claimed_by[0]: 'New Front' is not in actors.yaml; "
                                   "add it to actors.yaml if it is a new group [unknown-actor]\n")


def test_a_probable_duplicate_is_a_warning(ledger: Path, tmp_path: Path) -> None:
    twin = record("2020-09-06-baghdad-airport-rocket-2")
    result = run("-f", str(ledger), "add", "--json", str(json_file(tmp_path, twin)))
    assert result.exit_code == 0
    assert "record 1: '2020-09-06-baghdad-airport-rocket-2' may be the same event as " \
           "'2020-09-06-baghdad-airport-rocket'" in result.stderr


def test_bad_json_is_reported_with_line_and_column(ledger: Path) -> None:
    result = run("-f", str(ledger), "add", "--json", "-", input='[\n  {"id": "x",}\n]')
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == ("<stdin>:2:14: error: invalid JSON: Expecting property name enclosed in double quotes "
                             "[json-syntax]\niraqsec add: the input is not valid JSON; the ledger is unchanged\n")


def test_json_keys_given_twice_are_errors(ledger: Path) -> None:
    text = json.dumps(NEW)[:-1] + ', "killed": 3}'
    result = run("-f", str(ledger), "add", "--json", "-", input=text)
    assert result.exit_code == 1
    assert "<stdin>:1:1: error: record 1: key 'killed' appears twice; keep one [duplicate-key]" in result.stderr


def test_an_empty_array_adds_nothing(ledger: Path) -> None:
    result = run("-f", str(ledger), "add", "--json", "-", input="[]")
    assert result.exit_code == 1
    assert result.stderr.startswith("<stdin>:1:1: error: the input holds no records (an empty array)")


def test_separator_characters_are_refused(ledger: Path, tmp_path: Path) -> None:
    # U+2028 is a line separator, not text a curator means; the model refuses it like a control character.
    result = run("-f", str(ledger), "add", "--json", str(json_file(tmp_path, {**NEW, "notes": "a\nb\u2028c"})))
    assert result.exit_code == 1
    assert "record 1: notes: text contains the control character U+2028" in result.stderr


def test_a_ledger_with_an_unusual_layout_is_not_appended_to(tmp_path: Path) -> None:
    ledger = tmp_path / "incidents.yaml"
    ledger.write_text(json.dumps([record()]) + "\n", encoding="utf-8")  # a flow sequence
    result = run("-f", str(ledger), "add", "--json", str(json_file(tmp_path, NEW)))
    assert result.exit_code == 1
    assert result.stderr == (f"iraqsec add: {ledger}: the records cannot be added without changing the file's "
                             f"existing records (its layout is unusual); run 'iraqsec fmt {ledger}' and try again; "
                             "the ledger is unchanged\n")
    assert ledger.read_text() == json.dumps([record()]) + "\n"


def test_a_ledger_that_cannot_be_parsed_is_not_appended_to(tmp_path: Path) -> None:
    ledger = tmp_path / "incidents.yaml"
    ledger.write_text("- id: [\n", encoding="utf-8")
    result = run("-f", str(ledger), "add", "--json", str(json_file(tmp_path, NEW)))
    assert result.exit_code == 1
    assert result.stderr.endswith("iraqsec add: the ledger cannot be read; fix it first (run 'iraqsec check'); "
                                  "the ledger is unchanged\n")


def test_a_new_file_is_created(tmp_path: Path) -> None:
    ledger = tmp_path / "new.yaml"
    result = run("-f", str(ledger), "add", "--json", str(json_file(tmp_path, NEW)))
    assert result.exit_code == 0
    assert ledger.read_text() == NEW_TEXT


def test_a_directory_means_its_incidents_file(tmp_path: Path) -> None:
    write_ledger(tmp_path, [record()])
    result = run("-f", str(tmp_path), "add", "--json", str(json_file(tmp_path, NEW)))
    assert result.exit_code == 0
    assert (tmp_path / "incidents.yaml").read_text().endswith(NEW_TEXT)


def test_a_directory_without_an_incidents_file_is_refused(tmp_path: Path) -> None:
    write_ledger(tmp_path, [record()], name="2020.yaml")
    result = run("-f", str(tmp_path), "add", "--json", str(json_file(tmp_path, NEW)))
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {tmp_path}: is a directory without an incidents.yaml to add to; "
                             "pass -f PATH naming the ledger file to write\n")


def test_the_shipped_ledger_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./data/incidents.yaml: the packaged ledger is in force
    result = run("add", "--json", str(json_file(tmp_path, NEW)))
    assert result.exit_code == 2
    assert "is the ledger shipped with iraqsec, which is not edited in place; pass -f PATH" in result.stderr


def test_ids_are_unique_across_the_ledger_files_in_force(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_ledger(tmp_path / "a", [record("one")])
    second = write_ledger(tmp_path / "b", [record("two", date="2020-01-01")])
    result = run("-f", str(first), "-f", str(second), "add", "--json", "-", input=json.dumps(record("two")))
    assert result.exit_code == 1
    assert f"id 'two' is already used at {second}:1" in result.stderr


def test_without_input_off_a_terminal_it_is_a_usage_error(ledger: Path) -> None:
    result = run("-f", str(ledger), "add")
    assert result.exit_code == 2
    assert result.stderr == ("Error: no record given: pass --json FILE (or --json - to read standard input), "
                             "or run 'iraqsec add' on a terminal to be asked for each field\n")


def test_a_missing_json_file_is_a_usage_error(ledger: Path, tmp_path: Path) -> None:
    result = run("-f", str(ledger), "add", "--json", str(tmp_path / "nope.json"))
    assert (result.exit_code, result.stderr) == (2, f"Error: {tmp_path / 'nope.json'}: No such file or directory\n")


# --- prompts (forced with the hidden --interactive flag) ---------------------

ANSWERS = [
    "2020-13-01",  # rejected: month 13
    "2020-09-07",
    "Basrah",  # an alias, stored as Basra
    "Safwan",
    "",  # no coordinates
    "IED",  # case-insensitive choice
    "supply",  # not a target type: asked again
    "logistics-convoy",
    "A supply convoy",
    "",  # no target country
    "",  # killed: not reported
    "two",  # rejected
    "2",
    "people of the cave",  # an alias of Ashab al-Kahf
    "",
    "likely",  # not an evidence grade: asked again
    "Reported",
    "",  # scope: campaign, the default, is not written
    "A roadside bomb hit a convoy.",
    "ftp://example.org",  # rejected
    "https://example.org/report-2",
    "",  # no more sources
    "",  # no notes
    "Supply Route",  # rejected: not kebab-case
    "supply-route",
    "",  # the proposed id
]


def test_prompts_build_the_record_and_write_it_after_confirmation(ledger: Path) -> None:
    result = run("-f", str(ledger), "add", "--interactive", input="\n".join([*ANSWERS, "y"]) + "\n")
    assert result.exit_code == 0, result.output
    written = ledger.read_text()
    assert written.endswith("""\
- id: 2020-09-07-safwan-ied
  date: 2020-09-07
  governorate: Basra
  place: Safwan
  tactic: ied
  target_type: logistics-convoy
  target: A supply convoy
  killed: null
  wounded: 2
  claimed_by:
    - Ashab al-Kahf
  attributed_to: []
  evidence: reported
  summary: A roadside bomb hit a convoy.
  sources:
    - https://example.org/report-2
  tags: [supply-route]
""")
    assert result.stdout.endswith(f"Add this record to {ledger}? [Y/n]: y\nAdded 2020-09-07-safwan-ied to {ledger}.\n")
    assert "Target type (military-base, airport, diplomatic-mission, diplomatic-convoy, logistics-convoy, " \
        "military-convoy, private-company, educational, government, militia, civilian, other): supply\n" \
        "Error: 'supply' is not one of 'military-base', 'airport', 'diplomatic-mission', 'diplomatic-convoy', " \
        "'logistics-convoy', 'military-convoy', 'private-company', 'educational', 'government', 'militia', " \
        "'civilian', 'other'.\n" in result.stdout
    assert result.stderr.splitlines() == [
        "  date: '2020-13-01' has month 13; months run from 01 to 12",
        "  'two' is not a whole number; write 0 or more, or leave it empty if not reported",
        "  note: 'people of the cave' recorded as 'Ashab al-Kahf'",
        "  sources[0]: 'ftp://example.org' is not an http(s):// URL",
        "  tags[0]: tag 'Supply Route' must be kebab-case (lower-case words joined by hyphens)",
    ]


def test_prompts_write_nothing_when_not_confirmed(ledger: Path) -> None:
    before = ledger.read_bytes()
    result = run("-f", str(ledger), "add", "--interactive", input="\n".join([*ANSWERS, "n"]) + "\n")
    assert result.exit_code == 0
    assert result.stdout.endswith("Nothing written.\n")
    assert ledger.read_bytes() == before


def test_the_proposed_id_is_made_unique(ledger: Path) -> None:
    answers = ["2020-09-06", "IQ-BG", "Test Airport", "", "rocket", "airport", "x", "", "0", "0", "", "",
               "confirmed", "", "s", "https://example.org/a", "", "", "", "", "y"]
    result = run("-f", str(ledger), "add", "--interactive", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Id [2020-09-06-test-airport-rocket]: " in result.stdout
    answers[2] = "Baghdad Airport"  # the ledger's record has 2020-09-06-baghdad-airport-rocket
    again = run("-f", str(ledger), "add", "--interactive", input="\n".join(answers) + "\n")
    assert "Id [2020-09-06-baghdad-airport-rocket-2]: " in again.stdout


def test_propose_id() -> None:
    assert authoring.propose_id("2020-09", "Ain al-Asad Air Base", "rocket", []) == \
        "2020-09-ain-al-asad-air-base-rocket"
    assert authoring.propose_id("2020-09-06", "Qayyarah (Q-West)", "drone", ["2020-09-06-qayyarah-q-west-drone"]) \
        == "2020-09-06-qayyarah-q-west-drone-2"
    assert authoring.propose_id("2020-09-06", "Érbil – citadel", "ied", []) == "2020-09-06-erbil-citadel-ied"
    long = authoring.propose_id("2020-09-06", "word " * 30, "small-arms", [])
    assert len(long) <= 76 and long.startswith("2020-09-06-word-word") and long.endswith("-word")


def test_crlf_line_ends_and_a_bom_are_kept(tmp_path: Path) -> None:
    ledger = tmp_path / "incidents.yaml"
    before = b"\xef\xbb\xbf" + as_yaml([record()]).replace("\n", "\r\n").encode()
    ledger.write_bytes(before)
    assert run("-f", str(ledger), "add", "--json", str(json_file(tmp_path, NEW))).exit_code == 0
    assert ledger.read_bytes() == before + b"\r\n" + NEW_TEXT.replace("\n", "\r\n").encode()


def test_appending_after_a_block_that_keeps_its_blank_lines(tmp_path: Path) -> None:
    ledger = tmp_path / "incidents.yaml"
    before = as_yaml([record()]) + "  notes: |+\n    kept\n\n"
    ledger.write_text(before, encoding="utf-8")
    assert run("-f", str(ledger), "add", "--json", str(json_file(tmp_path, NEW))).exit_code == 0
    assert ledger.read_text(encoding="utf-8") == before + NEW_TEXT
    assert run("-f", str(ledger), "check").exit_code == 0


def test_unpaired_surrogates_are_not_text(ledger: Path) -> None:
    result = run("-f", str(ledger), "add", "--json", "-", input=json.dumps({**NEW, "place": "a\ud800b"}))
    assert result.exit_code == 1
    assert result.stderr == ("<stdin>:1:1: error: record 1: place: holds an unpaired UTF-16 surrogate, which is not "
                             "text [bad-text]\niraqsec add: nothing added: 1 error(s) in the input; the ledger is "
                             "unchanged\n")
