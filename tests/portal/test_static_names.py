"""Pages name static files by their hashed names only: the unhashed copies are not kept
(settings.WHITENOISE_KEEP_ONLY_HASHED_FILES), so every /static/ address a page names
must be a file that collectstatic wrote (the suite collects once, as a deployment does)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import CityFactory, EventFactory, InstitutionFactory, PageFactory

pytestmark = pytest.mark.django_db

STATIC_ADDRESS = re.compile(r"""/static/[^"'\s)<>]+""")


def test_every_static_file_a_page_names_was_collected(client):
    home = CityFactory(slug="home", is_home=True)
    studio = InstitutionFactory(city=home, latitude="36.650", longitude="127.488")
    event = EventFactory(city=home, venue=studio)
    page = PageFactory(slug="about")
    with translation.override("ko"):
        urls = [
            reverse("portal:home"),
            reverse("cities:list"),
            home.get_absolute_url(),
            reverse("institutions:list"),
            studio.get_absolute_url(),
            reverse("events:list"),
            event.get_absolute_url(),
            page.get_absolute_url(),
            reverse("portal:news-list"),
        ]
    named = set()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        named.update(STATIC_ADDRESS.findall(response.text))
    assert any("/leaflet/" in address for address in named)  # the map's files too
    root = Path(settings.STATIC_ROOT)
    missing = sorted(
        address
        for address in named
        if not (root / address.removeprefix(settings.STATIC_URL)).is_file()
    )
    assert missing == []
