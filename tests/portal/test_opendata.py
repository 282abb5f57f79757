"""Open-data downloads: the festival standard's columns, UTF-8 with a byte-order mark,
Korean that survives the round trip, the list's filters, nothing unpublished, formulas
neutralised, the licence, a row cap, and the same queries at any size."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import cities.opendata
import events.opendata
from events.opendata import FESTIVAL_COLUMNS
from portal.blocks.gallery import Licence
from portal.blocks.publishing import PublicationStatus
from tests.factories import (
    CityFactory,
    DisciplineFactory,
    EventFactory,
    InstitutionFactory,
    SiteIdentityFactory,
)

pytestmark = pytest.mark.django_db

EVENTS_CSV = "/ko/open-data/events.csv"
EVENTS_JSON = "/ko/open-data/events.json"
INSTITUTIONS_CSV = "/ko/open-data/institutions.csv"
CITIES_CSV = "/en/open-data/cities.csv"


def body(response):
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel on Korean Windows reads it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def records(rows):
    header, *rest = rows
    return [dict(zip(header, row, strict=True)) for row in rest]


@pytest.fixture
def festival():
    today = timezone.localdate()
    city = CityFactory(slug="cheongju", name_ko="청주", name_en="Cheongju")
    venue = InstitutionFactory(
        slug="culture-factory",
        name_ko="문화제조창",
        name_en="Culture Factory",
        address_ko="충청북도 청주시 청원구 상당로 314",
        latitude=Decimal("36.650000"),
        longitude=Decimal("127.488000"),
        city=city,
    )
    organiser = InstitutionFactory(slug="biennale-office", name_ko="청주공예비엔날레 조직위원회")
    hidden_organiser = InstitutionFactory(
        slug="hidden-office", name_ko="숨은 기관", status=PublicationStatus.DRAFT
    )
    event = EventFactory(
        slug="craft-biennale",
        title_ko="청주공예비엔날레",
        title_en="Cheongju Craft Biennale",
        summary_ko="공예의 모든 것",
        kind="biennale",
        start_date=today + datetime.timedelta(days=3),
        end_date=today + datetime.timedelta(days=40),
        venue=venue,
        city=city,
        admission_free=True,
        registration_url="https://example.org/register",
    )
    event.organisers.add(organiser, hidden_organiser)
    return event


def test_events_in_the_festival_standard_columns(client, festival):
    rows = csv_rows(client, EVENTS_CSV)
    assert tuple(rows[0]) == FESTIVAL_COLUMNS
    [row] = records(rows)
    assert row["축제명"] == "청주공예비엔날레"
    assert row["개최장소"] == "문화제조창"
    assert row["축제시작일자"] == festival.start_date.isoformat()
    assert row["축제종료일자"] == festival.end_date.isoformat()
    assert row["축제내용"] == "공예의 모든 것"
    assert row["주최기관명"] == "청주공예비엔날레 조직위원회"  # the draft organiser unnamed
    assert row["주관기관명"] == row["후원기관명"] == row["전화번호"] == row["소재지지번주소"] == ""
    assert row["홈페이지주소"] == "http://testserver/ko/events/craft-biennale/"
    assert "https://example.org/register" in row["관련정보"]
    assert row["소재지도로명주소"] == "충청북도 청주시 청원구 상당로 314"
    assert (row["위도"], row["경도"]) == ("36.650000", "127.488000")
    assert row["데이터기준일자"] == timezone.localdate(festival.updated_at).isoformat()


def test_english_values_under_the_english_address(client, festival):
    [row] = records(csv_rows(client, EVENTS_CSV.replace("/ko/", "/en/")))
    assert row["축제명"] == "Cheongju Craft Biennale"
    assert row["개최장소"] == "Culture Factory"


def test_the_same_rows_as_json_with_the_licence(client, festival):
    response = client.get(EVENTS_JSON)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(body(response).decode("utf-8"))
    assert [field["id"] for field in data["fields"]] == list(FESTIVAL_COLUMNS)
    [record] = data["records"]
    assert record["축제명"] == "청주공예비엔날레"
    assert data["license"]["id"] == "kogl-1"
    assert data["license"]["url"] == "https://www.kogl.or.kr/info/licenseType1.do"
    assert response["Link"] == '<https://www.kogl.or.kr/info/licenseType1.do>; rel="license"'


def test_the_licence_the_office_chose(client, festival):
    SiteIdentityFactory(open_data_licence=Licence.CC_BY)
    response = client.get(EVENTS_CSV)
    body(response)
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    data = json.loads(body(client.get(EVENTS_JSON)))
    assert data["license"]["id"] == "cc-by"
    page = client.get("/en/open-data/").content.decode()
    assert "https://creativecommons.org/licenses/by/4.0/" in page
    assert "/api/v1/" in page


def test_korean_text_round_trips_and_formulas_stay_text(client, festival):
    EventFactory(slug="formula", title_ko='=HYPERLINK("http://evil")', summary_ko="@SUM(1)")
    EventFactory(slug="minus", title_ko='-2 도자기 🏺 ‘따옴표’, "쉼표"')
    by_page = {
        row["홈페이지주소"].rsplit("/", 2)[-2]: row for row in records(csv_rows(client, EVENTS_CSV))
    }
    assert by_page["formula"]["축제명"] == '\'=HYPERLINK("http://evil")'
    assert by_page["formula"]["축제내용"] == "'@SUM(1)"
    assert by_page["minus"]["축제명"] == '\'-2 도자기 🏺 ‘따옴표’, "쉼표"'
    # Numbers are numbers: a western longitude keeps its sign.
    InstitutionFactory(slug="west", latitude=Decimal("45.5"), longitude=Decimal("-73.5"))
    west = next(row for row in csv_rows(client, INSTITUTIONS_CSV)[1:] if row[0] == "west")
    assert "-73.500000" in west


def test_downloads_follow_the_list_filters(client, festival):
    EventFactory(slug="workshop", kind="workshop", title_ko="공방 체험")
    past = timezone.localdate() - datetime.timedelta(days=30)
    EventFactory(slug="old-fair", kind="fair", start_date=past, end_date=past)
    names = lambda path: [row["축제명"] for row in records(csv_rows(client, path))]  # noqa: E731
    # As the list: what is on now and next unless a period is chosen.
    assert sorted(names(EVENTS_CSV)) == sorted(["청주공예비엔날레", "공방 체험"])
    assert names(EVENTS_CSV + "?kind=workshop") == ["공방 체험"]
    assert names(EVENTS_CSV + "?venue=culture-factory") == ["청주공예비엔날레"]
    assert len(names(EVENTS_CSV + "?when=all")) == 3
    assert names(EVENTS_CSV + "?when=past") == [names(EVENTS_CSV + "?when=past")[0]]


def test_invalid_filters_are_a_clear_400(client, festival):
    for path in (
        EVENTS_CSV + "?start=not-a-date",
        EVENTS_JSON + "?venue=no-such-venue",
        INSTITUTIONS_CSV + "?kind=castle",
        CITIES_CSV + "?year=abc",
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert ":" in response.content.decode()


def test_nothing_unpublished(client, festival):
    later = timezone.now() + datetime.timedelta(days=1)
    draft_city = CityFactory(slug="hidden-city", name_ko="숨은도시", status=PublicationStatus.DRAFT)
    draft_venue = InstitutionFactory(
        slug="hidden-venue", name_ko="숨은장소", status=PublicationStatus.DRAFT
    )
    EventFactory(slug="draft-event", title_ko="초안 행사", status=PublicationStatus.DRAFT)
    EventFactory(slug="later-event", title_ko="예약 행사", publish_at=later)
    EventFactory(slug="at-hidden", title_ko="공개 행사", venue=draft_venue, place_ko="")
    InstitutionFactory(slug="in-hidden-city", name_ko="숨은도시 기관", city=draft_city)
    InstitutionFactory(slug="later-institution", name_ko="예약 기관", publish_at=later)
    CityFactory(slug="later-city", name_ko="예약도시", publish_at=later)
    everything = b"".join(
        body(client.get(path))
        for path in (
            EVENTS_CSV + "?when=all",
            EVENTS_JSON + "?when=all",
            INSTITUTIONS_CSV,
            CITIES_CSV,
        )
    ).decode("utf-8-sig", errors="replace")
    for hidden in (
        "초안 행사",
        "예약 행사",
        "숨은장소",
        "숨은 기관",
        "숨은도시,",
        "예약 기관",
        "예약도시",
        "Hidden",
    ):
        assert hidden not in everything, hidden
    # The institution of an unpublished city is listed, its city unnamed (as on its page).
    [row] = [
        r for r in records(csv_rows(client, INSTITUTIONS_CSV)) if "숨은도시 기관" in r.values()
    ]
    assert "숨은도시" not in [value for value in row.values() if value != "숨은도시 기관"]


def test_institutions_and_cities(client):
    ceramics = DisciplineFactory(slug="ceramics", name_ko="도자", name_en="Ceramics")
    city = CityFactory(slug="icheon", name_ko="이천", name_en="Icheon", creative_field="crafts")
    CityFactory(slug="lyon", name_en="Lyon", creative_field="literature")
    museum = InstitutionFactory(slug="museum", name_ko="도자 박물관", kind="museum", city=city)
    museum.disciplines.add(ceramics)
    InstitutionFactory(slug="school", name_ko="도예 학교", kind="school", city=city)
    rows = csv_rows(client, INSTITUTIONS_CSV + "?kind=museum")
    [row] = records(rows)
    assert row["이름"] == "도자 박물관"
    assert row["분야"] == "도자"
    assert row["도시"] == "이천"
    assert row["이 사이트의 페이지"] == "http://testserver/ko/institutions/museum/"
    cities_rows = records(csv_rows(client, CITIES_CSV + "?field=crafts"))
    assert [(r["Identifier"], r["Name"], r["Country code (ISO 3166)"]) for r in cities_rows] == [
        ("icheon", "Icheon", "KR")
    ]


def test_a_download_holds_at_most_the_row_limit(client, monkeypatch):
    monkeypatch.setattr(events.opendata, "ROW_LIMIT", 2)
    monkeypatch.setattr(cities.opendata, "ROW_LIMIT", 2)
    for number in range(4):
        EventFactory(slug=f"event-{number}")
        CityFactory(slug=f"city-{number}")
    assert len(records(csv_rows(client, EVENTS_CSV + "?when=all"))) == 2
    assert len(records(csv_rows(client, CITIES_CSV))) == 2


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        assert response.status_code == 200
        if response.streaming:
            body(response)
    return len(captured)


def grow(count):
    discipline = DisciplineFactory()
    for _ in range(count):
        city = CityFactory()
        venue = InstitutionFactory(city=city)
        venue.disciplines.add(discipline)
        event = EventFactory(city=city, venue=venue)
        event.organisers.add(venue, InstitutionFactory(city=city))


def test_the_same_queries_at_any_size(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    paths = [
        EVENTS_CSV + "?when=all",
        EVENTS_JSON + "?kind=festival",
        INSTITUTIONS_CSV,
        CITIES_CSV + "?field=crafts",
        "/ko/open-data/",
    ]
    grow(2)
    small = {path: queries(client, path) for path in paths}
    grow(25)
    large = {path: queries(client, path) for path in paths}
    assert small == large
    assert max(small.values()) <= 6, small
