"""The WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``."""

from scorecards import create_app

app = create_app()
