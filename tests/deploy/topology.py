"""The production topology on one machine, without containers, for tests/deploy.

Its own PostgreSQL and Redis (the fault suite's helpers: own ports, own folders), migrations,
two gunicorn app servers started from deploy/gunicorn.conf.py, nginx in front from
deploy/nginx/scorecards.conf.template, two RQ workers and the scheduler, each process in a
session of its own so that a test can kill one outright, as when its machine goes away.
"""

from __future__ import annotations

import getpass
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import requests
import sqlalchemy as sa
from redis import Redis
from rq import Worker

from tests.faults.conftest import OwnPostgres, OwnRedis, _free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PUBLIC_URL = "https://scorecards.test"
METRICS_TOKEN = "deploy-test-metrics-token"  # noqa: S105 (a test's own)
NGINX_MAIN = """\
daemon off;
worker_processes 1;
pid $folder/nginx.pid;
error_log $folder/error.log warn;
$user
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $folder/client-body;
    proxy_temp_path $folder/proxy;
    fastcgi_temp_path $folder/fastcgi;
    uwsgi_temp_path $folder/uwsgi;
    scgi_temp_path $folder/scgi;
    include $folder/scorecards.conf;
}
"""


def write_nginx_config(folder: Path, port: int, app_servers: list[str]) -> Path:
    """Write nginx's configuration (the deployment's template, filled in) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    # The same substitution envsubst does for the official image: only these two names.
    template = (DEPLOY / "nginx" / "scorecards.conf.template").read_text()
    servers = " ".join(f"server {address} max_fails=1 fail_timeout=30s;"
                       for address in app_servers)
    filled = template.replace("${SCORECARDS_LISTEN}", f"127.0.0.1:{port}") \
        .replace("${SCORECARDS_APP_SERVERS}", servers)
    (folder / "scorecards.conf").write_text(filled)
    # As root, nginx's workers would otherwise drop to nobody, who cannot enter the folder.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(Template(NGINX_MAIN).substitute(folder=folder, user=user))
    return main


def _descendants(pid: int) -> list[int]:
    """Return the processes below pid, read from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, waiting = [], [pid]
    while waiting:
        children = parents.get(waiting.pop(), [])
        found += children
        waiting += children
    return found


@dataclass
class Process:
    """A process of the topology, in a session of its own."""

    name: str
    popen: subprocess.Popen
    log: Path

    def _signal(self, number: int) -> None:
        # The group, and the descendants that left it: an RQ work horse starts a session of
        # its own.
        for pid in [self.popen.pid, *_descendants(self.popen.pid)]:
            try:
                os.killpg(pid, number) if pid == self.popen.pid else os.kill(pid, number)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        """Kill the process and every process it started, outright."""
        if self.popen.poll() is None:
            self._signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def pause(self) -> None:
        """Freeze the process and every process it started where they are."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        """Let a frozen process and its children go on."""
        self._signal(signal.SIGCONT)

    def stop(self) -> None:
        """Stop the process and its children, politely first."""
        if self.popen.poll() is None:
            self._signal(signal.SIGCONT)
            self._signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self._signal(signal.SIGKILL)  # what is left of its children
        self.popen.wait(timeout=10)


@dataclass
class Topology:
    """The running topology: servers, processes and the addresses to reach them."""

    folder: Path
    postgres: OwnPostgres
    redis: OwnRedis
    database_url: str = ""
    proxy_url: str = ""
    environment: dict = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict)
    logins: dict[str, str] = field(default_factory=dict)

    def flask(self, *args: str) -> str:
        """Run a flask command of the app as the deployment does, and return its output."""
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "scorecards:create_app",
                               *args], env=self.environment, cwd=self.folder,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def start(self, name: str, command: list[str], **extra: str) -> Process:
        """Start a process of the topology, logging to a file of its own."""
        log = self.folder / "logs" / f"{name}.log"
        log.parent.mkdir(exist_ok=True)
        with log.open("wb") as output:
            popen = subprocess.Popen(command, env={**self.environment, **extra},
                                     cwd=self.folder, stdout=output, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        self.processes[name] = process = Process(name, popen, log)
        return process

    def engine(self) -> sa.Engine:
        """Return an engine on the topology's database, for the checks."""
        return sa.create_engine(self.database_url)

    def stop(self) -> None:
        """Stop every process the topology started (its servers are stopped by their owners)."""
        for process in self.processes.values():
            process.stop()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def start_topology(folder: Path) -> Topology:
    """Start the whole topology in the folder and return it once every part answers."""
    folder.chmod(0o755)  # as root, PostgreSQL runs as postgres, who must reach its folder
    (folder / "postgres").mkdir()
    postgres = OwnPostgres(folder / "postgres")
    postgres.start()
    redis_folder = folder / "redis"
    redis_folder.mkdir()
    redis = OwnRedis(redis_folder)
    topology = Topology(folder, postgres, redis)
    redis.start()
    admin = sa.create_engine(postgres.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text('CREATE DATABASE "scorecards"'))
    admin.dispose()
    topology.database_url = sa.make_url(postgres.url).set(database="scorecards") \
        .render_as_string(hide_password=False)
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("SCORECARDS_", "FLASK_", "GUNICORN_"))
                   and key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "WEB_CONCURRENCY")}
    # The checkout, as for an installed package: the processes start in the topology's folder.
    environment.update(
        PYTHONPATH=str(ROOT), DATABASE_URL=topology.database_url, REDIS_URL=redis.url,
        SECRET_KEY="deploy-test-secret", SCORECARDS_INSTANCE_PATH=str(folder / "instance"),
        SCORECARDS_PROXIES="1", SCORECARDS_PUBLIC_URL=PUBLIC_URL, WEB_CONCURRENCY="2",
        SCORECARDS_JOBS_QUEUE="scorecards-deploy", SCORECARDS_METRICS_TOKEN=METRICS_TOKEN,
        # One folder for the machine's processes: a scrape of either server adds up all.
        PROMETHEUS_MULTIPROC_DIR=str(folder / "metrics"))
    (folder / "metrics").mkdir()
    topology.environment = environment

    # Start-up order, as the README's "Deploying" says: migrate first, then the rest.
    topology.flask("db", "upgrade")
    for line in topology.flask("demo", "seed").splitlines():
        parts = line.split()
        if len(parts) >= 2 and "@" in parts[0]:  # "  email  password  roles"
            topology.logins[parts[0]] = parts[1]

    app_ports = [_free_port(), _free_port()]
    for number, port in enumerate(app_ports, start=1):
        topology.start(f"app{number}", [sys.executable, "-m", "gunicorn", "-c",
                                        str(DEPLOY / "gunicorn.conf.py"),
                                        "scorecards:create_app()"],
                       GUNICORN_BIND=f"127.0.0.1:{port}")
    proxy_port = _free_port()
    config = write_nginx_config(folder / "nginx", proxy_port,
                                [f"127.0.0.1:{port}" for port in app_ports])
    topology.start("proxy", ["nginx", "-p", str(config.parent), "-c", str(config)])
    for number in (1, 2):
        topology.start(f"worker{number}", [sys.executable, "-m", "flask", "--app",
                                           "scorecards:create_app", "jobs", "worker",
                                           "--check-every", "2"])
    topology.start("scheduler", [sys.executable, "-m", "flask", "--app",
                                 "scorecards:create_app", "jobs", "schedule", "--every", "2"])
    for port in app_ports:
        wait_until(lambda port=port: _answers(f"http://127.0.0.1:{port}/ready"), seconds=60,
                   every=0.2)
    topology.proxy_url = f"http://127.0.0.1:{proxy_port}"
    wait_until(lambda: _answers(f"{topology.proxy_url}/ready"), seconds=20, every=0.1)
    with Redis.from_url(redis.url) as connection:
        wait_until(lambda: len(Worker.all(connection=connection)) == 2, seconds=60, every=0.2)
    return topology
