"""A partner city's profile: what it is, its ties with the home city, and one sentence
when nothing is recorded yet."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from cities.models import PartnershipKind
from portal.blocks.fields import DatePrecision
from tests.cities.test_pages import count_queries
from tests.factories import CityFactory, EventFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

DEFINITION_EN = "Joint events are the events that came out of these partnerships"
DEFINITION_KO = "공동 행사는 이 협력 관계에서 나온 행사로"


def url(slug, lang="en"):
    with translation.override(lang):
        return reverse("cities:detail", kwargs={"slug": slug})


@pytest.fixture
def home():
    return CityFactory(slug="cheongju", name_ko="청주", name_en="Cheongju", is_home=True)


@pytest.fixture
def kanazawa(home):
    city = CityFactory(
        slug="kanazawa",
        name_ko="가나자와",
        name_en="Kanazawa",
        country="JP",
        description_en="A city of **crafts**.",
        description_ko="**공예**의 도시입니다.",
        sub_disciplines_en="lacquer, gold leaf, ceramics",
        sub_disciplines_ko="옻칠, 금박, 도자",
        website="https://www.city.kanazawa.ishikawa.jp/",
        focal_point_en="Creative City Promotion Office",
        focal_point_ko="창의도시추진실",
        contact_email="creative@example.org",
    )
    PartnershipFactory(
        city=home,
        partner=city,
        kind=PartnershipKind.MOU,
        title_en="Craft exchange agreement",
        title_ko="공예 교류 협약",
        start_date=datetime.date(2025, 11, 1),
        start_precision=DatePrecision.MONTH,
    )
    visit = PartnershipFactory(
        city=city,
        partner=home,
        kind=PartnershipKind.EXCHANGE_VISIT,
        title_en="Delegation visit",
        title_ko="대표단 방문",
        start_date=datetime.date(2026, 3, 10),
        end_date=datetime.date(2026, 3, 12),
    )
    EventFactory(title_en="Joint lacquer workshop").partnerships.add(visit)
    return city


def test_a_partner_profile_says_what_the_city_is_and_how_to_reach_it(client, kanazawa):
    text = client.get(url("kanazawa")).text
    assert "A city of <strong>crafts</strong>." in text
    assert '<a href="https://www.city.kanazawa.ishikawa.jp/" rel="noopener">' in text
    assert (
        "<dt>Focal point</dt><dd>Creative City Promotion Office<br>"
        '<a href="mailto:creative@example.org">creative@example.org</a></dd>'
    ) in text
    assert "<dt>Sub-disciplines</dt><dd>lacquer, gold leaf, ceramics</dd>" in text
    korean = client.get(url("kanazawa", "ko")).text
    assert "<dt>세부 분야</dt><dd>옻칠, 금박, 도자</dd>" in korean
    assert "<dd>공예와 민속예술</dd>" in korean


def test_a_partner_profile_lists_its_agreements_and_visits_with_the_home_city(client, kanazawa):
    text = client.get(url("kanazawa")).text
    assert '<h2 id="partnerships-heading">Partnerships with Cheongju</h2>' in text
    assert "Memorandum of understanding" in text and "Exchange visit" in text
    assert '<time datetime="2025-11">Nov 2025</time>' in text
    assert '<time datetime="2026-03-10">10 Mar 2026</time>' in text
    assert '<time datetime="2026-03-12">12 Mar 2026</time>' in text
    assert DEFINITION_EN in text and "Joint lacquer workshop" in text
    korean = client.get(url("kanazawa", "ko")).text
    assert '<h2 id="partnerships-heading">청주와(과)의 협력 관계</h2>' in korean
    assert DEFINITION_KO in korean


def test_the_home_citys_own_profile_keeps_the_plain_heading(client, kanazawa):
    text = client.get(url("cheongju")).text
    assert '<h2 id="partnerships-heading">Partnerships</h2>' in text
    assert "Kanazawa" in text


def test_a_partner_with_nothing_recorded_says_so_in_one_sentence(client, home):
    CityFactory(slug="aswan", name_en="Aswan", name_ko="아스완", country="EG", description_en="")
    text = client.get(url("aswan")).text
    assert "No partnership or joint event with Cheongju has been recorded yet." in text
    assert 'class="empty"' not in text
    assert "partnerships-heading" not in text and "events-heading" not in text
    assert DEFINITION_EN not in text
    korean = client.get(url("aswan", "ko")).text
    assert "청주와(과)의 협력 관계나 공동 행사는 아직 등록되지 않았습니다." in korean


def test_a_partner_without_partnerships_still_lists_its_own_events(client, home):
    EventFactory(city=CityFactory(slug="aswan", name_en="Aswan"), title_en="Nile fair")
    text = client.get(url("aswan")).text
    assert "Events in Aswan" in text and "Nile fair" in text
    assert text.count("has been recorded yet") == 1


def test_a_home_city_name_only_in_english_keeps_its_language(client, home):
    home.name_ko = ""
    home.save()
    CityFactory(slug="aswan")
    korean = client.get(url("aswan", "ko")).text
    assert '<span lang="en">Cheongju</span>와(과)의 협력 관계나' in korean


@pytest.mark.parametrize("with_partnerships", [True, False])
def test_partner_profile_queries_do_not_grow(client, home, with_partnerships):
    city = CityFactory(slug="partner")

    def add(count):
        for _ in range(count):
            if with_partnerships:
                partnership = PartnershipFactory(city=home, partner=city)
                EventFactory().partnerships.add(partnership)
            EventFactory(city=city)

    add(2)
    small = count_queries(client, url("partner"))
    add(30)
    assert count_queries(client, url("partner")) == small
