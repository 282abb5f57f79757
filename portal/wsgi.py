import os

from portal.blocks.wsgi import frozen_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = frozen_application()
