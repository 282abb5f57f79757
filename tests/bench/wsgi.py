"""WSGI entry point for the benchmark's gunicorn: the project's application with the
bench settings (tests/bench/settings.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.settings")

application = get_wsgi_application()
