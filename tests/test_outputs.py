"""Output paths: every command that writes a file, against every kind of
path (issue 10, items 4-6).  All records are SYNTHETIC (tests/fixtures)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from authoring_support import spawn, subprocess_env
from iraqsec.writing.writer import PAUSE_ENV
from test_import_acled import ROCKETS, acled_csv

FIXTURES = Path(__file__).parent / "fixtures"
OLD = b"old contents\n"

# Every command that writes to a path it is given, as (name, arguments
# before the path, the option taking the path).
WRITERS: list[tuple[str, tuple[str, ...], str]] = [
    ("export csv", ("export", "--format", "csv"), "-o"),
    ("export sqlite", ("export", "--format", "sqlite"), "-o"),
    ("import acled", ("import", "acled", "acled.csv", "--force"), "-o"),
    ("summary svg", ("summary", "--by", "tactic"), "--save-svg"),
    ("summary html", ("summary", "--by", "tactic"), "--save-html"),
    ("trend svg", ("trend",), "--save-svg"),
    ("trend html", ("trend",), "--save-html"),
]


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "incidents.yaml", tmp_path / "incidents.yaml")
    shutil.copy(FIXTURES / "actors.yaml", tmp_path / "actors.yaml")
    (tmp_path / "acled.csv").write_text(acled_csv([ROCKETS]), encoding="utf-8")
    return tmp_path / "incidents.yaml"


def _invoke(run: Callable[..., Result], args: tuple[str, ...], option: str, path: str) -> Result:
    return run("-f", "incidents.yaml", *args, option, path)


# (name, how to make it in tmp_path -> the path to give, the expected message after "Error: OPTION ")
def _fifo(tmp: Path) -> str:
    os.mkfifo(tmp / "pipe")
    return "pipe"


def _dangling(tmp: Path) -> str:
    (tmp / "dangling").symlink_to(tmp / "nowhere.out")
    return "dangling"


def _directory(tmp: Path) -> str:
    (tmp / "adir").mkdir()
    return "adir"


def _system(name: str) -> Callable[[Path], str]:
    """/dev/null, /dev/full or /dev/stdout.  Run as root, a copy in the test's
    directory stands for it (the same device numbers, the same link): a
    regressed writer, run as root, replaced the real ones (it happened)."""

    def make(tmp: Path) -> str:
        real = f"/dev/{name}"
        if os.geteuid() != 0:
            return real
        if os.path.islink(real):
            (tmp / name).symlink_to(os.readlink(real))
        else:
            os.mknod(tmp / name, stat.S_IFCHR | 0o666, os.stat(real).st_rdev)
        return name

    return make


LINK_HINT = "iraqsec replaces regular files only (write to a regular file, or use - (or the shell's >) for " \
            "standard output)"
REFUSED: list[tuple[str, Callable[[Path], str], str]] = [
    ("/dev/null", _system("null"), f"{{path}} is a device; {LINK_HINT}"),
    ("/dev/full", _system("full"), f"{{path}} is a device; {LINK_HINT}"),
    ("/dev/stdout", _system("stdout"),
     "{path} names a file descriptor (standard output, a pipe, a terminal); use - for standard output"),
    ("fifo", _fifo, f"pipe is a FIFO (named pipe); {LINK_HINT}"),
    ("dangling symlink", _dangling, "dangling is a symbolic link to {tmp}/nowhere.out, which does not exist or "
                                    "cannot be reached; iraqsec does not create files through links (write to a "
                                    "regular file, or use - (or the shell's >) for standard output)"),
    ("directory", _directory, f"adir is a directory; {LINK_HINT}"),
    ("missing directory", lambda tmp: "missing/out.file",
     "missing/out.file is in a directory that does not exist (missing); create it first or give another path"),
    ("trailing slash", lambda tmp: "newdir/", "newdir/ names a directory; give a file name"),
]


def _snapshot(tmp: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every entry of the directory: its kind and, for a file, its bytes."""
    out: dict[str, tuple[int, bytes | None]] = {}
    for entry in sorted(tmp.rglob("*")):
        info = entry.lstat()
        content = entry.read_bytes() if stat.S_ISREG(info.st_mode) else None
        out[str(entry.relative_to(tmp))] = (stat.S_IFMT(info.st_mode), content)
    return out


@pytest.mark.parametrize(("kind", "make", "message"), REFUSED, ids=[r[0] for r in REFUSED])
@pytest.mark.parametrize(("command", "args", "option"), WRITERS, ids=[w[0] for w in WRITERS])
def test_a_path_that_is_not_a_regular_file_is_refused_before_any_work(
        run: Callable[..., Result], ledger: Path, tmp_path: Path, command: str, args: tuple[str, ...], option: str,
        kind: str, make: Callable[[Path], str], message: str) -> None:
    path = make(tmp_path)
    before = _snapshot(tmp_path)
    devices = {d: os.stat(d).st_rdev for d in ("/dev/null", "/dev/full")}  # and the system's own, if not used
    result = _invoke(run, args, option, path)
    assert result.exit_code == 2
    assert result.stdout == ""  # nothing drawn, nothing exported
    assert result.stderr == f"Error: {option} {message.format(tmp=tmp_path, path=path)}\n"
    assert _snapshot(tmp_path) == before  # nothing created, replaced or left behind
    assert {d: os.stat(d).st_rdev for d in devices} == devices
    assert all(stat.S_ISCHR(os.stat(d).st_mode) for d in devices)
    assert os.path.islink("/dev/stdout")


@pytest.mark.parametrize(("command", "args", "option"), WRITERS, ids=[w[0] for w in WRITERS])
def test_an_empty_path_is_refused(run: Callable[..., Result], ledger: Path, tmp_path: Path, command: str,
                                  args: tuple[str, ...], option: str) -> None:
    before = _snapshot(tmp_path)
    result = _invoke(run, args, option, "")
    assert result.exit_code == 2
    assert result.stdout == ""
    stream = " (or - for standard output)" if option == "-o" else ""
    assert result.stderr == f"Error: {option}: the output path is empty; give a file name{stream}\n"
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(("command", "args", "option"), WRITERS, ids=[w[0] for w in WRITERS])
def test_a_symlink_to_a_regular_file_replaces_the_file_and_keeps_the_link(
        run: Callable[..., Result], ledger: Path, tmp_path: Path, command: str, args: tuple[str, ...],
        option: str) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "out.file"
    target.write_bytes(OLD)
    target.chmod(0o640)
    (tmp_path / "link").symlink_to(Path("real") / "out.file")
    direct = _invoke(run, args, option, "direct.file")
    assert direct.exit_code == 0, direct.stderr
    result = _invoke(run, args, option, "link")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "link").is_symlink()
    assert os.readlink(tmp_path / "link") == str(Path("real") / "out.file")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the file's mode is kept
    written = target.read_bytes()
    assert written != OLD
    if "sqlite" not in command and "svg" not in command:  # a database and an SVG hold a random or fresh id
        assert written == (tmp_path / "direct.file").read_bytes()
    # no temporary file left beside the link or the target
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["out.file"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(("command", "args", "option"), WRITERS, ids=[w[0] for w in WRITERS])
def test_a_link_to_a_ledger_file_is_refused(run: Callable[..., Result], ledger: Path, tmp_path: Path,
                                            command: str, args: tuple[str, ...], option: str) -> None:
    (tmp_path / "alias.yaml").symlink_to("incidents.yaml")
    old = ledger.read_bytes()
    result = _invoke(run, args, option, "alias.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {option} alias.yaml is a file of the ledger in force; ")
    assert ledger.read_bytes() == old


def test_dash_is_standard_output(run: Callable[..., Result], ledger: Path) -> None:
    """(`import acled` writes a review file by default; tests/test_acled_terms.py.)"""
    args = ("export", "--format", "json")
    plain = run("-f", "incidents.yaml", *args)
    dash = run("-f", "incidents.yaml", *args, "-o", "-")
    assert plain.exit_code == dash.exit_code == 0
    assert dash.stdout_bytes == plain.stdout_bytes != b""


def test_sqlite_to_redirected_standard_output(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "db.sqlite"
    with out.open("wb") as handle:
        done = subprocess.run([sys.executable, "-m", "iraqsec", "-f", str(ledger), "export", "--format", "sqlite",
                               "-o", "-"], stdout=handle, stderr=subprocess.PIPE, env=subprocess_env(), cwd=tmp_path,
                              check=False)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"SQLite format 3\x00")


@pytest.mark.parametrize("command", [("summary", "--by", "tactic"), ("trend",)], ids=["summary", "trend"])
def test_drawings_are_not_saved_to_standard_output_or_twice(run: Callable[..., Result], ledger: Path,
                                                            command: tuple[str, ...]) -> None:
    dash = run("-f", "incidents.yaml", *command, "--save-svg", "-")
    assert (dash.exit_code, dash.stdout) == (2, "")
    assert dash.stderr == ("Error: --save-svg - (standard output) already carries the drawing; give a file name\n")
    same = run("-f", "incidents.yaml", *command, "--save-svg", "x.out", "--save-html", "./x.out")
    assert (same.exit_code, same.stdout) == (2, "")
    assert same.stderr == "Error: --save-svg and --save-html name the same file; give two file names\n"
    as_json = run("-f", "incidents.yaml", *command, "--format", "json", "--save-html", "x.html")
    assert (as_json.exit_code, as_json.stdout) == (2, "")
    assert as_json.stderr == ("Error: --save-svg and --save-html save the drawn table; they do not apply with "
                              "--format json\n")


# --- the ledger's own writers follow the same rule -----------------------------


def _fmt(run: Callable[..., Result], shown: str) -> Result:
    return run("fmt", shown)


def _add(run: Callable[..., Result], shown: str) -> Result:
    return run("-f", shown, "add", "--json", "new.json")


NEW_RECORD = """{"id": "2020-12-01-test-new", "date": "2020-12-01", "governorate": "Baghdad", "place": "Test",
"tactic": "rocket", "target_type": "airport", "target": "A car park", "killed": 0, "wounded": 0,
"summary": "A synthetic record.", "sources": ["https://example.org/x"]}"""


@pytest.mark.parametrize("write_ledger", [_fmt, _add], ids=["fmt", "add"])
def test_a_ledger_reached_through_a_link_is_rewritten_in_place(run: Callable[..., Result], ledger: Path,
                                                               tmp_path: Path,
                                                               write_ledger: Callable[..., Result]) -> None:
    (tmp_path / "new.json").write_text(NEW_RECORD)
    (tmp_path / "data").mkdir()
    real = tmp_path / "data" / "incidents.yaml"
    ledger.rename(real)
    (tmp_path / "actors.yaml").rename(tmp_path / "data" / "actors.yaml")
    (tmp_path / "incidents.yaml").symlink_to(Path("data") / "incidents.yaml")
    old = real.read_bytes()
    real.write_bytes(old.replace(b"\n  date:", b"\n  date:  ", 1))  # not canonical: fmt has work to do
    result = write_ledger(run, "incidents.yaml")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "incidents.yaml").is_symlink()
    assert real.read_bytes() != old
    assert (tmp_path / "data" / ".incidents.yaml.lock").exists()  # the lock is the target's, shared with it
    assert not (tmp_path / ".incidents.yaml.lock").exists()


# --- item 6: temporary files a killed writer left ------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.parametrize("write_ledger", [_fmt, _add], ids=["fmt", "add"])
def test_the_next_locked_write_removes_only_stale_temporaries_of_its_file(
        run: Callable[..., Result], ledger: Path, tmp_path: Path, write_ledger: Callable[..., Result]) -> None:
    (tmp_path / "new.json").write_text(NEW_RECORD)
    ledger.write_bytes(ledger.read_bytes().replace(b"\n  date:", b"\n  date:  ", 1))
    dead = _dead_pid()
    stale = [f".incidents.yaml.iraqsec-{dead}-abc_1234.tmp", f".incidents.yaml.iraqsec-{dead}-zz99zz99.tmp"]
    kept = [
        f".incidents.yaml.iraqsec-{os.getppid()}-abcdefgh.tmp",  # its writer is alive
        f".other.yaml.iraqsec-{dead}-abcdefgh.tmp",  # another file's
        ".incidents.yaml.abcdefgh.tmp",  # not named by iraqsec's writer
        f".incidents.yaml.iraqsec-{dead}-abcdefgh.tmp.bak",
        f".incidents.yaml.iraqsec-{dead}-ABCDEFGH.tmp",
        ".incidents.yaml.bak",
    ]
    for name in stale + kept:
        (tmp_path / name).write_bytes(b"x" * 1000)
    (tmp_path / f".incidents.yaml.iraqsec-{dead}-linklink.tmp").symlink_to("acled.csv")  # a link: never removed
    (tmp_path / f".incidents.yaml.iraqsec-{dead}-dirdirdi.tmp").mkdir()  # a directory: never removed
    kept += [f".incidents.yaml.iraqsec-{dead}-linklink.tmp", f".incidents.yaml.iraqsec-{dead}-dirdirdi.tmp"]
    result = write_ledger(run, "incidents.yaml")
    assert result.exit_code == 0, result.stderr
    hidden = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert hidden == sorted([*kept, ".incidents.yaml.lock"])
    assert (tmp_path / "acled.csv").exists()


def test_a_killed_add_leaves_a_temporary_file_that_the_next_add_removes(ledger: Path, tmp_path: Path) -> None:
    (tmp_path / "new.json").write_text(NEW_RECORD)
    proc = spawn("-f", str(ledger), "add", "--json", str(tmp_path / "new.json"),
                 env=subprocess_env(**{PAUSE_ENV: "30"}))
    try:
        # written (the pause comes after the write and the fsync), not yet renamed
        while not [p for p in tmp_path.glob(".incidents.yaml.*.tmp") if p.stat().st_size]:
            assert proc.poll() is None, proc.stderr.read()  # type: ignore[union-attr]
            time.sleep(0.01)
    finally:
        proc.kill()
        proc.wait()
    left = list(tmp_path.glob(".incidents.yaml.*.tmp"))
    assert len(left) == 1 and left[0].stat().st_size > 0
    again = subprocess.run([sys.executable, "-m", "iraqsec", "-f", str(ledger), "add", "--json",
                            str(tmp_path / "new.json")], capture_output=True, env=subprocess_env(), cwd=tmp_path,
                           check=False)
    assert again.returncode == 0, again.stderr
    assert list(tmp_path.glob(".incidents.yaml.*.tmp")) == []


ADD_REFUSED = [r for r in REFUSED
               if r[0] in ("/dev/null", "/dev/full", "fifo", "dangling symlink", "missing directory")]


@pytest.mark.parametrize(("kind", "make", "message"), ADD_REFUSED, ids=[r[0] for r in ADD_REFUSED])
def test_add_refuses_a_ledger_path_that_is_not_a_regular_file(run: Callable[..., Result], ledger: Path,
                                                              tmp_path: Path, kind: str, make: Callable[[Path], str],
                                                              message: str) -> None:
    (tmp_path / "new.json").write_text(NEW_RECORD)
    path = make(tmp_path)
    before = _snapshot(tmp_path)
    result = run("-f", path, "add", "--json", "new.json")
    assert (result.exit_code, result.stdout) == (2, "")
    reason = message.format(tmp=tmp_path, path=path).removeprefix(path + " ")
    assert result.stderr == f"Error: {path}: {reason}\n"
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(("made", "message"), [
    ("ro/out.csv", "ro/out.csv is in a directory that is not writable (ro)"),
    ("ro.csv", "ro.csv is read-only; make it writable or give another path"),
], ids=["directory", "file"])
def test_unwritable_paths_are_refused(run: Callable[..., Result], ledger: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, made: str, message: str) -> None:
    """Run as root, every path is writable: permission is simulated by the
    check iraqsec makes (os.access), which is what a normal user meets."""
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro.csv").write_bytes(OLD)
    real_access = os.access
    monkeypatch.setattr("iraqsec.writing.outputs.os.access",
                        lambda path, mode: False if Path(path).name in ("ro", "ro.csv") else real_access(path, mode))
    before = _snapshot(tmp_path)
    result = run("-f", "incidents.yaml", "export", "--format", "csv", "-o", made)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: -o {message}\n"
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("args", [("export", "--format", "csv"), ("import", "acled", "acled.csv")],
                         ids=["export", "import acled"])
def test_dash_on_a_full_disk_is_one_line(ledger: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "iraqsec", "-f", str(ledger), *args, "-o", "-"], stdout=full,
                              stderr=subprocess.PIPE, env=subprocess_env(), cwd=tmp_path, check=False)
    assert (done.returncode, done.stderr) == (1, b"iraqsec: cannot write: no space left on the device\n")
