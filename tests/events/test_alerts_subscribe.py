"""Subscribing to e-mail alerts: the form, double opt-in, the limits, the links."""

import datetime
import logging

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from events.alerts import links
from events.alerts.digest import send_digests
from events.alerts.models import SubscribeRequest, Subscription
from tests.events.alerts_helpers import ADDRESS, confirmed, link_in, path_of, subscribe
from tests.factories import CityFactory, EventFactory, EventSeriesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://portal.example.org"


def test_the_form_page_sets_the_csrf_cookie_and_is_never_stored(client):
    response = client.get(reverse("alerts:subscribe"))
    assert response.status_code == 200
    assert settings.CSRF_COOKIE_NAME in response.cookies
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert "no-store" in response["Cache-Control"]
    assert getattr(response.resolver_match.func.view_class, "page_cache", None) is None


def test_the_public_event_pages_link_to_it_and_set_no_cookie(client):
    event = EventFactory(kind="workshop", city=CityFactory(slug="icheon"))
    listing = client.get(reverse("events:list") + "?kind=workshop")
    assert listing.cookies == {} and "csrfmiddlewaretoken" not in listing.text
    assert reverse("alerts:subscribe") + "?kind=workshop" in listing.text
    detail = client.get(event.get_absolute_url())
    assert detail.cookies == {} and "csrfmiddlewaretoken" not in detail.text
    assert reverse("alerts:subscribe") + "?kind=workshop&amp;city=icheon" in detail.text
    # Having visited the form (and holding its CSRF cookie) changes nothing elsewhere.
    client.get(reverse("alerts:subscribe"))
    assert client.get(reverse("events:list")).cookies == {}


def test_the_form_is_prefilled_from_the_events_filters(client):
    CityFactory(slug="home", is_home=True, name_en="Home")
    CityFactory(slug="icheon", name_en="Icheon")
    CityFactory(slug="elsewhere", name_en="Elsewhere")
    EventSeriesFactory(slug="biennale", name_en="Biennale")
    response = client.get(
        reverse("alerts:subscribe") + "?kind=workshop&series=biennale&city=icheon"
    )
    form = response.context["form"]
    assert form["kinds"].value() == ["workshop"]
    assert form["series"].value() == ["biennale"]
    # The home city and the cities named are offered; not the whole network.
    assert [city.slug for city in form.fields["cities"].queryset] == ["home", "icheon"]
    assert 'value="icheon" id="id_cities_1" checked' in response.text


@pytest.mark.parametrize("language", ["ko", "en"])
def test_subscribing_sends_only_a_confirmation_in_the_page_language(client, language):
    series = EventSeriesFactory(slug="biennale")
    response = subscribe(client, language, kinds=["workshop"], series=["biennale"])
    with translation.override(language):
        assert response.status_code == 302 and response["Location"] == reverse("alerts:sent")
    subscription = Subscription.objects.get()
    assert subscription.email == ADDRESS and subscription.language == language
    assert subscription.kinds == ["workshop"] and list(subscription.series.all()) == [series]
    assert not subscription.is_confirmed
    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    subject = {
        "ko": "새 행사 알림 메일 신청을 확인해 주세요",
        "en": "Confirm your e-mail alerts of new events",
    }
    assert message.subject == subject[language]
    confirm = link_in(message, "confirm")
    assert confirm.startswith(f"https://portal.example.org/{language}/alerts/confirm/")
    unsubscribe = link_in(message, "unsubscribe")
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html" and confirm in html and "<img" not in html

    # Nothing but the confirmation before it is confirmed, whatever is published.
    EventFactory(kind="workshop", series=series)
    send_digests()
    assert len(mail.outbox) == 1

    page = client.get(path_of(confirm))
    assert page.status_code == 200 and not Subscription.objects.get().is_confirmed
    done = client.post(path_of(confirm))
    assert done.status_code == 200
    subscription.refresh_from_db()
    assert subscription.is_confirmed and subscription.last_digest_at == subscription.confirmed_at
    assert "no-store" in done["Cache-Control"] and done["Referrer-Policy"] == "same-origin"


def test_the_answer_never_tells_whether_an_address_is_subscribed(client):
    confirmed(email="known@example.org", kinds=["fair"])
    new = subscribe(client, email="new@example.org")
    known = subscribe(client, email="Known@Example.org", kinds=["workshop"])
    assert (new.status_code, new["Location"]) == (known.status_code, known["Location"])
    # The subscribed address is told how to change its choices; the request changed nothing.
    first, second = mail.outbox
    assert "confirm" in first.subject.lower() and "already" in second.subject
    assert link_in(second, "manage") and second.to == ["known@example.org"]
    assert Subscription.objects.get(email="known@example.org").kinds == ["fair"]


def test_asking_again_before_confirming_updates_the_request(client):
    subscribe(client, kinds=["fair"])
    subscribe(client, "ko", kinds=["workshop"])
    subscription = Subscription.objects.get()
    assert subscription.kinds == ["workshop"] and subscription.language == "ko"
    assert len(mail.outbox) == 2


def test_requests_are_limited_per_client(client, settings):
    settings.ALERTS_REQUESTS_PER_CLIENT = 3
    for number in range(3):
        assert subscribe(client, email=f"a{number}@example.org").status_code == 302
    refused = subscribe(client, email="another@example.org")
    assert refused.status_code == 429
    assert "Too many requests" in refused.text
    assert not Subscription.objects.filter(email="another@example.org").exists()
    # Another client is not held back, nor the same behind a forged header.
    assert subscribe(client, email="another@example.org", ip="198.51.100.7").status_code == 302
    forged = client.post(
        reverse("alerts:subscribe"),
        {"email": "x@example.org"},
        REMOTE_ADDR="192.0.2.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert forged.status_code == 429


def test_mails_to_one_address_are_limited_without_saying_so(client, settings):
    settings.ALERTS_MAILS_PER_ADDRESS = 2
    answers = [subscribe(client, ip=f"192.0.2.{n}") for n in range(4)]
    assert {answer.status_code for answer in answers} == {302}
    assert len(mail.outbox) == 2
    # The counts keep no address, only keyed hashes.
    stored = list(SubscribeRequest.objects.values_list("fingerprint", flat=True))
    assert stored and not any(ADDRESS in value or "192.0.2" in value for value in stored)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"email": "not an address"}, "email"),
        ({"email": ""}, "email"),
        ({"email": "a@example.org", "kinds": ["nonsense"]}, "kinds"),
        ({"email": "a@example.org", "series": ["no-such-series"]}, "series"),
        ({"email": "a@example.org", "cities": ["nowhere"]}, "cities"),
        ({"email": "a@example.org", "cities": [f"c{n}" for n in range(500)]}, "cities"),
        ({"email": "x" * 300 + "@example.org"}, "email"),
        ({"email": "a\x00@example.org"}, "email"),
    ],
)
def test_bad_input_is_a_form_error(client, data, field):
    response = client.post(reverse("alerts:subscribe"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.text
    assert not Subscription.objects.exists() and not mail.outbox


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_mail_server_that_is_down_is_said_and_logged_never_a_500(client, settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    with caplog.at_level(logging.WARNING, logger="events.alerts"):
        response = subscribe(client)
    assert response.status_code == 200
    assert "could not be sent just now" in response.text
    assert "ConnectionRefusedError" in caplog.text and ADDRESS not in caplog.text
    # Nothing kept: the same address can ask again once the server is back.
    assert not Subscription.objects.exists() and not SubscribeRequest.objects.filter(kind="email")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert subscribe(client).status_code == 302 and len(mail.outbox) == 1


def test_confirmation_links_expire_and_unconfirmed_requests_are_deleted(client, settings):
    subscribe(client)
    confirm = path_of(link_in(mail.outbox[0], "confirm"))
    later = timezone.now() + settings.ALERTS_CONFIRM_MAX_AGE + datetime.timedelta(minutes=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        patch.setattr("time.time", lambda: later.timestamp())
        response = client.post(confirm)
        assert response.status_code == 410 and "expired" in response.text
        report = send_digests()
    assert report.purged_unconfirmed == 1 and not Subscription.objects.exists()


@pytest.mark.parametrize("name", ["confirm", "manage", "unsubscribe"])
def test_a_changed_or_foreign_link_does_not_work(client, name):
    subscription = confirmed()
    token = links.make_token(subscription, links.CONFIRM)
    for bad in [token[:-2] + "xx", "garbage", "a:b:c", links.make_token(subscription, "other")]:
        response = client.get(reverse(f"alerts:{name}", args=[bad]))
        assert response.status_code == 404, bad
        assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_one_click_unsubscribe_deletes_the_address_without_a_csrf_token():
    subscription = confirmed()
    url = reverse("alerts:unsubscribe", args=[links.make_token(subscription, links.UNSUBSCRIBE)])
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and Subscription.objects.exists()  # opening only asks
    assert page.cookies == {}
    # As a mail program sends it (RFC 8058).
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert client.post(url).status_code == 200  # again: still unsubscribed, no error


def test_only_unsubscribing_is_exempt_from_csrf(client):
    subscription = confirmed()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("alerts:subscribe"), {"email": "a@example.org"}).status_code == 403
    manage = reverse("alerts:manage", args=[links.make_token(subscription, links.MANAGE)])
    assert strict.post(manage, {"language": "ko"}).status_code == 403
    confirm = reverse("alerts:confirm", args=[links.make_token(subscription, links.CONFIRM)])
    assert strict.post(confirm).status_code == 403


def test_preferences_change_through_the_signed_link(client):
    home = CityFactory(slug="home", is_home=True)
    icheon = CityFactory(slug="icheon")
    subscription = confirmed(kinds=["fair"], cities=[icheon])
    url = reverse("alerts:manage", args=[links.make_token(subscription, links.MANAGE)])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["cities"].value() == ["icheon"]
    assert {city.slug for city in page.context["form"].fields["cities"].queryset} == {
        "home",
        "icheon",
    }
    response = client.post(url, {"language": "ko", "kinds": ["workshop"], "cities": ["home"]})
    assert response.status_code == 302 and response["Location"] == url + "?saved=1"
    subscription.refresh_from_db()
    assert subscription.language == "ko" and subscription.kinds == ["workshop"]
    assert list(subscription.cities.all()) == [home]
    bad = client.post(url, {"language": "xx", "kinds": ["nonsense"]})
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"language", "kinds"}


def test_the_form_page_runs_the_same_queries_at_any_size(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("alerts:subscribe") + "?city=c-1&city=c-2").status_code == 200
        return len(captured)

    CityFactory(is_home=True)
    EventSeriesFactory()
    small = count()
    for number in range(30):
        CityFactory(slug=f"c-{number}")
        EventSeriesFactory()
    assert count() == small <= 7
