"""Where a command writes its file (``-o``): a regular file, replaced whole, or ``-``.

Exports and packets hold personal data, so a command never writes through a link, into a
device or a named pipe it was pointed at: it replaces only a regular file (or makes a new
one, readable by its owner only), and says plainly why it could not write, without a
traceback.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import click

STDOUT = "-"
_KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"),
          (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def output_option(help_text: str):
    """Return the -o/--output option of a command that writes a file."""
    return click.option("-o", "--output", required=True, metavar="FILE",
                        help=f"{help_text} '-' writes to standard output.")


def check_output(name: str) -> Path | None:
    """Return the file to write, None for standard output; refuse what is not a regular file.

    Called before the work starts, so a refused target costs nothing and changes nothing.
    """
    if name == STDOUT:
        return None
    target = Path(name)
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return target
    except OSError as error:
        raise click.ClickException(f"Cannot write {target}: {_why(error, target)}.") from None
    if not stat.S_ISREG(mode):
        kind = next((what for test, what in _KINDS if test(mode)), "not a regular file")
        raise click.ClickException(
            f"{target} is {kind}; only a regular file is replaced, so it was left as it is. "
            "Name a new or regular file, or '-' for standard output.")
    return target


def write_output(target: Path | None, chunks: Iterable[bytes]) -> int:
    """Write the chunks to the target (all or nothing) or to standard output; return bytes."""
    if target is None:
        return _write_stdout(chunks)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                             dir=target.parent)
    except OSError as error:
        raise click.ClickException(f"Could not write {target}: {_why(error, target)}.") \
            from None
    size = 0
    try:
        with os.fdopen(handle, "wb") as file:
            for chunk in chunks:
                file.write(chunk)
                size += len(chunk)
        # Replaces the name only: never writes through whatever was put there meanwhile.
        os.replace(temporary, target)
    except OSError as error:
        raise click.ClickException(f"Could not write {target}: {_why(error, target)}.") \
            from None
    finally:
        Path(temporary).unlink(missing_ok=True)  # a broken write leaves no part behind
    return size


def _write_stdout(chunks: Iterable[bytes]) -> int:
    stream = sys.stdout.buffer
    try:
        descriptor = stream.fileno()
    except (AttributeError, io.UnsupportedOperation):  # captured, as in tests
        descriptor = None
    size = 0
    try:
        if descriptor is None:
            for chunk in chunks:
                stream.write(chunk)
                size += len(chunk)
            stream.flush()
            return size
        sys.stdout.flush()
        # Unbuffered, so that a failed write leaves nothing for the exit to try again.
        for chunk in chunks:
            view = memoryview(chunk)
            while view:
                view = view[os.write(descriptor, view):]
            size += len(chunk)
    except OSError as error:
        raise click.ClickException(f"Could not write to standard output: "
                                   f"{_why(error, None)}.") from None
    return size


def _why(error: OSError, target: Path | None) -> str:
    if error.errno == errno.ENOENT and target is not None:
        return f"the folder {target.parent} does not exist"
    return {errno.EACCES: "permission denied", errno.EPERM: "permission denied",
            errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
            errno.EROFS: "the file system is read-only", errno.EPIPE: "the reader went away",
            }.get(error.errno, error.strerror or str(error))


def say(message: str) -> None:
    """Report what was written on standard error, which stays free when the file goes out."""
    click.echo(message, err=True)
