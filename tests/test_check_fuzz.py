"""Property: whatever a ledger file holds, `check` reports and never raises."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import VALID, record
from iraqsec.cli import main

SEED = (VALID + record(id="second", date="2020-09", governorate="Babil", tactic="ied",
                       target_type="logistics-convoy", killed="null", notes="|\n    two\n    lines",
                       sources="\n    - title: A\n      url: https://example.org/a\n      published: 2020-09-07",
                       tags="[convoy-campaign]", coordinates="[32.5, 44.4]")).encode()
NASTY = [b"\t", b"\x00", b"\x1b[31m", b"\xff", b"[", b"]", b"{", b"}", b":", b": ", b"- ", b"&a ", b"*a",
         b"!!python/name:os.system ", b"'", b'"', b"#", b"\r\n", b"\n", b"  ", b"<<: ", b"---\n",
         b"%TAG ! tag:x,2000:\n", b"\xef\xbb\xbf", b"|", b">",
         b"null", b"2020-02-30", b"1e400", b"0x1F", b"~", b"?", b",", b"@", b"`"]


def _mutate(data: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    for kind, pos, pick in ops:
        at = pos % (len(data) + 1)
        if kind == 0:
            data = data[:at] + NASTY[pick % len(NASTY)] + data[at:]
        elif kind == 1:
            data = data[:at] + data[at + 1 + pick % 8:]
        elif kind == 2:
            lines = data.split(b"\n")
            i = at % len(lines)
            lines.insert(i, lines[pick % len(lines)])
            data = b"\n".join(lines)
        else:
            lines = data.split(b"\n")
            del lines[at % len(lines)]
            data = b"\n".join(lines)
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10_000), st.integers(0, 1000)), min_size=1, max_size=6))
def test_check_never_raises(tmp_path: Path, ops: list[tuple[int, int, int]]) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_bytes(_mutate(SEED, ops))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    assert result.output.splitlines()[-1].split(" ")[1].startswith("error")
