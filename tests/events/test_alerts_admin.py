"""Staff see how many subscribe and to what, never the addresses; settings for mail."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

import portal.settings
from tests.events.alerts_helpers import confirmed
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db


def test_the_admin_shows_counts_and_topics_but_no_address(admin_client):
    confirmed("first@example.org", kinds=["workshop"], cities=[CityFactory(name_en="Icheon")])
    confirmed("second@example.org", language="ko")
    url = reverse("admin:alerts_subscription_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "example.org" not in page.text
    assert "Workshop or class, Icheon" in page.text and "every new event" in page.text
    found = admin_client.get(url + "?q=SECOND@example.org")
    assert found.context["cl"].result_count == 1 and "first@example.org" not in found.text
    assert admin_client.get(url + "?q=nobody@example.org").context["cl"].result_count == 0
    assert admin_client.get(reverse("admin:alerts_subscription_add")).status_code == 403


def settings_with(monkeypatch, **environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(portal.settings.__file__)))


def test_mail_settings_come_from_the_environment(monkeypatch):
    module = settings_with(
        monkeypatch, EMAIL_HOST="smtp.example.org", EMAIL_PORT="587", EMAIL_USE_TLS="true",
        EMAIL_HOST_USER="portal", EMAIL_HOST_PASSWORD="secret", EMAIL_TIMEOUT="7.5",
        DEFAULT_FROM_EMAIL="Portal <alerts@example.org>",
    )  # fmt: skip
    assert module["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (module["EMAIL_HOST"], module["EMAIL_PORT"], module["EMAIL_USE_TLS"]) == (
        "smtp.example.org",
        587,
        True,
    )
    assert module["EMAIL_TIMEOUT"] == 7.5
    assert module["DEFAULT_FROM_EMAIL"] == "Portal <alerts@example.org>"
    assert module["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_under_debug_mails_go_to_the_console(monkeypatch):
    module = settings_with(monkeypatch, DEBUG="true")
    assert module["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert module["EMAIL_TIMEOUT"] == 10


@pytest.mark.parametrize(
    "environment, message",
    [
        ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "both on"),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND"),
    ],
)
def test_wrong_mail_or_task_settings_stop_start_up(monkeypatch, environment, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_with(monkeypatch, **environment)
