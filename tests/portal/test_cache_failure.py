"""A cache that is down, slow or full makes the site slower, never broken: public pages
and staff saves keep working uncached, the failure is logged (not once per request),
and /healthz says so while answering 200. Against real Redis servers: one on a closed
port, one full (its default policy refuses writes)."""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.urls import reverse
from django.utils import translation

from portal.blocks.publishing import PublicationStatus
from portal.models import News as NewsModel
from tests.factories import InstitutionFactory, NewsFactory
from tests.portal.admin_helpers import change_form_data

pytestmark = [pytest.mark.page_cache, pytest.mark.django_db(transaction=True)]

REDIS_SERVER = shutil.which("redis-server")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_cache(url):
    return {
        "default": {
            "BACKEND": "portal.blocks.caching.backends.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
        }
    }


def public_urls():
    InstitutionFactory(name_en="Kiln Studio", kind="studio")
    news = NewsFactory(title_en="First news")
    with translation.override("en"):
        return [
            reverse("portal:home"),
            reverse("institutions:list"),
            reverse("portal:news-list"),
            news.get_absolute_url(),
        ]


def save_through_the_admin(admin_client, news, title):
    url = reverse("admin:portal_news_change", args=[news.pk])
    data = change_form_data(admin_client.get(url))
    data["title_en"] = title
    return admin_client.post(url, data)


@pytest.fixture
def redis_down(settings):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture
def full_redis(settings, tmp_path):
    if REDIS_SERVER is None:
        pytest.fail("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
            "--maxmemory",
            "4mb",
            "--maxmemory-policy",
            "noeviction",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{port}/0")
    yield client
    server.terminate()
    server.wait(timeout=10)


def test_pages_and_saves_work_with_redis_down(client, admin_client, redis_down, caplog):
    urls = public_urls()
    caplog.set_level(logging.WARNING, logger="portal.cache")
    for _ in range(3):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Page-Cache" not in response
    news = NewsFactory()
    assert (
        save_through_the_admin(admin_client, news, "Saved while Redis is down").status_code == 302
    )
    assert "Saved while Redis is down" in client.get(urls[2]).text
    # Logged once, not once per request.
    assert len([r for r in caplog.records if r.name == "portal.cache"]) == 1
    health = client.get("/healthz")
    assert health.status_code == 200 and "cache: unavailable" in health.text


def test_pages_and_saves_work_with_a_full_redis(client, admin_client, full_redis):
    urls = public_urls()
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
    # Fill it: writes are refused from now on ("OOM command not allowed").
    chunk = b"x" * 100_000
    with pytest.raises(redis.ResponseError):
        for number in range(1000):
            full_redis.set(f"filler:{number}", chunk)
    for number in range(30):
        for url in urls:
            assert client.get(url, {"page": 1, "q": f"visitor {number}"}).status_code in (200, 404)
            assert client.get(url).status_code == 200
    news = NewsModel.objects.get(title_en="First news")
    assert save_through_the_admin(admin_client, news, "After").status_code == 302
    news.refresh_from_db()
    assert news.title_en == "After"
    # The change could not be written to the cache: nothing stored before is trusted.
    for url in urls:
        assert "First news" not in client.get(url).text
    news.status = PublicationStatus.DRAFT
    news.save()
    assert "After" not in client.get(urls[2]).text
    assert client.get("/healthz").status_code == 200
