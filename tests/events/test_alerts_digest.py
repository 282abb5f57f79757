"""The digest of new events: what it names, that it never sends twice, and how it
retries; the command and the background task that run it."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from events.alerts import digest as digest_module
from events.alerts.digest import send_digests
from events.alerts.models import Digest, DigestState, Subscription
from tests.events.alerts_helpers import ago, confirmed, link_in
from tests.factories import CityFactory, EventFactory, EventSeriesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://portal.example.org"


def test_a_digest_names_what_was_published_since_and_matches(settings):
    icheon, elsewhere = CityFactory(slug="icheon"), CityFactory(slug="elsewhere")
    biennale = EventSeriesFactory(slug="biennale")
    workshops_in_icheon = confirmed(
        "a@example.org", kinds=["workshop"], cities=[icheon], since=ago(hours=2)
    )
    biennale_fan = confirmed("b@example.org", language="ko", series=[biennale], since=ago(hours=2))
    everything = confirmed("c@example.org", since=ago(hours=2))
    EventFactory(kind="workshop", city=icheon, publish_at=ago(hours=3), title_en="Old")
    match = EventFactory(
        kind="workshop", city=icheon, publish_at=ago(hours=1), title_en="Glaze class"
    )
    EventFactory(kind="workshop", city=elsewhere, publish_at=ago(hours=1), title_en="Elsewhere")
    EventFactory(kind="fair", city=icheon, publish_at=ago(hours=1), title_en="A fair")
    edition = EventFactory(
        series=biennale, kind="biennale", publish_at=ago(minutes=30),
        title_en="Biennale 2027", title_ko="비엔날레 2027", summary_ko="열다섯 번째",
    )  # fmt: skip
    # Never: drafts, scheduled ones whose time has not come, what has already ended.
    EventFactory(kind="workshop", city=icheon, status="draft", publish_at=None, title_en="Draft")
    EventFactory(
        kind="workshop",
        city=icheon,
        publish_at=timezone.now() + datetime.timedelta(hours=1),
        title_en="Later",
    )
    EventFactory(
        kind="workshop", city=icheon, publish_at=ago(hours=1), title_en="Over",
        start_date=timezone.localdate() - datetime.timedelta(days=5),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )  # fmt: skip

    report = send_digests()
    assert report.sent == 3 and report.failed == 0
    sent = {message.to[0]: message for message in mail.outbox}
    first = sent["a@example.org"]
    assert "Glaze class" in first.subject and "Glaze class" in first.body
    for absent in ("Old", "Elsewhere", "A fair", "Draft", "Later", "Over", "Biennale"):
        assert absent not in first.body
    assert "https://portal.example.org/en/events/" + match.slug + "/" in first.body
    korean = sent["b@example.org"]
    assert "비엔날레 2027" in korean.subject and "열다섯 번째" in korean.alternatives[0][0]
    assert f"/ko/events/{edition.slug}/" in korean.body
    assert "Unsubscribe" not in korean.body and "구독 해지" in korean.body
    assert "4 new events" in sent["c@example.org"].subject
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe"] == f"<{link_in(message, 'unsubscribe')}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    record = Digest.objects.get(subscription=workshops_in_icheon)
    assert record.state == DigestState.SENT and record.events == [match.pk]
    assert Digest.objects.get(subscription=biennale_fan).events == [edition.pk]
    assert Digest.objects.filter(subscription=everything).exists()

    # Run again, and again: nothing twice.
    assert send_digests().sent == 0 and send_digests().sent == 0
    assert len(mail.outbox) == 3

    # The scheduled event goes public: the next run announces it, to whom it matches.
    mail.outbox.clear()
    Subscription.objects.update(last_digest_at=ago(minutes=5))
    EventFactory(kind="workshop", city=icheon, publish_at=ago(minutes=1), title_en="Now public")
    assert send_digests().sent == 2
    assert {message.to[0] for message in mail.outbox} == {"a@example.org", "c@example.org"}


def test_a_long_digest_names_the_first_and_links_to_the_rest(settings):
    settings.ALERTS_DIGEST_LIMIT = 3
    confirmed(since=ago(hours=1))
    for _ in range(5):
        EventFactory(publish_at=ago(minutes=10))
    send_digests()
    (message,) = mail.outbox
    assert message.body.count("/en/events/event-") == 3
    assert "And 2 more" in message.body


class FlakyBackend(EmailBackend):
    """Refuses the messages to one address, or every message."""

    refuse = set()

    def send_messages(self, messages):
        for message in messages:
            if "*" in self.refuse or message.to[0] in self.refuse:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no")})
        return super().send_messages(messages)


def test_a_refused_mail_is_retried_by_the_next_run(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.refuse = {"b@example.org"}
    confirmed("a@example.org", since=ago(hours=1))
    refused = confirmed("b@example.org", since=ago(hours=1))
    EventFactory(publish_at=ago(minutes=30), title_en="First")
    report = send_digests()
    assert (report.sent, report.failed) == (1, 1)
    refused.refresh_from_db()
    assert refused.last_digest_at < ago(minutes=30) and not refused.digests.exists()
    with pytest.raises(CommandError, match="1 digest"):
        call_command("send_event_digest")
    FlakyBackend.refuse = set()
    EventFactory(publish_at=timezone.now(), title_en="Second")
    mail.outbox.clear()
    assert send_digests().sent == 2
    late = next(message for message in mail.outbox if message.to == ["b@example.org"])
    assert "First" in late.body and "Second" in late.body


def test_a_mail_server_that_is_down_stops_the_run_and_everything_waits(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.refuse = {"*"}
    for number in range(6):
        confirmed(f"s{number}@example.org", since=ago(hours=1))
    EventFactory(publish_at=ago(minutes=30))
    report = send_digests()
    assert report.sent == 0 and report.failed == 6 and report.server_down
    assert not Digest.objects.exists()
    FlakyBackend.refuse = set()
    assert send_digests().sent == 6


def test_a_run_that_died_while_sending_does_not_send_again(settings, monkeypatch):
    """At most once: the claim is committed before the mail goes; a process killed
    before the server answered leaves it claimed, and it is reported, not resent."""
    subscription = confirmed(since=ago(hours=1))
    EventFactory(publish_at=ago(minutes=30))

    def die(message):
        raise SystemExit("killed")

    monkeypatch.setattr(digest_module.mail, "send", die)
    with pytest.raises(SystemExit):
        send_digests()
    monkeypatch.undo()
    record = Digest.objects.get()
    assert record.state == DigestState.SENDING
    assert send_digests().sent == 0 and not mail.outbox
    Digest.objects.update(created_at=ago(hours=2))
    assert send_digests().interrupted == 1
    subscription.refresh_from_db()
    assert subscription.last_digest_at >= record.until and len(mail.outbox) == 0


def test_two_runs_at_once_send_one_digest(settings, monkeypatch):
    """The second run finds the subscription claimed by the first (its window moved)."""
    confirmed(since=ago(hours=1))
    EventFactory(publish_at=ago(minutes=30))
    claim = digest_module.claim

    def claim_after_another_run(subscription, events, now):
        monkeypatch.setattr(digest_module, "claim", claim)
        assert send_digests().sent == 1  # the other run, while this one prepares
        return claim(subscription, events, now)

    monkeypatch.setattr(digest_module, "claim", claim_after_another_run)
    report = send_digests()
    assert report.sent == 0 and report.taken_by_another_run == 1
    assert len(mail.outbox) == 1


def test_nothing_new_moves_the_window_without_a_mail():
    subscription = confirmed(kinds=["fair"], since=ago(days=30))
    EventFactory(kind="workshop", publish_at=ago(minutes=5))
    report = send_digests()
    assert report.nothing_new == 1 and not mail.outbox
    subscription.refresh_from_db()
    assert subscription.last_digest_at > ago(minutes=1)


def test_a_digest_runs_the_same_queries_for_more_subscribers(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(count):
        for number in range(count):
            confirmed(f"{count}-{number}@example.org", kinds=["fair"], since=ago(hours=1))
        with CaptureQueriesContext(connection) as captured:
            report = send_digests()
        Subscription.objects.all().delete()
        return len(captured) - 4 * report.sent  # claim (2 + savepoints) and mark, per mail

    EventFactory(kind="workshop", publish_at=ago(minutes=5))  # matches nobody
    assert run(2) == run(20)


def test_the_command_reports_and_the_task_runs_it(settings, capsys):
    confirmed(since=ago(hours=1))
    EventFactory(publish_at=ago(minutes=30))
    call_command("send_event_digest")
    assert "Digests sent: 1" in capsys.readouterr().out
    call_command("send_event_digest")
    assert "Digests sent: 0" in capsys.readouterr().out and len(mail.outbox) == 1


# The worker closes its database connection between tasks, as a long-running process
# should: outside a test transaction, then.
@pytest.mark.django_db(transaction=True)
def test_the_task_waits_in_the_database_for_a_worker(settings, capsys):
    from django_tasks_db.models import DBTaskResult

    confirmed(since=ago(hours=1))
    EventFactory(publish_at=ago(minutes=30))
    call_command("send_event_digest", "--enqueue")
    assert "Enqueued the digest" in capsys.readouterr().out
    assert DBTaskResult.objects.count() == 1 and not mail.outbox
    call_command("db_worker", "--batch", "--no-startup-delay")
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_without_site_url_the_command_says_what_to_set(settings):
    settings.SITE_URL = ""
    confirmed(since=ago(hours=1))
    EventFactory(publish_at=ago(minutes=30))
    with pytest.raises(CommandError, match="SITE_URL is not set"):
        call_command("send_event_digest")
    assert not Digest.objects.exists()
