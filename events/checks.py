"""System checks of the events app (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks

from events.ics import DEFAULT_UID_DOMAIN


@checks.register(checks.Tags.compatibility, deploy=True)
def uid_domain_is_set(app_configs=None, **kwargs):
    """Calendar entries are known to subscribers' calendars by their UID alone: two
    portals left at the default domain both publish ``event-1@…`` and overwrite each
    other's entries in a calendar subscribed to both."""
    if getattr(settings, "EVENTS_UID_DOMAIN", "") not in ("", DEFAULT_UID_DOMAIN):
        return []
    return [
        checks.Warning(
            "EVENTS_UID_DOMAIN is not set: calendar entries carry the default domain "
            f"({DEFAULT_UID_DOMAIN}) in their UIDs, the same as every other portal's.",
            hint=(
                "Set EVENTS_UID_DOMAIN to a domain of the office's own (for example "
                "events.cheongju.go.kr) before the calendar is published, and never change "
                "it: subscribers' calendars would show every event twice."
            ),
            id="events.W001",
        )
    ]
