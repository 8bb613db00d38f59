"""The deployment files say what the app can do: commands it has, settings it reads."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import click
import pytest
import yaml

from scorecards import create_app
from scorecards.config import ENV_PREFIX, UNPREFIXED, Settings
from scorecards.system import RUN_PACKAGES
from tests.deploy.topology import write_nginx_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
APP_TARGET = "scorecards:create_app()"


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _unit_commands() -> list[tuple[str, list[str]]]:
    found = []
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart="):
                found.append((unit.name, shlex.split(line.removeprefix("ExecStart="))))
    return found


def _commands() -> list[tuple[str, list[str]]]:
    services = _compose()["services"]
    return [(name, [str(part) for part in service["command"]])
            for name, service in services.items()
            if service.get("image", "").startswith("scorecards")] + _unit_commands()


@pytest.fixture(scope="module")
def cli_app(tmp_path_factory):
    """Return an app whose command line the files' commands are checked against."""
    folder = tmp_path_factory.mktemp("deploy-files")
    return create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(folder),
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'unused.db'}"})


@pytest.mark.parametrize(("where", "command"), _commands(), ids=lambda value: str(value)[:40])
def test_every_process_the_files_start_is_a_command_of_the_app(cli_app, where, command):
    program = Path(command[0]).name
    if program == "gunicorn":
        assert command[-1] == APP_TARGET
        config = command[command.index("-c") + 1]
        assert Path(config).name == "gunicorn.conf.py"
        return
    assert program == "flask"
    args = command[1:]
    if args[:1] == ["--app"]:
        assert args[1] == "scorecards:create_app"
        args = args[2:]
    group = cli_app.cli
    context = click.Context(group)
    for depth, name in enumerate(args):
        if name.startswith("-"):
            break
        found = group.get_command(context, name)
        assert found is not None, f"{where}: flask {' '.join(args[:depth + 1])} does not exist"
        if not isinstance(found, click.Group):
            break
        group = found


def test_the_migration_runs_before_every_process_that_needs_the_schema():
    services = _compose()["services"]
    assert services["migrate"]["command"] == ["flask", "db", "upgrade"]
    for name, service in services.items():
        if service.get("image", "").startswith("scorecards") and name != "migrate":
            assert service["depends_on"]["migrate"]["condition"] == \
                "service_completed_successfully", name
    for unit in ("scorecards-app@.service", "scorecards-worker@.service",
                 "scorecards-scheduler.service"):
        text = (DEPLOY / "systemd" / unit).read_text()
        assert "Requires=scorecards-migrate.service" in text
        assert "After=scorecards-migrate.service" in text


def test_the_image_installs_the_debian_packages_serving_needs():
    containerfile = (DEPLOY / "Containerfile").read_text()
    installed = re.search(r"apt-get install -y --no-install-recommends ([^&]+)&&",
                          containerfile).group(1).replace("\\", " ").split()
    assert set(installed) == set(RUN_PACKAGES)


def test_the_settings_example_lists_every_setting():
    example = (DEPLOY / "scorecards.env.example").read_text()
    aliases = {field: env for env, field in UNPREFIXED.items()}
    missing = [name for name in Settings.model_fields
               if f"{aliases.get(name, ENV_PREFIX + name)}=" not in example]
    assert missing == []


def test_the_proxy_configuration_is_accepted_by_nginx(tmp_path):
    config = write_nginx_config(tmp_path, 8080, ["127.0.0.1:8001", "127.0.0.1:8002"])
    done = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(config)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
