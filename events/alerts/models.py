"""Subscriptions to e-mail alerts of new events, and what was sent to each.

An address is stored for its alerts only: it is read by nothing else, shown to no one
in the admin, and deleted with the subscription when its owner unsubscribes.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.models import City
from events.models import EventSeries


def new_key():
    return secrets.token_urlsafe(16)


def normalise_email(address):
    """One spelling per mailbox, for uniqueness and the per-address limit: the whole
    address in lower case (mail systems treat the local part case-blind in practice)."""
    return address.strip().lower()


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        return self.filter(confirmed_at__isnull=True)

    def expired(self, now=None):
        """Never confirmed, and their confirmation link has expired."""
        now = now or timezone.now()
        return self.pending().filter(
            requested_at__lt=now - settings.ALERTS_CONFIRM_MAX_AGE,
        )


class Subscription(models.Model):
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    kinds = models.JSONField(
        _("kinds"), default=list, blank=True, help_text=_("Event kinds; empty for any.")
    )
    series = models.ManyToManyField(
        EventSeries, verbose_name=_("series"), blank=True, related_name="+"
    )
    cities = models.ManyToManyField(City, verbose_name=_("cities"), blank=True, related_name="+")
    # Part of every link in its mails: a new key (a new confirmation request) makes the
    # older confirmation links worthless.
    key = models.CharField(max_length=32, default=new_key, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    requested_at = models.DateTimeField(
        _("confirmation requested"), default=timezone.now, editable=False
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    # Events published after this time are new to the subscriber; the digest moves it on.
    last_digest_at = models.DateTimeField(
        _("last digest up to"), null=True, blank=True, editable=False
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail alert subscription")
        verbose_name_plural = _("e-mail alert subscriptions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["requested_at"],
                condition=Q(confirmed_at__isnull=True),
                name="alerts_pending_requested",
            )
        ]
        # Staff see counts and topics, never the addresses: view and delete only.
        default_permissions = ("view", "delete")

    def __str__(self):
        return _("Subscription %(number)s") % {"number": self.pk}

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class DigestState(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Digest(models.Model):
    """One digest of a subscription: its window of publication times and the events it
    named. Written, and the subscription's ``last_digest_at`` moved to ``until``, in one
    transaction before the mail is sent (docs/decisions.md, "E-mail alerts")."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="digests")
    since = models.DateTimeField()
    until = models.DateTimeField()
    events = models.JSONField(default=list, help_text=_("The events named, by number."))
    state = models.CharField(max_length=10, choices=DigestState.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        default_permissions = ()

    def __str__(self):
        return f"{self.subscription_id}: {self.since:%Y-%m-%d %H:%M}–{self.until:%Y-%m-%d %H:%M}"


class RequestKind(models.TextChoices):
    CLIENT = "client", _("Client address")
    EMAIL = "email", _("E-mail address")


def fingerprint(kind, value):
    """A keyed hash of a client or e-mail address: the limits count requests without
    keeping the addresses they came from or went to."""
    message = f"{kind}:{value}".encode()
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class SubscribeRequest(models.Model):
    """A subscription request (by client) or a mail sent to an address (by e-mail), kept
    for the rate limits' window only."""

    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    fingerprint = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "fingerprint", "at"], name="alerts_request_window")]
        default_permissions = ()

    def __str__(self):
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
