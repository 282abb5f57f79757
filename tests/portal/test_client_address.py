"""The admin login lockout counts failures per client, behind reverse proxies too: the
client's address comes from the header the proxies add, as PROXY_COUNT and
PROXY_CLIENT_IP_HEADER say."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

import portal.settings

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(portal.settings.__file__)
PROXY = "10.0.0.2"
CLIENT_A = "203.0.113.5"
CLIENT_B = "198.51.100.7"
PASSWORD = "right-password-1"


def settings_from_environment(monkeypatch, **environment):
    """The settings module as it reads this environment."""
    for name in ("PROXY_COUNT", "PROXY_CLIENT_IP_HEADER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.fixture
def behind_proxies(monkeypatch, settings):
    """Applies the client-address settings that this environment gives."""

    settings.AXES_FAILURE_LIMIT = 2  # fewer slow password checks

    def configure(**environment):
        module = settings_from_environment(monkeypatch, **environment)
        for name, value in module.items():
            if name.startswith(("AXES_IPWARE_", "IPWARE_")):
                setattr(settings, name, value)

    return configure


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "staff", "staff@example.org", PASSWORD, is_staff=True
    )


def log_in(password, **meta):
    return Client().post(
        reverse("admin:login"), {"username": "staff", "password": password}, **meta
    )


def lock_out(settings, **meta):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in("wrong", **meta)
    assert log_in("wrong", **meta).status_code == 429


def test_behind_one_proxy_a_locked_client_does_not_lock_the_others(behind_proxies, settings, staff):
    behind_proxies(PROXY_COUNT="1")
    lock_out(settings, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_A)
    # Another client behind the same proxy still signs in.
    assert log_in(PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_B).status_code == 302
    # Client A stays locked, even with the right password, and naming B's address in a
    # header of its own does not help: the proxy appends A's real address after it.
    for forwarded in (CLIENT_A, f"{CLIENT_B}, {CLIENT_A}"):
        response = log_in(PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
        assert response.status_code == 429


def test_behind_two_proxies_the_client_is_second_from_the_right(behind_proxies, settings, staff):
    """A CDN in front of the site's own proxy: the header ends with the client's address
    (written by the CDN) and the CDN's (written by the site's proxy)."""
    behind_proxies(PROXY_COUNT="2")
    cdn = "192.0.2.10"
    lock_out(settings, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{CLIENT_A}, {cdn}")
    response = log_in(PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{CLIENT_B}, {cdn}")
    assert response.status_code == 302


def test_a_proxy_that_sends_another_header(behind_proxies, settings, staff):
    behind_proxies(PROXY_COUNT="1", PROXY_CLIENT_IP_HEADER="X-Real-IP")
    lock_out(settings, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=CLIENT_A)
    assert log_in(PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=CLIENT_B).status_code == 302
    # X-Forwarded-For is not the configured header: a client cannot choose its address.
    response = log_in(
        PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=CLIENT_A, HTTP_X_FORWARDED_FOR=CLIENT_B
    )
    assert response.status_code == 429


def test_without_a_proxy_a_forwarding_header_is_ignored(behind_proxies, settings, staff):
    """Straight to the app, a client that writes a new X-Forwarded-For on every attempt
    is still one client."""
    behind_proxies()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in("wrong", REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    response = log_in(PASSWORD, REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429
    assert log_in(PASSWORD, REMOTE_ADDR=CLIENT_B).status_code == 302


@pytest.mark.parametrize(
    "environment, message",
    [
        ({"PROXY_COUNT": "-1"}, "PROXY_COUNT must be 0 or more"),
        ({"PROXY_COUNT": "1", "PROXY_CLIENT_IP_HEADER": " "}, "PROXY_CLIENT_IP_HEADER is empty"),
    ],
)
def test_a_wrong_proxy_setting_stops_start_up_with_a_message(monkeypatch, environment, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_from_environment(monkeypatch, **environment)
