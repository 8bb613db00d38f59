"""The command line, ``flask --app wsgi COMMAND``: every area adds its own commands.

Each area's ``cli.py`` holds its commands and an ``init_app(app)`` adding them; this module
only registers the areas, so a command is found beside the services it calls.
"""

from __future__ import annotations

from flask import Flask

from .analytics import cli as analytics_cli
from .api import cli as api_cli
from .auth import cli as auth_cli
from .catalog import cli as catalog_cli
from .demo import cli as demo_cli
from .exports import cli as exports_cli
from .jobs import cli as jobs_cli
from .packets import cli as packets_cli
from .privacy import cli as privacy_cli
from .users import cli as users_cli

# The users group (auth) comes before the API, which adds its token commands to it.
AREAS = (catalog_cli, auth_cli, api_cli, demo_cli, packets_cli, exports_cli, jobs_cli,
         privacy_cli, analytics_cli, users_cli)


def init_app(app: Flask) -> None:
    """Add every area's commands to the app's command line."""
    for area in AREAS:
        area.init_app(app)
