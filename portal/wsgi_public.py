"""WSGI entry point for workers that serve only the public site: the admin's modules
are never imported (settings.PORTAL_SERVES). Serve /admin/ from portal.wsgi."""

import os

from portal.blocks.wsgi import frozen_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["PORTAL_SERVES"] = "public"

application = frozen_application()
