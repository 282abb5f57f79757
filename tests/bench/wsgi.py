"""WSGI entry point for the benchmark's gunicorn: the project's application with the
bench settings (tests/bench/settings.py), serving the public site only, as
portal/wsgi_public.py does (the admin's modules are not imported)."""

import os

from portal.blocks.wsgi import frozen_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.settings")
os.environ["PORTAL_SERVES"] = "public"

application = frozen_application()
