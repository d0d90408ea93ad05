"""`iraqsec check`: every rule and every bad input, located exactly."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import VALID, record
from iraqsec.record import model

F = "incidents.yaml"

# (name, ledger text, the exact finding lines expected)
BAD_INPUTS: list[tuple[str, str | bytes, list[str]]] = [
    ("misspelt key", record(governate="Baghdad"),
     [f"{F}:17:3: error: unknown key 'governate'; did you mean 'governorate'? [unknown-key]"]),
    ("unknown key", record(weapon="rocket"),
     [f"{F}:17:3: error: unknown key 'weapon' (allowed: id, date, date_end, governorate, place, site, "
      "coordinates, geo_precision, tactic, target_type, target, target_country, killed, wounded, claimed_by, "
      "attributed_to, evidence, scope, related, summary, sources, notes, tags, withdrawn) [unknown-key]"]),
    ("duplicate key", VALID + "  place: Again\n",
     [f"{F}:17:3: error: key 'place' appears twice in this mapping (first at line 4); keep one [duplicate-key]"]),
    ("missing key", record(tactic=None),
     [f"{F}:1:3: error: missing required key 'tactic' [missing-key]"]),
    ("missing killed", record(killed=None),
     [f"{F}:1:3: error: missing required key 'killed' (write null when the number was not reported) [missing-key]"]),
    ("string killed", record(killed='"3"'),
     [f"{F}:9:3: error: killed must be a whole number, or null when not reported, not text ('3'); write the "
      "number without quotes [bad-type]"]),
    ("float wounded", record(wounded="2.5"),
     [f"{F}:10:3: error: wounded must be a whole number, or null when not reported, not a number [bad-type]"]),
    ("negative killed", record(killed="-1"),
     [f"{F}:9:3: error: killed is -1; it must be 0 or more [bad-value]"]),
    ("date where text is due", record(place="2020-09-06"),
     [f"{F}:4:3: error: place must be text, not a date; put the value in quotes [bad-type]"]),
    ("30 February", record(date="2020-02-30"),
     [f"{F}:2:3: error: date: '2020-02-30' is not a day of the calendar [bad-date]"]),
    ("month 13", record(date="2020-13"),
     [f"{F}:2:3: error: date: '2020-13' has month 13; months run from 01 to 12 [bad-date]"]),
    ("unpadded date", record(date="2020-9-16"),
     [f"{F}:2:3: error: date: '2020-9-16' is not a date; write YYYY-MM-DD, or YYYY-MM when only the month is "
      "known (two-digit month and day, e.g. 2020-09-06) [bad-date]"]),
    ("date in Arabic-Indic digits", record(date="٢٠٢٠-٠٩-٠٦"),
     [f"{F}:2:3: error: date: '٢٠٢٠-٠٩-٠٦' is not a date; write YYYY-MM-DD, or YYYY-MM when only the month is "
      "known (two-digit month and day, e.g. 2020-09-06) [bad-date]"]),
    ("future date", record(date="2999-01-01"),
     [f"{F}:2:3: error: date: '2999-01-01' is in the future [future-date]"]),
    ("unknown tactic", record(tactic="rockets"),
     [f"{F}:5:3: error: tactic: unknown tactic 'rockets'; did you mean 'rocket'? (valid: rocket, mortar, missile, "
      "drone, airstrike, ied, small-arms, grenade, arson, kidnapping, other, unknown) [unknown-tactic]"]),
    ("unknown target type", record(target_type="embassy"),
     [f"{F}:6:3: error: target_type: unknown target type 'embassy' (valid: military-base, airport, "
      "diplomatic-mission, diplomatic-convoy, logistics-convoy, military-convoy, private-company, educational, "
      "government, militia, civilian, other) [unknown-target-type]"]),
    ("governorate alias", record(governorate="Babylon"),
     [f"{F}:3:3: error: governorate: 'Babylon' is an alias; the ledger uses the canonical name 'Babil' "
      "[governorate-alias]"]),
    ("unknown governorate", record(governorate="Bagdad"),
     [f"{F}:3:3: error: governorate: unknown governorate 'Bagdad'; did you mean 'Baghdad'? [unknown-governorate]"]),
    ("empty sources", record(sources="[]"),
     [f"{F}:15:3: error: sources is empty; list the reports the record is built from [no-sources]"]),
    ("non-http source", record(sources="\n    - ftp://example.org/x"),
     [f"{F}:16:7: error: sources[0]: 'ftp://example.org/x' is not an http(s):// URL [bad-source]"]),
    ("source mapping without title", record(sources="\n    - url: https://example.org/x"),
     [f"{F}:16:7: error: missing required key 'sources[0].title' [missing-key]"]),
    ("coordinates outside Iraq", record(coordinates="[51.5, -0.1]"),
     [f"{F}:17:3: error: coordinates: [51.5, -0.1] is outside Iraq (lat 29.0-37.4, lon 38.7-48.8) "
      "[bad-coordinates]"]),
    ("coordinates swapped", record(coordinates="[44.4, 33.3]"),
     [f"{F}:17:3: error: coordinates: [44.4, 33.3] is outside Iraq (lat 29.0-37.4, lon 38.7-48.8) "
      "(latitude comes first) [bad-coordinates]"]),
    ("escape sequence", record(target='"red \\e[31m text"'),
     [f"{F}:7:3: error: target: text contains the control character U+001B (terminal escape sequences "
      "included); remove it [control-character]"]),
    ("control character", record(target='"bell \\a"'),
     [f"{F}:7:3: error: target: text contains the control character U+0007 (terminal escape sequences "
      "included); remove it [control-character]"]),
    ("raw control character", record(target="bell \x07 x"),
     [f"{F}:7:16: error: the character U+0007 is not allowed in YAML; remove it [yaml-syntax]"]),
    ("over-long text", record(place="x" * 201),
     [f"{F}:4:3: error: place is 201 characters long; the limit is 200 [too-long]"]),
    ("bad id", record(id="Sept_6"),
     [f"{F}:1:3: error: id: id 'Sept_6' must be lower-case letters and digits joined by single hyphens, e.g. "
      "2020-09-15-baghdad-british-embassy-convoy [bad-id]"]),
    ("bad country", record(target_country="usa"),
     [f"{F}:8:3: error: target_country: 'usa' is not an upper-case ISO 3166-1 alpha-2 code such as US, GB, IQ "
      "[bad-country]"]),
    ("lower-case country", record(target_country="gb"),
     [f"{F}:8:3: error: target_country: 'gb' is not an upper-case ISO 3166-1 alpha-2 code; write 'GB' "
      "[bad-country]"]),
    ("unassigned country", record(target_country="UK"),
     [f"{F}:8:3: error: target_country: 'UK' is not an upper-case ISO 3166-1 alpha-2 code; the United Kingdom's "
      "code is 'GB' [bad-country]"]),
    ("top level not a list", "id: x\n",
     [f"{F}:1:1: error: the top level of a ledger must be a list of incidents ('- id: ...'), not a mapping "
      "[not-a-list]"]),
    ("record not a mapping", VALID + "- just text\n",
     [f"{F}:17:3: error: each incident must be a mapping of keys ('id: ...'), not text [not-a-mapping]"]),
    ("tab indentation", VALID.replace("  place:", "\tplace:"),
     [f"{F}:4:1: error: found a tab character that violates indentation (while scanning a plain scalar started "
      "at line 3); indent with spaces, not tabs [yaml-syntax]"]),
    ("unclosed bracket", record(tags="[a, b"),
     [f"{F}:18:1: error: did not find expected ',' or ']' (while parsing a flow sequence started at line 17); "
      "close the bracket, or quote text that contains [ ] { } or , [yaml-syntax]"]),
    ("undecodable bytes", VALID.encode().replace(b"Airport car park", b"Airport \xff park"),
     [f"{F}:7:19: error: bytes ff are not valid UTF-8; save the file as UTF-8 [encoding]"]),
    ("python tag", record(target="!!python/object/apply:os.system ['touch pwned']"),
     [f"{F}:7:11: error: explicit tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed (tags are "
      "never constructed); remove it [yaml-tag]",
      f"{F}:7:3: error: target must be text, not a list [bad-type]"]),
    ("anchor and alias", record(place="&p Airport", target="*p"),
     [f"{F}:4:10: error: anchor '&p' is not allowed; remove it [yaml-anchor]",
      f"{F}:7:11: error: alias '*p' is not allowed (aliases are never expanded); write the value out [yaml-alias]",
      f"{F}:7:3: error: target must be text, not an empty value (null) [bad-type]"]),
    ("merge key", record(notes="{<<: {a: 1}}"),
     [f"{F}:17:11: error: merge keys ('<<') are not part of the format; write the keys out [yaml-merge]",
      f"{F}:17:3: error: notes must be text, not a mapping [bad-type]"]),
    ("bad tag", record(tags="[Convoy Campaign]"),
     [f"{F}:17:10: error: tags[0]: tag 'Convoy Campaign' must be kebab-case (lower-case words joined by hyphens) "
      "[bad-tag]"]),
    ("empty text", record(target='""'),
     [f"{F}:7:3: error: target is empty; write the text or remove the key [empty-text]"]),
    ("non-text key", VALID + "  1: one\n",
     [f"{F}:17:3: error: a key must be text, not a number [bad-key]"]),
    ("tab in a quoted scalar", record(target='"a\\tb"'),
     [f"{F}:7:11: error: a tab or line break is only allowed inside a block scalar ('|' or '>'); use a block "
      "scalar or remove it [control-character]"]),
    ("bad published date", record(sources="\n    - title: A report\n      published: 2020-9-7"),
     [f"{F}:17:7: error: sources[0].published: '2020-9-7' is not a date; write YYYY-MM-DD, or YYYY-MM when only "
      "the month is known (two-digit month and day, e.g. 2020-09-06) [bad-date]"]),
    ("utf-16 file", "\ufeff- id: x\n".encode("utf-16-le"),
     [f"{F}:1:1: error: the file is UTF-16; save it as UTF-8 [encoding]"]),
    ("wrong type for a list", record(claimed_by="Ashab al-Kahf"),
     [f"{F}:11:3: error: claimed_by must be a list, not text [bad-type]"]),
    ("two documents", VALID + "---\n" + VALID,
     [f"{F}:17:1: error: a ledger file holds one YAML document; remove the extra '---' and what follows "
      "[multiple-documents]"]),
]


def _findings(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if "] " not in line[-3:] and line.startswith(F)]


@pytest.mark.parametrize(("name", "text", "expected"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_located(name: str, text: str | bytes, expected: list[str],
                              write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(text)
    result = run("check", F)
    lines = result.output.splitlines()
    assert sorted(lines[:-1]) == sorted(expected), name
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_python_tag_runs_nothing(write: Callable[..., Path], run: Callable[..., Result], tmp_path: Path) -> None:
    write(record(target="!!python/object/apply:os.system ['touch pwned']"))
    run("check", F)
    assert not (tmp_path / "pwned").exists()


def test_findings_are_all_reported_with_a_tally(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    second = VALID.replace("2020-09-06-baghdad-airport-rockets", "second").replace("rocket\n", "rockets\n")
    write(record(governorate="Babylon", killed='"1"') + second)
    result = run("check", F)
    assert result.output.splitlines()[-1] == "3 errors, 0 warnings in 2 records (1 file)"
    assert result.exit_code == 1


UNUSUAL_BUT_VALID = [
    ("bom and crlf", ("\ufeff" + VALID).replace("\n", "\r\n").encode()),
    ("arabic text", record(place="مطار بغداد الدولي", summary="نص تجريبي")),
    ("month precision", record(date="2020-09")),
    ("quoted date", record(date='"2020-09-06"')),
    ("markup in text", record(target='"[/] [bold] [link=x] :skull:"', summary="'[/]'")),
    ("block scalar with newline and tab", record(notes="|\n    line one\n    \tline two")),
    ("empty file", ""),
    ("comments only", "# nothing yet\n"),
    ("source mapping", record(sources="\n    - title: A report\n      publisher: X\n      published: 2020-09-07")),
    ("null casualties", record(killed="null", wounded="")),
]


@pytest.mark.parametrize(("name", "text"), UNUSUAL_BUT_VALID, ids=[u[0] for u in UNUSUAL_BUT_VALID])
def test_unusual_but_valid(name: str, text: str | bytes, write: Callable[..., Path],
                           run: Callable[..., Result]) -> None:
    write(text)
    result = run("check", "--strict", F)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("0 errors, 0 warnings")


def test_billion_laughs_fails_fast(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        levels.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    write("- " + "\n  ".join(levels) + "\n")
    start = time.process_time()
    result = run("check", F)
    assert time.process_time() - start < 5  # a sanity bound, not a benchmark: expansion would never end
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{F}:1:6: error: anchor '&a' is not allowed; remove it [yaml-anchor]" in lines
    assert f"{F}:2:10: error: alias '*a' is not allowed (aliases are never expanded); write the value out " \
        "[yaml-alias]" in lines
    assert lines[-1] == "112 errors, 0 warnings in 1 record (1 file)"  # 11 missing, 10 keys, 10 anchors, 81 aliases


@pytest.mark.parametrize(("text", "expected"), [
    ("- " + "[" * 20000 + "]" * 20000 + "\n",
     f"{F}:1:1002: error: nesting deeper than YAML allows; a record needs at most 4 levels [too-deep]"),
    ("- " + "".join("  " * i + "a:\n" for i in range(2000)),
     f"{F}:33:65: error: nesting deeper than 32 levels; a record needs at most 4 [too-deep]"),
])
def test_deep_nesting_fails_fast(text: str, expected: str, write: Callable[..., Path],
                                 run: Callable[..., Result]) -> None:
    write(text)
    start = time.process_time()
    result = run("check", F)
    assert time.process_time() - start < 5  # a sanity bound, not a benchmark
    assert result.exit_code == 1
    assert expected in result.output.splitlines()


def test_missing_file_is_a_usage_error(run: Callable[..., Result]) -> None:
    result = run("check", "nope.yaml")
    assert result.exit_code == 2
    assert result.output == "Error: nope.yaml: no such ledger file or directory\n"


def test_bad_option_is_a_usage_error(run: Callable[..., Result]) -> None:
    assert run("check", "--frobnicate").exit_code == 2


def test_every_character_the_text_rules_refuse_is_unprintable() -> None:
    # check_text lets printable text through without its two searches; that is
    # only sound if no character either search finds is printable.  All of
    # Unicode is checked, so a new Python's tables cannot open a hole.
    refused = [chr(c) for c in range(0x110000)
               if model.CONTROL_RE.match(chr(c)) or model.BIDI_RE.match(chr(c))]
    assert len(refused) == 77 and not any(c.isprintable() for c in refused)
