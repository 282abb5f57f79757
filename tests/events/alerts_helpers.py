"""Shared by the alerts tests: subscribing through the form, reading links from mails."""

import datetime
import re

from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from events.alerts import subscribing
from events.alerts.models import Subscription

ADDRESS = "reader@example.org"


def subscribe(client, language="en", email=ADDRESS, ip="192.0.2.1", **choices):
    with translation.override(language):
        url = reverse("alerts:subscribe")
    return client.post(url, {"email": email, **choices}, REMOTE_ADDR=ip)


def link_in(message, name):
    """The first link of the site's alerts of kind ``name`` (confirm, manage,
    unsubscribe) in a message's text."""
    match = re.search(rf"https?://\S+/alerts/{name}/[^/\s]+/", message.body)
    assert match, message.body
    return match.group(0)


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def confirmed(email=ADDRESS, language="en", kinds=(), series=(), cities=(), since=None):
    """A confirmed subscription, made as the form and the confirmation page make it."""
    subscription = Subscription.objects.create(email=email, language=language, kinds=list(kinds))
    subscription.series.set(series)
    subscription.cities.set(cities)
    subscribing.confirm(subscription)
    if since is not None:
        Subscription.objects.filter(pk=subscription.pk).update(last_digest_at=since)
        subscription.refresh_from_db()
    mail.outbox.clear()
    return subscription


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)
