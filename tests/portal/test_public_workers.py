"""Workers that serve only the public site (portal/wsgi_public.py) never import the
admin's modules, nor the API's until it is asked for: settings are read once per
process, so this runs in a new one."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys

import django

django.setup()
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

call_command("migrate", verbosity=0)
client = Client(HTTP_HOST="localhost")
for path in ("/ko/", "/en/institutions/", "/ko/events/", "/ko/cities/"):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert reverse("admin:index") in response.text  # the footer's staff link
assert client.get(reverse("admin:index")).status_code == 404
assert reverse("api:events") == "/api/v1/events/"
loaded = [name for name in ("openpyxl", "tablib", "PIL", "import_export.admin", "cities.admin",
                            "institutions.admin", "events.admin", "portal.admin",
                            # The API's framework, until the API is asked for.
                            "rest_framework.compat", "rest_framework.views",
                            "drf_spectacular.openapi")
          if name in sys.modules]
assert not loaded, loaded
response = client.get("/api/v1/events/")
assert response.status_code == 200 and response.json()["results"] == [], response.content
assert "rest_framework.views" in sys.modules
print("served")
"""


def test_public_workers_serve_the_site_without_the_admin(tmp_path):
    env = {
        **os.environ,
        "PORTAL_SERVES": "public",
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'public.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("served")


def test_an_unknown_portal_serves_value_is_refused(tmp_path):
    env = {
        **os.environ,
        "PORTAL_SERVES": "admin-only",
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "PORTAL_SERVES is 'admin-only'" in result.stderr
