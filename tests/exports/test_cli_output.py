"""Where ``flask export -o`` and ``flask packet -o`` write: a regular file replaced whole, or
standard output; never through a link or into a device or pipe; failures said plainly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import READERS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def commands(record, ready):
    """Return the commands that write a file, each without its -o."""
    return {"export": ["export", "applications", "--format", "csv"],
            "packet": ["packet", str(ready.id)]}


def strange_targets(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    return {"symlink": (link, "is a symbolic link"), "fifo": (fifo, "is a named pipe"),
            "device": (Path("/dev/null"), "is a device"), "folder": (folder, "is a folder")}


@pytest.mark.parametrize("command", ["export", "packet"])
@pytest.mark.parametrize("kind", ["symlink", "fifo", "device", "folder"])
def test_anything_but_a_regular_file_is_refused_and_left_as_it_is(commands, runner, tmp_path,
                                                                  command, kind):
    target, message = strange_targets(tmp_path)[kind]
    before = target.lstat()
    result = runner.invoke(args=[*commands[command], "-o", str(target)])
    assert result.exit_code == 1
    assert f"Error: {target} {message}; only a regular file is replaced" in result.output
    assert "Traceback" not in result.output
    after = target.lstat()
    assert (after.st_mode, after.st_ino, after.st_mtime_ns) == (
        before.st_mode, before.st_ino, before.st_mtime_ns)
    assert (tmp_path / "victim.txt").read_text() == "keep me"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("command", ["export", "packet"])
def test_a_regular_file_is_replaced_whole_and_readable_by_its_owner_only(commands, runner,
                                                                          tmp_path, command):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.bin"
    target.write_text("old")
    result = runner.invoke(args=[*commands[command], "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:4] in (b"%PDF", "\ufeff".encode()[:3] + b"a")
    assert target.stat().st_mode & 0o077 == 0
    assert [p.name for p in folder.iterdir()] == ["out.bin"]


def test_dash_writes_to_standard_output(commands, runner):
    result = runner.invoke(args=[*commands["export"], "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert len(READERS["csv"](result.stdout_bytes)) == 4
    assert "Wrote standard output" in result.stderr
    packet = runner.invoke(args=[*commands["packet"], "-o", "-"])
    assert packet.exit_code == 0, packet.stderr
    assert packet.stdout_bytes.startswith(b"%PDF")


def unwritable_folder(tmp_path: Path) -> Path:
    if os.geteuid() == 0:  # root may write anywhere it has a file system that lets it
        return Path("/sys")
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    return folder


@pytest.mark.parametrize("command", ["export", "packet"])
def test_unwritable_places_are_named_without_a_traceback(commands, runner, tmp_path, command):
    missing = tmp_path / "no" / "out.csv"
    result = runner.invoke(args=[*commands[command], "-o", str(missing)])
    assert result.exit_code == 1
    assert f"Error: Could not write {missing}: the folder {missing.parent} does not exist." \
        in result.output
    locked = unwritable_folder(tmp_path) / "out.csv"
    result = runner.invoke(args=[*commands[command], "-o", str(locked)])
    assert result.exit_code == 1
    assert f"Error: Could not write {locked}: permission denied." in result.output
    assert "Traceback" not in result.output


def test_a_full_disk_is_said_plainly(record, database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test"}
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "export", "applications",
             "-o", "-"], cwd=ROOT, env=env, stdout=full, stderr=subprocess.PIPE, text=True,
            timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert "Error: Could not write to standard output: the disk is full." in done.stderr
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr
