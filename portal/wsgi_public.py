"""WSGI entry point for workers that serve only the public site: the admin's modules
are never imported (settings.PORTAL_SERVES). Serve /admin/ from portal.wsgi."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["PORTAL_SERVES"] = "public"

application = get_wsgi_application()
