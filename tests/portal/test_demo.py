"""The demo as `make run` loads it (`manage.py load_demo`): one home city's portal, with
every section of its pages filled, text that reads right after its dates, and the same
data however often it is loaded."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from modeltranslation.translator import translator

from portal import demo
from portal.blocks.content import content_models
from portal.blocks.publishing import Publishable
from portal.models import News, Page

pytestmark = pytest.mark.django_db


def load_demo(*args):
    output = io.StringIO()
    call_command("load_demo", *args, stdout=output)
    return output.getvalue()


def render(client, name, lang, **kwargs):
    with translation.override(lang):
        path = reverse(name, kwargs=kwargs)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.text


def section(html, heading_id):
    """The inside of the page's <section> labelled by ``heading_id``."""
    found = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', html, re.S
    )
    assert found, heading_id
    return found.group(1)


def entries(html):
    """The text of each list item, tags and spacing stripped."""
    items = re.findall(r"<li\b[^>]*>(.*?)</li>", html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]


def filled(html, heading_id):
    """The entries of a section that must not be empty."""
    found = entries(section(html, heading_id))
    assert found, f"section {heading_id} is empty"
    return found


HOME_SECTIONS = ["home-journey", "home-partners", "home-events", "home-news", "home-institutions"]
PROFILE_SECTIONS = ["journey-heading", "partnerships-heading", "events-heading"]


# What each home city's pages show, in Korean and English. Cheongju has no partnership
# in the sources: its pages name its peers instead.
HOMES = {
    "icheon": {
        "loads": [()],
        "journey": 3,
        "partnerships": 2,
        "latest event year": "2019",
        "ko": ("이천", ["리모주", "산타페"], "한국도자재단", "문화제조창"),
        "en": ("Icheon", ["Limoges", "Santa Fe"], "Korea Ceramic Foundation", "Culture Factory"),
    },
    "cheongju": {
        # Loaded after Icheon's: switching home leaves nothing of Icheon's portal.
        "loads": [(), ("--home", "cheongju")],
        "journey": 7,
        "partnerships": 3,
        "latest event year": "2025",
        "ko": ("청주", ["김해", "이천", "진주"], "문화제조창", "한국도자재단"),
        "en": ("Cheongju", ["Gimhae", "Icheon", "Jinju"], "Culture Factory", "Korea Ceramic"),
    },
}


@pytest.mark.parametrize("home", HOMES)
def test_every_section_of_the_home_citys_pages_is_filled(client, home):
    expected = HOMES[home]
    for args in expected["loads"]:
        load_demo(*args)
    for lang in ("ko", "en"):
        name, partners, own_institution, other_institution = expected[lang]
        page = render(client, "portal:home", lang)
        assert f'<h1 id="hero-title">{name}</h1>' in page
        sections = {heading: filled(page, heading) for heading in HOME_SECTIONS}
        assert sorted(entry.split(" (")[0] for entry in sections["home-partners"]) == partners
        assert len(sections["home-journey"]) == expected["journey"]
        # What is on is the home city's, and so are the institutions and the news.
        assert all(name in event for event in sections["home-events"])
        institutions = section(page, "home-institutions")
        assert own_institution in institutions and other_institution not in institutions
        assert all(name in item for item in sections["home-news"])

        profile = render(client, "cities:detail", lang, slug=home)
        journey, partnerships, events = (filled(profile, heading) for heading in PROFILE_SECTIONS)
        assert len(journey) == expected["journey"]
        assert len(partnerships) == expected["partnerships"]
        assert any(expected["latest event year"] in event for event in events)


# Words that put something ahead of the reader: planned, scheduled, going to happen.
FUTURE = re.compile(
    r"scheduled for|will be held|will take place|will be (?:enacted|proclaimed|opened)|"
    r"\b(?:is|are) planned\b|planned for|is expected to|to be held|"
    r"예정|개최될|열릴|할 계획|제정될"
)


def ahead_of(record, today):
    """Whether the record is itself about a day still to come (a sample event)."""
    for name in ("start_date", "date"):
        day = getattr(record, name, None)
        if day is not None:
            return day > today
    return False


def published_texts():
    """(record, field, text) for every translated field, in both languages, of every
    published record of every content model."""
    for model in content_models():
        records = model.objects.all()
        if issubclass(model, Publishable):
            records = records.published()
        fields = translator.get_options_for_model(model).fields
        for record in records:
            for field in fields:
                for lang in ("ko", "en"):
                    text = getattr(record, f"{field}_{lang}") or ""
                    if text:
                        yield record, f"{field}_{lang}", text


def test_published_text_never_speaks_of_a_past_date_as_ahead():
    """Every fact of the demo is in the past and the samples are written to be true on
    any day, so no published text may plan or schedule anything, unless the record is
    itself dated ahead. The press release the demo draws on did ("scheduled for December
    2025", "제정 예정"); these words must be caught."""
    assert FUTURE.search("A formal proclamation ceremony is scheduled for December 2025")
    assert FUTURE.search("2026년 2월 제정 예정인 창의도시 조례")
    today = timezone.localdate()
    for home in ("icheon", "cheongju"):
        load_demo("--home", home)
        texts = list(published_texts())
        assert len(texts) > 300
        stale = [
            (type(record).__name__, str(record), field, found.group())
            for record, field, text in texts
            if not ahead_of(record, today)
            for found in [FUTURE.search(text)]
            if found
        ]
        assert stale == [], home


def snapshot():
    """Every content record's key and update stamp, its links and its history."""
    state = {}
    for model in content_models():
        state[model.__name__] = [
            (
                record.pk,
                getattr(record, "updated_at", None),
                getattr(record, "status", None),
                *(
                    sorted(getattr(record, field.name).values_list("pk", flat=True))
                    for field in model._meta.many_to_many
                ),
            )
            for record in model.objects.order_by("pk")
        ]
        state[f"{model.__name__} history"] = model.history.count()
    return state


@pytest.mark.parametrize("home", [(), ("--home", "cheongju")])
def test_load_demo_twice_changes_nothing(home):
    load_demo(*home)
    before = snapshot()
    output = load_demo(*home)
    assert snapshot() == before
    assert " 0 new, 0 updated" in output and "0 created, 0 updated" in output
    assert "  created" not in output and "  updated" not in output
    # Staff accounts only when asked (or with DEBUG on, as in `make run`).
    assert not get_user_model().objects.exists()


def test_demo_accounts_and_news_of_the_home_city(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "a-demo-password-42")
    output = load_demo("--users")
    assert "password: a-demo-password-42" in output
    editor = get_user_model().objects.get(username="editor")
    assert editor.groups.filter(name="Editor").exists() and not editor.is_superuser
    assert editor.check_password("a-demo-password-42")
    lines = []
    monkeypatch.setenv("DEMO_PASSWORD", "another-password")
    demo.create_demo_users(lines.append)
    assert all("password unchanged" in line for line in lines) and len(lines) == 3
    editor.refresh_from_db()
    assert editor.check_password("a-demo-password-42")

    assert Page.objects.published().filter(slug="accessibility").exists()
    news = News.objects.published()
    assert news.count() == 4
    assert all(item.cities.filter(slug="icheon").exists() for item in news)
    # The other items are kept as drafts, for staff to see in the admin.
    assert News.objects.filter(status="draft").count() == len(demo.NEWS) - 4
