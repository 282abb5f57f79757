from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # The page cache forgets pages whenever content changes.
        from portal.cache import connect_signals

        connect_signals()
