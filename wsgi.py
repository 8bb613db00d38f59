"""The WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``."""

import gc
import sys

from scorecards import create_app
from scorecards.config import SettingsError

try:
    app = create_app()
except SettingsError as error:
    # A clear message and a non-zero exit, for the web server and the command line alike.
    sys.exit(f"Scorecards cannot start. {error}")

# The app's long-lived objects (the catalog, the mappers, the translations) are set aside from
# the garbage collector: otherwise every full collection walks them all, a pause of about 140 ms
# on a busy page every few dozen requests. Under gunicorn's preload_app this runs before the
# workers fork, so the collector never touches, and so never copies, the memory they share.
gc.freeze()
