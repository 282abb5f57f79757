"""The alert mails: each in its subscriber's language, as plain text and HTML, with a
one-click unsubscribe (RFC 8058) in its headers and its text. No image, no tracking: every
link is the page itself."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from events.alerts.links import mail_links

logger = logging.getLogger("events.alerts")


def build(subscription, template, context=None, request=None):
    """The message of ``alerts/email/<template>{_subject.txt,.txt,.html}`` to
    ``subscription``'s address."""
    links = mail_links(subscription, request)
    with translation.override(subscription.language):
        context = {
            **links,
            "site_host": urlsplit(links["site_url"]).netloc,
            "confirm_days": settings.ALERTS_CONFIRM_MAX_AGE.days,
            "subscription": subscription,
            **(context or {}),
        }
        # One line, whatever the template's layout.
        subject = " ".join(
            render_to_string(f"alerts/email/{template}_subject.txt", context).split()
        )
        context["subject"] = subject
        text = render_to_string(f"alerts/email/{template}.txt", context)
        html = render_to_string(f"alerts/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send(message):
    """Sends ``message``; False (and a log line, without the address) when the mail
    server refuses it or cannot be reached."""
    try:
        message.send()
    except Exception as error:  # smtplib, socket and SSL errors alike
        # The error's class only: its text may hold the recipient's address.
        logger.warning("The mail server did not take an alert mail: %s", type(error).__name__)
        return False
    return True
