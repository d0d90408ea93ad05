"""The root guard: every failure that escapes a command ends as one clear
line on stderr and exit status 1 (2 for usage errors), never a traceback.

Click's own standalone handling is replaced here so that its messages, which
quote what the user typed, pass through `shown_message` too: typed values
are echoed with control and bidirectional characters escaped, and shortened.
Set IRAQSEC_DEBUG=1 to let unexpected exceptions through with a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import click

from iraqsec.record.findings import visible

MAX_TOKEN = 60  # characters of one typed value shown in a message
MAX_RUN = 240  # any run without spaces in a message (file paths fit)
MAX_MESSAGE = 2000
MAX_LINES = 100
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")


def shorten(text: str, limit: int = MAX_TOKEN) -> str:
    """`text` cut to `limit` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def shown_value(value: str) -> str:
    """A value typed on the command line, safe to echo: escaped and shortened."""
    return visible(shorten(value))


def shown_message(message: str) -> str:
    """A message safe for the terminal: controls and bidi escaped, long runs
    (a 10,000-character id, a 1 MB key) shortened, the whole bounded."""
    return shorten(shorten_runs(visible(message)), MAX_MESSAGE)


def shorten_runs(text: str) -> str:
    """Every run of more than MAX_RUN characters without a space shortened."""
    return _LONG_RUN.sub(lambda m: shorten(m.group(), MAX_RUN), text)


class Carried(Exception):
    """An OSError carried past click's main, which would otherwise end a
    closed pipe silently."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


@contextlib.contextmanager
def carried() -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise Carried(exc) from exc


class _ClosedBytes(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


class _Closed(io.TextIOBase):
    """Stands for a standard stream the process was started without (`>&-`):
    writing to it is an error, where click would drop the output silently."""

    buffer = _ClosedBytes()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def guarded(run: Callable[[], Any]) -> NoReturn:
    """Run click's main (non-standalone) and turn every outcome into an exit."""
    if sys.stdout is None:
        sys.stdout = _Closed()
    try:
        try:
            code = run()
        finally:
            _flush_stdout()
    except click.exceptions.Exit as exc:
        _exit(exc.exit_code)
    except click.ClickException as exc:
        _click_failure(exc)
    except click.Abort:
        _fail("Aborted!", 1)
    except SystemExit as exc:
        _exit(exc.code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except EOFError:
        _fail("standard input ended before the answer was given", 1)
    except Carried as exc:
        _os_error(exc.error)
    except OSError as exc:
        _os_error(exc)
    except MemoryError:
        _fail("out of memory; the input is too large to process", 1)
    except RecursionError:
        _fail("the input is nested too deeply to process", 1)
    except Exception as exc:
        if os.environ.get("IRAQSEC_DEBUG"):
            raise
        _fail(f"internal error ({type(exc).__name__}: {exc}); please report it "
              "(IRAQSEC_DEBUG=1 shows the traceback)", 1)
    _exit(code if isinstance(code, int) else 0)


def _click_failure(exc: click.ClickException) -> NoReturn:
    """Click's own report (usage, hint, "Error: ..."), each line made safe."""
    help_shown = getattr(click.exceptions, "NoArgsIsHelpError", ())
    if not isinstance(exc, help_shown):  # that one's message is the help itself, lines and all
        # A typed value's line breaks and escapes, shown escaped (click marks `message` final only for typing).
        exc.message = shown_message(exc.message)  # type: ignore[misc]
    buffer = io.StringIO()
    exc.show(file=buffer)
    lines = buffer.getvalue().splitlines()
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], f"... ({len(lines) - MAX_LINES:,} more lines)"]
    _write_stderr("".join(shown_message(line) + "\n" for line in lines))
    _exit(exc.exit_code)


def _os_error(exc: OSError) -> NoReturn:
    if exc.errno == errno.EPIPE or isinstance(exc, BrokenPipeError):
        _fail("standard output was closed before all output was written", 1)
    if exc.errno == errno.ENOSPC:
        _fail("cannot write: no space left on the device", 1)
    if exc.errno == errno.EBADF and not exc.filename:
        _fail("cannot write: standard output is closed", 1)
    where = f"{exc.filename}: " if exc.filename else ""
    _fail(f"{where}{exc.strerror or exc}", 1)


def _flush_stdout() -> None:
    stream = sys.stdout
    if stream is not None and not stream.closed:
        stream.flush()


def _fail(message: str, code: int) -> NoReturn:
    line = shown_message(message)
    _write_stderr(f"{line}\n" if line.startswith("Aborted!") else f"iraqsec: {line}\n")
    _exit(code)


def _write_stderr(text: str) -> None:
    _silence_stdout()
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass  # stderr itself is gone: the exit status is all that is left


def _silence_stdout() -> None:
    """After stdout failed, Python would try to flush it again at exit (and
    print 'Exception ignored'); point it at /dev/null first."""
    stream = sys.stdout
    try:
        fileno = stream.fileno() if stream is not None else -1
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        fileno = -1
    if fileno >= 0:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fileno)
            os.close(devnull)
        except OSError:
            pass


def _exit(code: Any) -> NoReturn:
    sys.exit(code)
