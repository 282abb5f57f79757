"""The site search (``/<lang>/search/``) and the matching every list's ``q`` shares
(``portal.blocks.text_search``), on SQLite and PostgreSQL alike."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from institutions.models import Institution
from portal.blocks import text_search
from tests.factories import (
    CityFactory,
    DisciplineFactory,
    EventFactory,
    EventSeriesFactory,
    InstitutionFactory,
    NewsFactory,
    PageFactory,
)

pytestmark = pytest.mark.django_db


def url(lang="en", **params):
    with translation.override(lang):
        return reverse("portal:search")


def titles(response):
    """The result headings, without their markup."""
    return [
        re.sub(r"<[^>]+>", "", found)
        for found in re.findall(r'<h3><a href="[^"]*">(.*?)</a></h3>', response.text)
    ]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def ceramics_institutions():
    return set(
        Institution.objects.published()
        .filter(disciplines__slug="ceramics")
        .values_list("name_en", flat=True)
    )


def test_demo_searches_find_what_they_should(client, demo):
    ceramics = ceramics_institutions()
    assert len(ceramics) == 4
    for lang, text in (("ko", "도자"), ("en", "ceramic")):
        with translation.override("en"):
            response = client.get(url(lang), {"q": text, "type": "institutions"})
        assert response.status_code == 200
        found = set(response.context["page_obj"].object_list)
        assert {institution.name_en for institution in found} == ceramics, text
    # The directory's own q matches the same way.
    response = client.get(reverse("institutions:list"), {"q": "도자"})
    assert {i.name_en for i in response.context["page_obj"].object_list} == ceramics
    biennales = client.get(url("ko"), {"q": "비엔날레", "type": "events"})
    found = {event.kind for event in biennales.context["page_obj"].object_list}
    assert found == {"biennale"}
    assert len(biennales.context["page_obj"].object_list) >= 5
    limoges = client.get(url("en"), {"q": "Limoge"})
    assert titles(limoges)[0] == "Limoges"


def test_only_published_records_are_found(client):
    draft_city = CityFactory(name_en="Zanzibar draft", status="draft")
    later = timezone.now() + datetime.timedelta(days=1)
    CityFactory(name_en="Zanzibar scheduled", publish_at=later)
    InstitutionFactory(name_en="Zanzibar studio", status="draft")
    EventFactory(title_en="Zanzibar festival", publish_at=later)
    NewsFactory(title_en="Zanzibar news", status="draft")
    PageFactory(title_en="Zanzibar page", status="draft")
    # A published event at a draft venue is not found by the venue's name.
    EventFactory(
        title_en="Harvest", venue=InstitutionFactory(name_en="Zanzibar hall", status="draft")
    )
    shown = CityFactory(name_en="Zanzibar")
    response = client.get(url(), {"q": "zanzibar"})
    assert titles(response) == ["Zanzibar"]
    assert response.context["total"] == 1
    assert draft_city.name_en not in response.text
    assert shown.get_absolute_url() in response.text


def test_a_name_match_ranks_before_a_description_match(client):
    InstitutionFactory(name_en="Workshop", description_en="Where onggi jars are fired.")
    InstitutionFactory(name_en="Onggi Village", summary_en="Jars.")
    InstitutionFactory(name_en="Museum", summary_en="Onggi jars of the region.")
    response = client.get(url(), {"q": "onggi", "type": "institutions"})
    assert titles(response) == ["Onggi Village", "Museum", "Workshop"]


def test_words_are_all_required_and_match_related_names_and_kinds(client):
    ceramics = DisciplineFactory(name_en="Ceramics", name_ko="도자공예")
    kiln = InstitutionFactory(name_en="Kiln House", name_ko="가마집")
    kiln.disciplines.add(ceramics)
    InstitutionFactory(name_en="Paper House", name_ko="종이집")
    series = EventSeriesFactory(name_en="Craft Biennale", name_ko="공예비엔날레")
    EventFactory(title_en="Opening night", series=series)
    EventFactory(title_en="Pottery fair", kind="fair")
    assert titles(client.get(url("ko"), {"q": "도자"})) == ["가마집"]
    assert titles(client.get(url(), {"q": "house ceramics"})) == ["Kiln House"]
    assert titles(client.get(url(), {"q": "biennale"})) == ["Opening night"]
    assert titles(client.get(url(), {"q": "market"})) == ["Pottery fair"]


def test_a_misspelt_name_is_found(client):
    CityFactory(name_en="Limoges", name_ko="리모주")
    CityFactory(name_en="Lyon", name_ko="리옹")
    assert titles(client.get(url(), {"q": "Limogse"})) == ["Limoges"]


def test_matches_are_highlighted_and_escaped(client):
    InstitutionFactory(name_en="<b>Bold</b> Clay Studio", summary_en="Clay & glaze.")
    response = client.get(url(), {"q": "clay <script>"})
    assert response.context["total"] == 0  # "<script>" is a word no record has
    response = client.get(url(), {"q": "clay"})
    assert "&lt;b&gt;Bold&lt;/b&gt; <mark>Clay</mark> Studio" in response.text
    assert "<mark>Clay</mark> &amp; glaze." in response.text
    assert "<script>" not in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 101}, "at most 100 characters"),
        ({"q": "!!! ???"}, "has no letters or digits"),
        ({"q": "clay", "type": "everything-else"}, "Choose one of the kinds"),
        ({"q": "\x00"}, ""),
    ],
)
def test_bad_input_gets_a_message_never_a_500(client, params, message):
    response = client.get(url(), params)
    assert response.status_code == 200
    assert message in response.text
    assert "no-store" in response["Cache-Control"]


def test_empty_search_explains_itself_and_is_cacheable(client):
    response = client.get(url("ko"))
    assert response.status_code == 200
    assert "도자" in response.text
    assert "no-store" not in response.get("Cache-Control", "")
    assert "csrfmiddlewaretoken" not in response.text
    assert not response.cookies


@pytest.mark.parametrize("page", ["99", "x", "0", "-1"])
def test_a_page_past_the_end_is_a_404(client, page):
    InstitutionFactory(name_en="Clay House")
    response = client.get(url(), {"q": "clay", "type": "institutions", "page": page})
    assert response.status_code == 404


def test_one_type_is_paginated_with_the_other_counts(client):
    for number in range(25):
        InstitutionFactory(name_en=f"Clay Studio {number}")
    CityFactory(name_en="Clayton")
    response = client.get(url(), {"q": "clay", "type": "institutions", "page": 2})
    assert len(response.context["page_obj"].object_list) == 5
    counts = {section.key: section.total for section in response.context["sections"]}
    assert counts == {"cities": 1, "institutions": 25, "events": 0, "news": 0, "pages": 0}
    overview = client.get(url(), {"q": "clay"})
    assert "type=institutions" in overview.text
    assert reverse("institutions:list") + "?q=clay" in overview.text


def test_the_header_has_a_search_form_on_every_page(client):
    response = client.get(reverse("portal:home"))
    assert f'action="{reverse("portal:search")}"' in response.text
    assert 'for="site-search-q"' in response.text


def grow(count):
    discipline = DisciplineFactory(name_en="Ceramics clay")
    series = EventSeriesFactory(name_en="Clay series")
    for number in range(count):
        city = CityFactory(name_en=f"Claycity {number}")
        venue = InstitutionFactory(city=city, name_en=f"Clay house {number}")
        venue.disciplines.add(discipline)
        EventFactory(title_en=f"Clay days {number}", venue=venue, series=series)
        NewsFactory(title_en=f"Clay news {number}")
        PageFactory(title_en=f"Clay page {number}")


def queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(), params)
    assert response.status_code == 200
    return len(captured)


def test_the_same_few_queries_at_any_size(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    grow(2)
    cases = [{"q": "clay"}, {"q": "clay", "type": "events"}, {"q": "clay ceramics"}]
    small = [queries(client, params) for params in cases]
    grow(30)
    large = [queries(client, params) for params in cases]
    assert small == large
    # One query a type (two for a page of one type: its rows, the others' counts), on
    # PostgreSQL within a transaction with its settings (in a test, a savepoint: set,
    # rolled back to, released).
    assert max(small) <= 11, small


def test_words_and_highlight_helpers():
    assert text_search.words("  (도자)  ,, ceramic!  ") == ["도자", "ceramic"]
    assert text_search.words("!!! ...") == []
    assert len(text_search.words("a b c d e f g h")) == text_search.MAX_WORDS
    assert (
        str(text_search.highlight("도자기 도자", "도자")) == "<mark>도자</mark>기 <mark>도자</mark>"
    )
    assert text_search.excerpt("x" * 300 + " clay " + "y" * 300, "clay").startswith("…")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_postgresql_reads_the_search_indexes():
    InstitutionFactory.create_batch(30)
    with text_search.bounded():
        for text, index in (
            # a substring of the names and short texts joined: trigrams
            ("ceramic", "ts_institutions_institution_search_text"),
            # a short word's start, the same column
            ("도자", "ts_institutions_institution_search_text"),
            ("kiln", "ts_institutions_institution_words"),  # full text (the stored vector)
        ):
            # Not .published(): on 30 rows, its own index would win.
            plan = Institution.objects.search(text).explain()
            assert index in plan, (text, plan)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's columns")
def test_every_searched_table_has_its_search_columns():
    from cities.models import City
    from events.models import Event
    from portal.documents import Document
    from portal.models import News, Page

    for model in (City, Institution, Event, News, Page, Document):
        # Every kind of word: a letter, a word's start, a substring with typos.
        assert list(model.objects.search("a b clay")) == [], model
        assert list(model.objects.search("clayworks")) == [], model


def test_counts_stop_at_the_cap_and_pages_at_the_ranked_best(client, monkeypatch):
    monkeypatch.setattr(text_search, "COUNT_CAP", 3)
    monkeypatch.setattr(text_search, "RANKED", 2)
    InstitutionFactory.create_batch(5, name_en="Clay works")
    response = client.get(url(), {"q": "clay"})
    assert response.context["capped"]
    assert "3 or more results" in response.text
    assert "3 institutions or more" in response.text
    assert "The best 2 results in Institutions" in response.text
    page = client.get(url(), {"q": "clay", "type": "institutions"})
    assert page.context["page_obj"].paginator.count == 2


def test_long_texts_count_while_fewer_than_the_cap_match_elsewhere(monkeypatch):
    from portal import search

    monkeypatch.setattr(text_search, "COUNT_CAP", 3)
    institutions = search.BY_KEY["institutions"]
    InstitutionFactory.create_batch(2, name_en="Clay works")
    InstitutionFactory.create_batch(3, name_en="Studio", description_en="Clay and glaze.")
    # Two match by name, three more by description: counted past the cap.
    rows, total = institutions.ranked("clay", 0, 10)
    assert total == 4
    assert [row.search_tier for row in rows] == [0, 0, 3, 3, 3]
    assert institutions.count("clay") == 4
    InstitutionFactory.create_batch(2, name_en="Clay house")
    # Past the cap by name alone: the descriptions are not needed to say "or more".
    assert institutions.count("clay") == 4
    assert institutions.ranked("clay", 0, 10)[1] == 4


def test_a_search_reads_right_inside_a_subquery():
    from events.models import Event

    venue = InstitutionFactory(name_en="Onggi hall")
    wanted = EventFactory(title_en="Harvest", venue=venue)
    EventFactory(title_en="Onggi fair")
    EventFactory(title_en="Other")
    # The inner query's table has an alias of its own (U0): the words follow it.
    inner = Event.objects.search("harvest onggi").values("pk")
    assert list(Event.objects.filter(pk__in=inner)) == [wanted]


def test_typed_characters_are_words_not_patterns(client):
    InstitutionFactory(name_en="Grade 1%0 Clay", address_en="Kiln_road 5")
    InstitutionFactory(name_en="Grade 1x0 Clay", address_en="Kilnxroad 5")
    assert titles(client.get(url(), {"q": "1%0"})) == ["Grade 1%0 Clay"]
    assert titles(client.get(url(), {"q": "kiln_road"})) == ["Grade 1%0 Clay"]
    assert titles(client.get(url(), {"q": "'); DROP TABLE"})) == []


def test_a_search_that_takes_too_long_gets_a_message(client, monkeypatch):
    from portal import search

    def too_slow(text):
        raise text_search.TooSlow

    monkeypatch.setattr(search, "every_type", too_slow)
    response = client.get(url(), {"q": "clay"})
    assert response.status_code == 200
    assert "took too long" in response.text
    assert "no-store" in response["Cache-Control"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement timeout")
def test_postgresql_cancels_a_slow_search_statement():
    with (
        pytest.raises(text_search.TooSlow),
        text_search.bounded(timeout_ms=1),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT pg_sleep(0.1)")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's settings")
def test_a_search_settings_end_with_it_even_inside_a_transaction():
    names = ("statement_timeout", "enable_seqscan", "enable_indexscan", "jit")

    def current():
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(f"current_setting('{name}')" for name in names))
            return dict(zip(names, cursor.fetchone(), strict=True))

    before = current()  # a test runs inside a transaction, as a caller's may
    with text_search.bounded():
        within = current()
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::interval", [f"{text_search.STATEMENT_TIMEOUT_MS} milliseconds"])
        (timeout,) = cursor.fetchone()
    assert within == {
        "statement_timeout": f"{timeout.total_seconds():g}s",
        "enable_seqscan": "off",
        "enable_indexscan": "off",
        # Discouraged plans cost past JIT's thresholds, and compiling them took
        # longer than the search.
        "jit": "off",
    }
    assert current() == before
    # The page cache's schedule, read after a search on the same page, runs with the
    # database's own settings again.
    assert before["enable_seqscan"] == "on"
