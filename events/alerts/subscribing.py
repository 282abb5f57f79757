"""Asking for alerts: double opt-in, within limits per client and per address.

Whatever an address's state (new, waiting for its confirmation, already subscribed, or
over its limit), the person asking is told the same thing: to look in that mailbox. A
new or waiting address gets a confirmation link; a subscribed one gets a note with the
link to change its preferences (the request alone changes nothing); an address over its
limit gets nothing more. Nothing else is ever sent before the confirmation.
"""

import enum

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from events.alerts import mail
from events.alerts.models import (
    RequestKind,
    SubscribeRequest,
    Subscription,
    fingerprint,
    normalise_email,
)


class Outcome(enum.Enum):
    MAILED = "mailed"  # or so the person is told: see the module's docstring
    TOO_MANY = "too_many"  # from this client
    MAIL_FAILED = "mail_failed"


def _over_limit(kind, value, limit, now):
    recent = SubscribeRequest.objects.filter(
        kind=kind,
        fingerprint=fingerprint(kind, value),
        at__gt=now - settings.ALERTS_LIMIT_WINDOW,
    )
    return recent.count() >= limit


def _note(kind, value, now):
    return SubscribeRequest.objects.create(kind=kind, fingerprint=fingerprint(kind, value), at=now)


def request_alerts(*, email, language, kinds, series, cities, client, request=None):
    """Handles a valid subscription form. ``series`` and ``cities`` are records."""
    now = timezone.now()
    if _over_limit(RequestKind.CLIENT, client, settings.ALERTS_REQUESTS_PER_CLIENT, now):
        return Outcome.TOO_MANY
    _note(RequestKind.CLIENT, client, now)
    email = normalise_email(email)
    if _over_limit(RequestKind.EMAIL, email, settings.ALERTS_MAILS_PER_ADDRESS, now):
        return Outcome.MAILED
    with transaction.atomic():
        subscription, created = Subscription.objects.get_or_create(
            email=email, defaults={"language": language, "kinds": kinds, "requested_at": now}
        )
        if not subscription.is_confirmed:
            subscription.language = language
            subscription.kinds = kinds
            subscription.requested_at = now
            subscription.save(update_fields=["language", "kinds", "requested_at"])
            subscription.series.set(series)
            subscription.cities.set(cities)
        mailed = _note(RequestKind.EMAIL, email, now)
    template = "already_subscribed" if subscription.is_confirmed else "confirm"
    if mail.send(mail.build(subscription, template, request=request)):
        return Outcome.MAILED
    # Nothing reached the mailbox: keep nothing of a new address, and let it ask again.
    mailed.delete()
    if created:
        subscription.delete()
    return Outcome.MAIL_FAILED


def confirm(subscription):
    """The subscriber confirmed: digests start with what is published from now on."""
    now = timezone.now()
    Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
        confirmed_at=now, last_digest_at=now
    )
    subscription.refresh_from_db()
    return subscription
