from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """E-mail alerts of new events. An app of its own inside ``events`` (label
    ``alerts``), so that its tables and migrations stay apart from the events' content:
    a subscription is a visitor's address, not content staff edit."""

    name = "events.alerts"
    label = "alerts"
    verbose_name = _("E-mail alerts")
