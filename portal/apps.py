from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.backends.signals import connection_created

        from portal.blocks.database import without_jit
        from portal.two_factor.devices import note_password_sign_in

        user_logged_in.connect(note_password_sign_in, dispatch_uid="two-factor-password-time")
        connection_created.connect(without_jit, dispatch_uid="database-without-jit")
