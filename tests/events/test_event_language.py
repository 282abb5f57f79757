"""The language an event is held in: schema.org inLanguage, the admin form, the page."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from events.models import Event, EventLanguage
from tests.events.test_admin import add_page_data
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def json_ld(html):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def detail(client, event, lang):
    with translation.override(lang):
        return client.get(event.get_absolute_url()).text


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_in_language_is_the_events_own_language_not_the_pages(client, lang):
    event = EventFactory(language=EventLanguage.ENGLISH)
    assert json_ld(detail(client, event, lang))["inLanguage"] == "en"


def test_several_languages_is_the_iso_code_mul(client):
    event = EventFactory(language=EventLanguage.SEVERAL)
    assert json_ld(detail(client, event, "ko"))["inLanguage"] == "mul"


def test_an_unknown_language_is_left_out(client):
    event = EventFactory()
    assert event.language == ""
    assert "inLanguage" not in json_ld(detail(client, event, "ko"))


def test_the_page_names_the_events_language_in_the_page_language(client):
    event = EventFactory(language=EventLanguage.KOREAN)
    assert "<dt>언어</dt>\n    <dd>한국어</dd>" in detail(client, event, "ko")
    assert "<dt>Language</dt>\n    <dd>Korean</dd>" in detail(client, event, "en")
    assert "<dt>Language</dt>" not in detail(client, EventFactory(), "en")


def test_the_admin_form_sets_the_language(admin_client):
    response = admin_client.get(reverse("admin:events_event_add"))
    assert '<select name="language"' in response.text
    data = add_page_data(title_en="Talk") | {"language": "mul", "programme-TOTAL_FORMS": "0"}
    admin_client.post(reverse("admin:events_event_add"), data)
    assert Event.objects.get(slug="biennale").language == "mul"


def test_the_admin_form_refuses_a_language_outside_the_choices(admin_client):
    data = add_page_data() | {"language": "xx", "programme-TOTAL_FORMS": "0"}
    response = admin_client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 200
    assert not Event.objects.filter(slug="biennale").exists()
