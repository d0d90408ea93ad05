"""YAML 1.1 number spellings never change a count (issue 10, item 1).

`killed: 010` was read as 8, `1:30` as 90, `0x10` as 16; `check --strict`
passed and `fmt` wrote the changed value back.  A number in the ledger is
plain decimal; every other spelling YAML 1.1 reads as a number is an error
naming the field and what to write, and no command changes the value.
Every record here is SYNTHETIC."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import record

# Spellings of a whole number n >= 0 that YAML 1.1 resolves to an int, other
# than plain decimal.  Each function returns (text, what YAML 1.1 reads).
SPELLINGS: dict[str, Callable[[int], str]] = {
    "octal": lambda n: f"0{n:o}",
    "octal-0o": lambda n: f"0o{n:o}",  # YAML 1.2 octal: text to YAML 1.1, so a count that is text
    "hex": lambda n: f"0x{n:x}",
    "HEX": lambda n: f"0x{n:X}",
    "binary": lambda n: f"0b{n:b}",
    "underscore": lambda n: f"{n}_" if n else "0_0",
    "grouped": lambda n: f"{n:_}" if n >= 1000 else f"1_{n:03d}",
    "sexagesimal": lambda n: f"{n // 60 or 1}:{n % 60:02d}",
    "plus": lambda n: f"+{n}",
    "leading-zero": lambda n: f"00{n}",
}


def _check(write: Callable[..., Path], run: Callable[..., Result], text: str, key: str = "killed") -> Result:
    write(record(**{key: text}))
    return run("--no-cache", "check", "--strict", "incidents.yaml")


@pytest.mark.parametrize(("text", "reads"), [
    ("010", 8), ("0x10", 16), ("0b11", 3), ("1:30", 90), ("1_000", 1000), ("+5", 5), ("0o17", None), ("-0", 0),
])
def test_the_reported_spellings(text: str, reads: int | None, write: Callable[..., Path],
                                run: Callable[..., Result]) -> None:
    result = _check(write, run, text)
    if reads is None:  # `0o17` is text to YAML 1.1: a count that is text
        assert "incidents.yaml:9:3: error: killed must be a whole number, or null when not reported, not text" \
            in result.stdout
    else:
        assert result.stdout.startswith(
            f"incidents.yaml:9:3: error: killed: '{text}' is not a plain decimal number (YAML 1.1 would read it "
            f"as {reads}); write the number in plain decimal digits, with no leading zero, sign, underscore, "
            "0x/0o/0b prefix or ':'")
        assert "[number-spelling]\n" in result.stdout
    assert result.exit_code == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(min_value=0, max_value=10**6), form=st.sampled_from(sorted(SPELLINGS)),
       key=st.sampled_from(["killed", "wounded"]))
def test_every_yaml11_spelling_is_refused_by_check_and_fmt(n: int, form: str, key: str,
                                                           write: Callable[..., Path],
                                                           run: Callable[..., Result]) -> None:
    text = SPELLINGS[form](n)
    if text == str(n):
        return  # the spelling happens to be plain decimal
    path = write(record(**{key: text}))
    before = path.read_bytes()
    result = run("--no-cache", "check", "--strict", "incidents.yaml")
    assert result.exit_code == 1
    line = 9 if key == "killed" else 10
    assert f"incidents.yaml:{line}:3: error: {key}: '{text}'" in result.stdout \
        or f"incidents.yaml:{line}:3: error: {key} must be a whole number" in result.stdout
    assert run("fmt", "incidents.yaml").exit_code == 1
    assert run("-f", "incidents.yaml", "list", "--format", "json").exit_code == 1
    assert path.read_bytes() == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(min_value=0, max_value=10**12))
def test_plain_decimal_reads_as_written(n: int, write: Callable[..., Path], run: Callable[..., Result]) -> None:
    path = write(record(killed=str(n), wounded="null"))
    assert run("--no-cache", "check", "--strict", "incidents.yaml").exit_code == 0
    listed = run("--no-cache", "-f", "incidents.yaml", "list", "--format", "json")
    assert f'"killed": {n},' in listed.stdout
    assert run("fmt", "incidents.yaml").exit_code == 0
    assert f"  killed: {n}\n" in path.read_text(encoding="utf-8")


def test_every_field_refuses_a_number_spelling(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(record(place="0x1F", coordinates="[33_3.1, 1:44.2]"))
    result = run("--no-cache", "check", "incidents.yaml")
    assert result.exit_code == 1
    assert result.stdout == (
        "incidents.yaml:4:3: error: place: '0x1F' is not a plain decimal number (YAML 1.1 would read it as 31); "
        "if it is text, put it in quotes: \"0x1F\" [number-spelling]\n"
        "incidents.yaml:17:17: error: coordinates[0]: '33_3.1' is not a plain decimal number (YAML 1.1 would read "
        "it as 333.1); write the number in plain decimal digits, with no leading zero, sign, underscore, 0x/0o/0b "
        "prefix or ':' [number-spelling]\n"
        "incidents.yaml:17:25: error: coordinates[1]: '1:44.2' is not a plain decimal number (YAML 1.1 would read "
        "it as 104.2); write the number in plain decimal digits, with no leading zero, sign, underscore, 0x/0o/0b "
        "prefix or ':' [number-spelling]\n"
        "3 errors, 0 warnings in 1 record (1 file)\n")


def test_a_quoted_spelling_is_text(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(record(place='"0x1F"'))
    assert run("--no-cache", "check", "--strict", "incidents.yaml").exit_code == 0


def test_prompted_count_with_a_leading_zero_is_asked_again() -> None:
    from iraqsec.writing.authoring import AnswerError, parse_count

    with pytest.raises(AnswerError, match=r"leading zero; write the count in plain decimal, e\.g\. 10"):
        parse_count("010")
    assert parse_count("10") == 10
