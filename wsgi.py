"""WSGI entry point: ``gunicorn wsgi:app``."""

from spendsense import create_app

app = create_app()
