"""The cache of validated ledgers: same results, never stale, never trusted
when corrupt, bypassed by --no-cache.  Every record here is SYNTHETIC."""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from conftest import VALID, record

ACTORS = """\
- name: Ashab al-Kahf
  kind: front
  aliases: [Ahl al-Kahf]
  sources:
    - title: Synthetic report
      url: https://example.org/a
      published: 2020-09
  linked_to: [Kataib Hezbollah]
- name: Kataib Hezbollah
  kind: faction
"""
LEDGER = (VALID + "\n"
          + record(id="second", date="2020-09", governorate="Babil", tactic="ied", target_type="logistics-convoy",
                   killed="null", claimed_by="[Ashab al-Kahf]", notes="|-\n    two\n    lines",
                   sources="\n    - title: A\n      url: https://example.org/a\n      published: 2020-09-07",
                   tags="[convoy-campaign]", coordinates="[32.5, 44.4]", geo_precision="near") + "\n"
          + record(id="third", date="2020-10-01", summary='"Quoted: text, with \\"marks\\"."', wounded="7",
                   attributed_to="[Some New Group]"))
QUERIES = [
    ("list", "--format", "json"),
    ("list", "--month", "2020-09", "--format", "json"),
    ("list", "--month", "2020-09", "--actor", "Ahl al-Kahf", "--format", "ndjson"),
    ("list", "--format", "yaml"),
    ("list", "--format", "csv", "--search", "quoted"),
    ("summary", "--by", "month", "--by", "tactic", "--format", "json"),
    ("summary", "--by", "actor", "--format", "csv"),
    ("summary", "--by", "governorate", "--search", "QUOTED", "--format", "markdown"),
    ("trend", "--by", "tactic", "--format", "json"),
    ("show", "second", "--format", "json"),
    # warm `show` and `--search` use the cache's id and text indexes
    ("show", "third", "--format", "yaml"),
    ("show", "secnd"),
    ("list", "--search", "LINES", "--format", "ids"),
    ("list", "--search", "a", "--format", "ids"),
    ("list", "--search", "\"marks\"", "--format", "ids"),
    ("list", "--month", "2020-09", "--search", "airport", "--format", "ids"),
    ("list", "--search", "nowhere", "--format", "ids"),
    # warm JSON and ids output read the month's Facts and the stored JSON texts
    ("list", "--month", "2020-09", "--format", "ids", "--reverse", "--limit", "1"),
    ("list", "--month", "2020-10", "--month", "2020-09", "--format", "json", "--scope", "all"),
    ("list", "--format", "json", "--tactic", "ied", "--include-withdrawn"),
    ("list", "--search", "quoted", "--format", "json"),
    ("summary", "--by", "tactic", "--month", "2020-09", "--format", "json"),
]


def _cache_files(tmp_path: Path) -> list[Path]:
    # the `run` fixture points IRAQSEC_CACHE_DIR at a directory of this test's own
    return sorted(Path(os.environ["IRAQSEC_CACHE_DIR"]).glob("ledger-*.bin"))


def _outputs(run: Callable[..., Result], *first: str) -> list[tuple[int, str]]:
    return [(r.exit_code, r.output) for r in (run(*first, *q) for q in QUERIES)]


def test_results_are_identical_with_and_without_the_cache(write: Callable[..., Path], run: Callable[..., Result],
                                                          tmp_path: Path) -> None:
    write(ACTORS, "actors.yaml")
    write(LEDGER)
    plain = _outputs(run, "--no-cache", "-f", "incidents.yaml")
    assert _cache_files(tmp_path) == []  # --no-cache neither reads nor writes
    filling = _outputs(run, "-f", "incidents.yaml")
    assert len(_cache_files(tmp_path)) == 1
    warm = _outputs(run, "-f", "incidents.yaml")
    assert plain == filling == warm
    assert [code for code, _ in plain] == [1 if q == ("show", "secnd") else 0 for q in QUERIES]
    assert plain[QUERIES.index(("show", "secnd"))][1] == \
        "iraqsec: no incident with id 'secnd'; did you mean: second?\n"
    assert plain[QUERIES.index(("list", "--search", "LINES", "--format", "ids"))][1] == "second\n"


def test_an_edit_is_seen(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    path = write(LEDGER)
    assert run("-f", "incidents.yaml", "list", "--format", "ids").output == \
        "second\n2020-09-06-baghdad-airport-rockets\nthird\n"
    stat = path.stat()
    # Same size and the same mtime: only the content (and so the ctime) differs.
    path.write_text(LEDGER.replace("id: third", "id: thurd"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert run("-f", "incidents.yaml", "list", "--format", "ids").output == \
        "second\n2020-09-06-baghdad-airport-rockets\nthurd\n"


def test_an_edited_actor_registry_is_seen(write: Callable[..., Path], run: Callable[..., Result]) -> None:
    write(ACTORS, "actors.yaml")
    write(LEDGER)
    assert run("-f", "incidents.yaml", "list", "--actor", "Ahl al-Kahf", "--format", "ids").output == "second\n"
    write(ACTORS.replace("Ahl al-Kahf", "People of the Cave"), "actors.yaml")
    result = run("-f", "incidents.yaml", "list", "--actor", "Ahl al-Kahf", "--format", "ids")
    assert result.exit_code == 2
    assert "unknown actor 'Ahl al-Kahf'" in result.output


def test_a_ledger_with_errors_is_not_cached(write: Callable[..., Path], run: Callable[..., Result],
                                             tmp_path: Path) -> None:
    write(record(tactic="rockets"))
    assert run("-f", "incidents.yaml", "list").exit_code == 1
    assert _cache_files(tmp_path) == []


def test_a_corrupt_or_foreign_cache_is_rebuilt(write: Callable[..., Path], run: Callable[..., Result],
                                               tmp_path: Path) -> None:
    write(LEDGER)
    expected = run("-f", "incidents.yaml", "list", "--format", "json").output
    (cache,) = _cache_files(tmp_path)
    good = cache.read_bytes()
    header = b"IRAQSEC-CACHE-1\n"
    for junk in (b"", b"\x00garbage", good[:100], good[:-10], header, header + b"\xff" * 12 + b"x",
                 header + bytes(12) + b"\xe9\x03", good.replace(b"2020", b"1999")):
        cache.write_bytes(junk)
        result = run("-f", "incidents.yaml", "list", "--format", "json")
        assert (result.exit_code, result.output) == (0, expected)
        assert cache.read_bytes() != junk  # rebuilt


def test_check_reads_the_ledger_in_full(write: Callable[..., Path], run: Callable[..., Result],
                                        tmp_path: Path) -> None:
    write(LEDGER)
    run("-f", "incidents.yaml", "list")
    assert run("check", "incidents.yaml").output.splitlines()[-1] == "0 errors, 0 warnings in 3 records (1 file)"


def test_show_describes_links_both_ways_from_the_cache(run: Callable[..., Result]) -> None:
    """`show` from the cache rebuilds only the records linked to or from the
    one shown, and says the same as without the cache (the shipped ledger's
    `related` chains)."""
    ledger = str(Path(__file__).resolve().parent.parent / "data" / "incidents.yaml")
    ids = ["2024-01-20-anbar-ain-al-asad-ballistic-missiles-rockets", "2024-01-24-babil-jurf-al-sakhar-us-strikes"]
    plain = [run("--no-cache", "-f", ledger, "show", i).output for i in ids]
    assert [run("-f", ledger, "show", i).output for i in ids] == plain  # cold: fills the cache
    assert [run("-f", ledger, "show", i).output for i in ids] == plain  # warm
    assert "answered by" in plain[0] and "2024-01-24-babil-jurf-al-sakhar-us-strikes" in plain[0]
    assert "responds to" in plain[1]


def _blocks(data: bytes) -> dict[str, tuple[int, int]]:
    """Where each big block of a cache file lies: name -> (start, end)."""
    header = b"IRAQSEC-CACHE-1\n"
    length = int.from_bytes(data[len(header):len(header) + 8], "little")
    base = len(header) + 12
    _, _, small = marshal.loads(data[base:base + length])
    base += length
    return {name: (base + start, base + start + size) for name, (start, size, _) in small["blocks"].items()}


# A query that reads each block whole (checksums are verified where data is read).
BLOCK_READERS = {
    "incidents": ("list", "--format", "csv"),
    "json": ("list", "--format", "json"),
    "facts": ("summary", "--by", "tactic", "--format", "json"),
    "search": ("list", "--search", "quoted", "--format", "ids"),
}


def test_a_corrupt_block_is_caught_where_it_is_read(write: Callable[..., Path], run: Callable[..., Result],
                                                    tmp_path: Path) -> None:
    """Each block is checked when a command first reads it: a corrupt one
    makes the command read the ledger in full (same output, exit 0) and
    the cache file is replaced."""
    write(LEDGER)
    expected = {name: run("--no-cache", "-f", "incidents.yaml", *q).output for name, q in BLOCK_READERS.items()}
    run("-f", "incidents.yaml", "list")
    (cache,) = _cache_files(tmp_path)
    good = cache.read_bytes()
    for name, (start, end) in _blocks(good).items():
        assert end > start, name
        for flipped in (good[:start] + bytes(b ^ 0xFF for b in good[start:end]) + good[end:],  # all of it
                        good[:end - 1] + bytes([good[end - 1] ^ 1]) + good[end:]):  # its last byte
            cache.write_bytes(flipped)
            result = run("-f", "incidents.yaml", *BLOCK_READERS[name])
            assert (result.exit_code, result.output) == (0, expected[name]), (name, result.output)
            assert cache.read_bytes() != flipped, name  # replaced
