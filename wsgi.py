"""The WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``."""

import sys

from scorecards import create_app
from scorecards.config import SettingsError

try:
    app = create_app()
except SettingsError as error:
    # A clear message and a non-zero exit, for the web server and the command line alike.
    sys.exit(f"Scorecards cannot start. {error}")
