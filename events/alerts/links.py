"""The links in alert mails: signed, so that only the mailbox that received them can use
them; each names its subscription and that subscription's random key, so that a link
stops working once the subscription is gone, whatever number a later one takes.

The confirmation link expires (settings.ALERTS_CONFIRM_MAX_AGE); the links to change
preferences or unsubscribe work for as long as the subscription lasts, as RFC 8058
expects of an unsubscribe link. They are signed with SECRET_KEY: when it changes, keep
the old one in SECRET_KEY_FALLBACKS so that links in mails already sent keep working.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation

from events.alerts.models import Subscription

CONFIRM = "events.alerts.confirm"
MANAGE = "events.alerts.manage"
UNSUBSCRIBE = "events.alerts.unsubscribe"


class ExpiredLink(Exception):
    pass


class InvalidLink(Exception):
    pass


def make_token(subscription, purpose):
    return signing.dumps([subscription.pk, subscription.key], salt=purpose)


def read_token(token, purpose):
    """The subscription a link names: None if it no longer exists. InvalidLink for a
    link that was never ours (or was altered), ExpiredLink for an old confirmation."""
    max_age = settings.ALERTS_CONFIRM_MAX_AGE if purpose == CONFIRM else None
    try:
        pk, key = signing.loads(token, salt=purpose, max_age=max_age)
    except signing.SignatureExpired:
        raise ExpiredLink from None
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidLink from None
    if not isinstance(pk, int) or not isinstance(key, str):
        raise InvalidLink
    return Subscription.objects.filter(pk=pk, key=key).first()


def absolute(path, request=None):
    """``path`` on the site: under SITE_URL when it is set (a mail's links never follow
    a request's Host header), else the request's own address."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    raise ImproperlyConfigured(
        "SITE_URL is not set: set it to the site's address (e.g. https://portal.example.org) "
        "so that mails sent outside a request can link to it."
    )


def mail_links(subscription, request=None):
    """The absolute links a mail to ``subscription`` carries, in its language."""
    with translation.override(subscription.language):
        links = {
            "manage_url": reverse("alerts:manage", args=[make_token(subscription, MANAGE)]),
            "unsubscribe_url": reverse(
                "alerts:unsubscribe", args=[make_token(subscription, UNSUBSCRIBE)]
            ),
            "events_url": reverse("events:list"),
            "site_url": reverse("portal:home"),
        }
        if not subscription.is_confirmed:
            links["confirm_url"] = reverse(
                "alerts:confirm", args=[make_token(subscription, CONFIRM)]
            )
    return {name: absolute(path, request) for name, path in links.items()}
