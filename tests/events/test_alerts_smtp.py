"""Alert mails through a real SMTP server, started by the test (aiosmtpd), read back as
a mail program reads them."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.urls import reverse

from events.alerts.digest import send_digests
from events.alerts.models import Subscription
from tests.events.alerts_helpers import ago, confirmed, path_of
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Icheon Creative City <alerts@portal.example.org>"
    settings.SITE_URL = "https://portal.example.org"
    yield inbox
    controller.stop()


def test_a_digest_through_smtp_has_both_parts_and_one_click_unsubscribe(smtp_server, client):
    confirmed("reader@example.org", language="ko", since=ago(hours=1))
    EventFactory(publish_at=ago(minutes=5), title_ko="도자기 축제", title_en="Ceramics festival")
    assert send_digests().sent == 1
    assert not mail.outbox  # it went through the server, not Django's memory
    ((recipients, raw),) = smtp_server.messages
    assert recipients == ["reader@example.org"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["From"] == "Icheon Creative City <alerts@portal.example.org>"
    assert "도자기 축제" in message["Subject"]
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # a long header is folded
    assert unsubscribe.startswith("<https://portal.example.org/ko/alerts/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "도자기 축제" in text and "도자기 축제" in html
    assert unsubscribe.strip("<>") in text and "<img" not in html

    # The mail program's one click: a POST to the header's address, no cookie, no token.
    response = client.post(
        path_of(unsubscribe.strip("<>")),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_subscribing_through_smtp(smtp_server, client):
    response = client.post(reverse("alerts:subscribe"), {"email": "new@example.org"})
    assert response.status_code == 302
    ((recipients, raw),) = smtp_server.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert recipients == ["new@example.org"]
    assert "/en/alerts/confirm/" in message.get_body(("plain",)).get_content()


def test_a_mail_server_that_is_down_is_a_message_not_an_error(settings, client):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 2
    settings.SITE_URL = "https://portal.example.org"
    response = client.post(reverse("alerts:subscribe"), {"email": "new@example.org"})
    assert response.status_code == 200 and "could not be sent just now" in response.text
    confirmed("reader@example.org", since=ago(hours=1))
    EventFactory(publish_at=ago(minutes=5))
    report = send_digests()
    assert report.failed == 1 and report.server_down
