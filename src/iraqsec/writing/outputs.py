"""Where a command may write: one rule for every output path.

Every file iraqsec writes (`export -o`, `import acled -o`, `--save-svg`,
`--save-html`, and the ledger files `fmt`, `add` and `import --append`
rewrite) goes through this module:

* `-` means standard output (where a command's standard output is free);
* a regular file, or a path that does not exist yet in an existing,
  writable directory, is written atomically: a temporary file beside it,
  fsync, rename, fsync of the directory;
* a symbolic link (or a chain of them) to a regular file replaces the file
  it points to; the link stays a link;
* anything else is refused before any work is done, with the reason and
  what to do instead: a directory, a device (`/dev/null`, `/dev/full`), a
  FIFO, a socket, a dangling link, a missing directory, an empty path.
  Streams are for `-` and the shell's `>`: writing through to a device or a
  FIFO would not be atomic, and replacing one (as root) would break the
  system, so neither happens.

The path is checked twice: when the option is read, before any work (so a
bad path never costs a drawing or an export), and again just before the
rename, so that what it became meanwhile is still never replaced.

Temporary files are named `.NAME.iraqsec-PID-RANDOM.tmp` so that a later
writer can tell the ones a killed iraqsec left behind (`stale_temporaries`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

STDOUT = "-"
LEDGER_FILE = "is a file of the ledger in force"
TEMP_MARK = "iraqsec"
# mkstemp's random part: 8 characters of [a-z0-9_].
_TEMP_RE = r"\.{name}\.{mark}-(?P<pid>[0-9]+)-[a-z0-9_]{{8}}\.tmp"


class OutputRefused(OSError):
    """An output path iraqsec will not write to.  An OSError, so that code
    reporting a failed write (`exc.strerror`) reports this one too."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(errno.EINVAL, reason, path)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path} {self.reason}" if self.path else self.reason


@dataclass(frozen=True)
class Output:
    """A checked output: `target` is the regular file to replace (a link
    already followed), or None for standard output."""

    given: str
    target: Path | None

    @property
    def is_stdout(self) -> bool:
        return self.target is None

    def __str__(self) -> str:
        return "standard output" if self.target is None else self.given


_STREAM_HINT = "write to a regular file, or use - (or the shell's >) for standard output"


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"  # pragma: no cover - no other kinds on POSIX


def check(given: str, *, stdout_ok: bool = True, protected: Iterable[Path] = ()) -> Output:
    """The output `given` names, or OutputRefused saying why not.  Nothing is
    created or opened; `protected` files (the ledger's) are refused too."""
    if given == STDOUT:
        if not stdout_ok:
            raise OutputRefused("-", "(standard output) already carries the drawing; give a file name")
        return Output(given, None)
    if not given.strip():
        raise OutputRefused("", "the output path is empty; give a file name"
                                + (" (or - for standard output)" if stdout_ok else ""))
    target = resolve(given)
    if target.exists() and any(_same(path, target) for path in protected):
        raise OutputRefused(given, LEDGER_FILE)
    return Output(given, target)


def _same(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def resolve(given: str) -> Path:
    """The regular file (existing or not) that writing to `given` replaces.
    A link is followed to its final target; everything else is refused."""
    if given.endswith(os.sep):
        raise OutputRefused(given, "names a directory; give a file name")
    if _names_a_descriptor(given):
        raise OutputRefused(given, "names a file descriptor (standard output, a pipe, a terminal); "
                                   "use - for standard output")
    path = Path(given)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputRefused(given, f"cannot be used: {exc.strerror or exc}") from None
    if info is not None and stat.S_ISLNK(info.st_mode):
        real = Path(os.path.realpath(path))
        if not real.exists():
            raise OutputRefused(given, f"is a symbolic link to {real}, which does not exist or cannot be reached; "
                                       f"iraqsec does not create files through links ({_STREAM_HINT})")
        shown = f"is a symbolic link to {real}, which is"
        return _regular(given, real, os.stat(real).st_mode, shown)
    if info is not None:
        return _regular(given, path, info.st_mode, "is")
    _check_directory(given, path.parent)
    return path


# Where the system shows a process's open files: a path in there (or a link
# into it, like /dev/stdout) is a stream, whatever file it happens to be now.
_DESCRIPTORS = ("/proc/", "/dev/fd/")


def _names_a_descriptor(given: str) -> bool:
    path = os.path.abspath(given)
    for _ in range(40):  # the kernel's own limit on a chain of links
        if path.startswith(_DESCRIPTORS):
            return True
        try:
            link = os.readlink(path)
        except OSError:  # not a link (or not readable): the rest of the checks judge it
            return False
        path = os.path.normpath(os.path.join(os.path.dirname(path), link))
    return False


def _regular(given: str, path: Path, mode: int, shown: str) -> Path:
    kind = _kind(mode)
    if kind is not None:
        raise OutputRefused(given, f"{shown} {kind}; iraqsec replaces regular files only ({_STREAM_HINT})")
    if not os.access(path, os.W_OK):
        raise OutputRefused(given, "is read-only; make it writable or give another path")
    _check_directory(given, path.parent)
    return path


def _check_directory(given: str, directory: Path) -> None:
    """The directory a new file (or the temporary file) is created in."""
    where = directory if str(directory) else Path(".")
    if not where.exists():
        raise OutputRefused(given, f"is in a directory that does not exist ({where}); create it first or give "
                                   "another path")
    if not where.is_dir():
        raise OutputRefused(given, f"is in {where}, which is not a directory")
    if not os.access(where, os.W_OK | os.X_OK):
        raise OutputRefused(given, f"is in a directory that is not writable ({where})")


def write(output: Output, data: bytes) -> None:
    """Write the bytes: to standard output, or atomically to the file."""
    if output.target is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)  # exact bytes whatever the terminal's encoding
        sys.stdout.buffer.flush()
        return
    atomic_write(output.target, data)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace the regular file `path` (through a link, its target) with
    `data`, so that a reader or a crash sees the old file or the new one,
    never a torn one.  OutputRefused when `path` is not a regular file."""
    path = resolve(str(path))
    directory = path.parent if str(path.parent) else Path(".")
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{TEMP_MARK}-{os.getpid()}-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        _pause_for_tests()
        resolve(str(path))  # still a regular file (or absent): never replace what it became meanwhile
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)


# A test hook: seconds to sleep between writing the temporary file and the
# rename, so that a test can kill a writer inside that window (see
# tests/test_add_processes.py).  Unset in normal use.
PAUSE_ENV = "IRAQSEC_TEST_PAUSE_BEFORE_RENAME"


def _pause_for_tests() -> None:
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        import time

        time.sleep(float(pause))


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- what a killed writer left behind --------------------------------------


def stale_temporaries(path: Path) -> list[Path]:
    """The temporary files beside `path` that a killed iraqsec writer left:
    named by `atomic_write` for this file, regular files (not links) owned
    by this user, whose writing process is gone.  Call it only under the
    file's lock, where no other iraqsec writer of this file can be running."""
    pattern = re.compile(_TEMP_RE.format(name=re.escape(path.name), mark=TEMP_MARK))
    directory = path.parent if str(path.parent) else Path(".")
    found = []
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    for name in names:
        match = pattern.fullmatch(name)
        if match is None or int(match["pid"]) == os.getpid():
            continue
        candidate = directory / name
        try:
            info = os.lstat(candidate)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and not _alive(int(match["pid"])):
            found.append(candidate)
    return sorted(found)


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove `stale_temporaries(path)`; the ones removed."""
    removed = []
    for candidate in stale_temporaries(path):
        with contextlib.suppress(OSError):  # tidying up never stops the write it precedes
            os.unlink(candidate)
            removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (if in doubt, it does: a file
    is left rather than a live writer's removed)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
