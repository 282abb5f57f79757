"""A series' page: its editions and their figures as server-drawn charts with a table
beside them, the figures' CSV, the link from an edition's page, the admin inline, and
queries that do not grow."""

import csv
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from events.figures import STANDARD_KINDS, FigureKind
from tests.factories import (
    EditionFigureFactory,
    EventFactory,
    EventSeriesFactory,
    FigureKindFactory,
)


def standard_kind(slug):
    """One of the kinds the migration adds (made again after a test that emptied the
    database)."""
    _slug, name_ko, name_en, order = next(kind for kind in STANDARD_KINDS if kind[0] == slug)
    return FigureKind.objects.get_or_create(
        slug=slug, defaults={"name_ko": name_ko, "name_en": name_en, "order": order}
    )[0]


pytestmark = pytest.mark.django_db


@pytest.fixture
def biennale():
    series = EventSeriesFactory(slug="cheongju-craft-biennale", name_en="Cheongju Craft Biennale")
    visitors = standard_kind("visitors")
    countries = standard_kind("countries")
    editions = []
    for year, seen, nations in ((2023, 300_000, 57), (2025, 400_000, 72)):
        edition = EventFactory(
            series=series,
            slug=f"biennale-{year}",
            title_en=f"Biennale {year}",
            start_date=f"{year}-09-01",
            end_date=f"{year}-10-15",
        )
        EditionFigureFactory(event=edition, kind=visitors, value=seen)
        EditionFigureFactory(event=edition, kind=countries, value=nations)
        editions.append(edition)
    return series, editions


def series_url(series, lang="en", name="events:series"):
    with translation.override(lang):
        return reverse(name, kwargs={"slug": series.slug})


def test_the_migration_adds_the_standard_kinds():
    migration = importlib.import_module("events.migrations.0016_figure_kinds")
    FigureKind.objects.all().delete()
    migration.add_kinds(django_apps, None)
    rows = set(FigureKind.objects.values_list("slug", "name_ko", "name_en", "order"))
    assert rows == set(STANDARD_KINDS)


def test_the_series_page_charts_and_tabulates_the_figures(client, biennale):
    series, _editions = biennale
    response = client.get(series_url(series))
    assert response.status_code == 200
    text = response.text
    assert text.count('<svg role="img"') == 2
    assert '<title id="chart-visitors-title">Visitors by edition</title>' in text
    assert "2023: 300,000; 2025: 400,000" in text  # the description
    assert ">400,000</text>" in text  # numbers written, not colour alone
    assert '<th scope="col">Participating countries</th>' in text
    assert text.count('<th scope="row">') == 2
    assert "<caption" in text
    assert "Organiser&#x27;s report" in text or "Organiser's report" in text
    assert "Biennale 2023" in text and "Biennale 2025" in text


def test_a_series_without_figures_lists_its_editions(client):
    series = EventSeriesFactory()
    EventFactory(series=series, title_en="First edition")
    response = client.get(series_url(series))
    assert "First edition" in response.text
    assert "<svg role=" not in response.text


def test_a_draft_series_is_hidden_and_its_draft_editions_too(client, biennale):
    series, editions = biennale
    editions[0].status = "draft"
    editions[0].save()
    response = client.get(series_url(series))
    assert "Biennale 2023" not in response.text
    series.status = "draft"
    series.save()
    assert client.get(series_url(series)).status_code == 404
    assert client.get(series_url(series, name="events:series-figures-csv")).status_code == 404


def test_an_unknown_series_is_a_404(client):
    with translation.override("en"):
        url = reverse("events:series", kwargs={"slug": "nothing"})
    assert client.get(url).status_code == 404


def test_the_csv_is_utf8_with_a_bom_and_safe_from_formulas(client, biennale):
    series, editions = biennale
    EditionFigureFactory(
        event=editions[0],
        kind=FigureKindFactory(slug="artists"),
        value=251,
        source_en='=HYPERLINK("http://evil.example")',
    )
    response = client.get(series_url(series, name="events:series-figures-csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.getvalue()
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][0] == "Edition"
    assert len(rows) == 1 + 5
    sources = [row[7] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example")' in sources
    korean = client.get(series_url(series, "ko", name="events:series-figures-csv"))
    assert "관람객" in korean.getvalue().decode("utf-8-sig")


def test_an_edition_links_to_its_series_page(client, biennale):
    series, editions = biennale
    with translation.override("en"):
        response = client.get(editions[0].get_absolute_url())
    assert f'href="{series_url(series)}"' in response.text


def test_the_event_admin_has_the_figures_inline(client, biennale):
    _series, editions = biennale
    user = User.objects.create_superuser("root", "root@example.org", None)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("admin:events_event_change", args=[editions[0].pk]))
    assert response.status_code == 200
    assert 'name="figures-TOTAL_FORMS"' in response.text


def test_an_event_cannot_take_the_series_address():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        EventFactory.build(slug="series").full_clean()


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_the_series_pages_run_the_same_queries_at_any_size(client, biennale, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    series, _editions = biennale
    urls = [series_url(series), series_url(series, name="events:series-figures-csv")]
    small = [queries(client, url) for url in urls]
    for number in range(20):
        edition = EventFactory(
            series=series, start_date=f"{1990 + number}-05-01", end_date=f"{1990 + number}-05-09"
        )
        EditionFigureFactory(event=edition, kind=standard_kind("visitors"))
        EditionFigureFactory(event=edition, kind=FigureKindFactory())
    assert [queries(client, url) for url in urls] == small
