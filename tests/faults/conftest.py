"""A PostgreSQL of the fault suite's own, on its own port and data folder, to stop and restart.

Never the machine's shared server: the suite crashes and restarts this one at will. The
suite's database_url fixture is replaced by a database on it, so the usual app, client and
factory fixtures all work against the server the tests break.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import _migrate

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnPostgres:
    """A PostgreSQL server in a folder of its own, that a test may stop and start."""

    def __init__(self, folder: Path):
        found = sorted(glob.glob(f"{PG_BIN_GLOB}/initdb")) or [shutil.which("initdb")]
        if not found[-1]:
            pytest.fail("The fault suite starts a PostgreSQL of its own and needs initdb and "
                        "pg_ctl: apt-get install postgresql (or put their folder on PATH).")
        self.bin = Path(found[-1]).parent
        self.folder, self.data = folder, folder / "data"
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        # PostgreSQL refuses to run as root; as root, run it as the postgres user.
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            pytest.fail(f"{tool} failed ({done.returncode}): {done.stdout}{done.stderr}")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.folder / "server.log"), "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: fast (clients cut off, clean) or immediate (as in a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")


@pytest.fixture(scope="session")
def own_postgres() -> Iterator[OwnPostgres]:
    """Return a running PostgreSQL of the suite's own, removed after the run."""
    folder = Path(tempfile.mkdtemp(prefix="scorecards-faults-"))
    server = None
    try:
        server = OwnPostgres(folder)
        server.start()
        yield server
    finally:
        if server is not None and (server.data / "postmaster.pid").exists():
            server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def database_url(own_postgres: OwnPostgres) -> str:
    """Return the URL of a migrated database on the suite's own server."""
    admin = sa.create_engine(own_postgres.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text('CREATE DATABASE "faults"'))
    admin.dispose()
    url = sa.make_url(own_postgres.url).set(database="faults").render_as_string(
        hide_password=False)
    _migrate(url)
    return url


def wait_until(check, seconds: float = 20.0, every: float = 0.1):
    """Return check()'s first true answer, failing if none comes within the given seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = check()
        if answer:
            return answer
        time.sleep(every)
    pytest.fail(f"Still not so after {seconds} s.")


class OwnRedis:
    """A Redis server of the test's own, without persistence, that a test may kill and restart."""

    def __init__(self, folder: Path):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            pytest.fail("The fault suite starts a Redis of its own and needs redis-server: "
                        "apt-get install redis-server.")
        self.folder, self.port = folder, _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the server and wait until it answers."""
        import redis

        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def answers() -> bool:
            try:
                with redis.Redis.from_url(self.url, socket_connect_timeout=0.5) as client:
                    return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(answers, seconds=10)

    def kill(self) -> None:
        """Kill the server outright, as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    """Return a running Redis of the test's own, killed afterwards."""
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()
