"""The digest of newly published events, one mail per subscription.

An event is new to a subscription when it became public (its ``publish_at``, the time a
publication or its schedule made it public) after the subscription's last digest, and it
has not ended. Only what is public at the time of the run is read (``.published()``):
drafts and scheduled events whose time has not come never leak, and they are announced
by the first run after they go public.

Each mail is claimed before it is sent: in one transaction a ``Digest`` row records the
window and the events, and the subscription's ``last_digest_at`` moves to the end of the
window, on condition that no other run moved it first. So a second run, or two at once,
send nothing twice. A mail the server refuses is given back (row deleted, window
restored) and goes out with the next run. A process that dies between the claim and the
server's answer leaves the row ``sending``: that mail is *not* sent again (at most once;
docs/decisions.md, "E-mail alerts"), and the next run reports it.
"""

import dataclasses
import datetime

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from events.alerts import mail
from events.alerts.links import absolute
from events.alerts.models import (
    Digest,
    DigestState,
    SubscribeRequest,
    Subscription,
)
from events.models import Event

# A claim older than this with no answer from the mail server: its process died.
INTERRUPTED_AFTER = datetime.timedelta(hours=1)
# Records of sent digests are kept this long, then deleted.
KEEP_DIGESTS = datetime.timedelta(days=90)
# After this many failures in a row the mail server is taken to be down: the rest wait
# for the next run rather than each waiting EMAIL_TIMEOUT.
FAILURES_IN_A_ROW = 3

EVENT_FIELDS = (
    "slug",
    "title_ko",
    "title_en",
    "summary_ko",
    "summary_en",
    "place_ko",
    "place_en",
    "kind",
    "series_id",
    "city_id",
    "venue_id",
    "parent_id",
    "start_date",
    "end_date",
    "all_day",
    "starts_at",
    "ends_at",
    "event_status",
    "status",
    "publish_at",
)
NAMED_FIELDS = ("slug", "name_ko", "name_en", "status", "publish_at")


@dataclasses.dataclass
class Report:
    sent: int = 0
    failed: int = 0
    nothing_new: int = 0
    taken_by_another_run: int = 0
    interrupted: int = 0
    purged_unconfirmed: int = 0
    server_down: bool = False

    def as_dict(self):
        return dataclasses.asdict(self)


def new_events(since, until, today):
    """Public events that went public in (since, until] and have not ended, top-level
    events first, then soonest first."""
    return (
        Event.objects.published()
        .filter(publish_at__gt=since, publish_at__lte=until, end_date__gte=today)
        .select_related("venue", "city")
        .only(
            *EVENT_FIELDS,
            *(f"{relation}__{field}" for relation in ("venue", "city") for field in NAMED_FIELDS),
        )
        .order_by(F("parent_id").asc(nulls_first=True), "start_date", "starts_at", "pk")
    )


def matches(subscription, event):
    """Within kinds, series and cities any choice matches; across them all must; a group
    left empty matches everything."""
    series = subscription.series_ids
    cities = subscription.city_ids
    return (
        (not subscription.kinds or event.kind in subscription.kinds)
        and (not series or event.series_id in series)
        and (not cities or event.city_id in cities)
    )


def purge(now):
    """What is kept only for a while: unconfirmed subscriptions past their link's
    expiry, the rate limits' counts, old digest records."""
    purged, _by_model = Subscription.objects.expired(now).delete()
    SubscribeRequest.objects.filter(at__lt=now - settings.ALERTS_LIMIT_WINDOW).delete()
    Digest.objects.filter(created_at__lt=now - KEEP_DIGESTS).delete()
    interrupted = Digest.objects.filter(
        state=DigestState.SENDING, created_at__lt=now - INTERRUPTED_AFTER
    )
    return purged, interrupted.count()


def confirmed_subscriptions():
    return (
        Subscription.objects.confirmed()
        .prefetch_related("series", "cities")
        .only("pk", "email", "language", "kinds", "key", "confirmed_at", "last_digest_at")
        .order_by("pk")
    )


def send_digests(now=None):
    """Sends every subscription its digest of what is new; returns a Report."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = Report()
    report.purged_unconfirmed, report.interrupted = purge(now)
    subscriptions = list(confirmed_subscriptions())
    if not subscriptions:
        return report
    since = min(subscription.last_digest_at for subscription in subscriptions)
    events = list(new_events(since, now, today))
    connection = get_connection()
    opened = False
    failures_in_a_row = 0
    nothing_new = []
    for subscription in subscriptions:
        subscription.series_ids = {series.pk for series in subscription.series.all()}
        subscription.city_ids = {city.pk for city in subscription.cities.all()}
        chosen = [
            event
            for event in events
            if event.publish_at > subscription.last_digest_at and matches(subscription, event)
        ]
        if not chosen:
            nothing_new.append(subscription.pk)
            continue
        if failures_in_a_row >= FAILURES_IN_A_ROW:
            report.failed += 1
            continue
        message = digest_message(subscription, chosen)
        digest = claim(subscription, chosen, now)
        if digest is None:
            report.taken_by_another_run += 1
            continue
        if not opened:
            try:
                connection.open()
                opened = True
            except Exception as error:  # the server is down: nothing can be sent now
                mail.logger.warning("The mail server cannot be reached: %s", type(error).__name__)
                give_back(digest, subscription)
                report.failed += 1
                report.server_down = True
                failures_in_a_row = FAILURES_IN_A_ROW
                continue
        message.connection = connection
        if mail.send(message):
            Digest.objects.filter(pk=digest.pk).update(
                state=DigestState.SENT, sent_at=timezone.now()
            )
            report.sent += 1
            failures_in_a_row = 0
        else:
            give_back(digest, subscription)
            report.failed += 1
            failures_in_a_row += 1
            report.server_down = failures_in_a_row >= FAILURES_IN_A_ROW
    if opened:
        connection.close()
    # Nothing new up to now: the next run need not look further back than this one.
    report.nothing_new = Subscription.objects.filter(
        pk__in=nothing_new, last_digest_at__lt=now
    ).update(last_digest_at=now)
    return report


def digest_message(subscription, events):
    limit = settings.ALERTS_DIGEST_LIMIT
    with_links = [{"event": event, "url": event_url(event, subscription)} for event in events]
    context = {
        "events": with_links[:limit],
        "total": len(events),
        "more": max(len(events) - limit, 0),
        "first_event": events[0],
    }
    return mail.build(subscription, "digest", context)


def event_url(event, subscription):
    with translation.override(subscription.language):
        return absolute(event.get_absolute_url())


def claim(subscription, events, now):
    """Marks the digest as being sent, or None if another run has just done so."""
    with transaction.atomic():
        moved = Subscription.objects.filter(
            pk=subscription.pk, last_digest_at=subscription.last_digest_at
        ).update(last_digest_at=now)
        if not moved:
            return None
        return Digest.objects.create(
            subscription=subscription,
            since=subscription.last_digest_at,
            until=now,
            events=[event.pk for event in events],
            state=DigestState.SENDING,
        )


def give_back(digest, subscription):
    """The mail was not sent: the next run sends it (with what is new by then)."""
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk, last_digest_at=digest.until).update(
            last_digest_at=digest.since
        )
        digest.delete()
