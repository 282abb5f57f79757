import re

import pytest

from institutions import demo
from institutions.models import Discipline, Institution
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities():
    # The cities app's demo creates these first (load_demo runs it before ours).
    return (
        CityFactory(slug="icheon", name_en="Icheon", name_ko="이천"),
        CityFactory(slug="cheongju", name_en="Cheongju", name_ko="청주"),
    )


def snapshot():
    return [
        (
            i.slug,
            i.updated_at,
            i.history.count(),
            sorted(i.disciplines.values_list("slug", flat=True)),
        )
        for i in Institution.objects.order_by("slug")
    ]


def load(home="icheon", log=lambda message: None):
    demo.load(home=home, log=log)


def test_demo_loads_the_seed_institutions(cities):
    icheon, cheongju = cities
    messages = []
    load(log=messages.append)
    assert Institution.objects.filter(city=icheon).count() == 4
    assert Institution.objects.filter(city=cheongju).count() == 3
    # The directory is the home city's: the sheet's other rows stay drafts.
    assert set(Institution.objects.published().values_list("city", flat=True)) == {icheon.pk}

    foundation = Institution.objects.get(slug="korea-ceramic-foundation")
    assert (foundation.name_en, foundation.name_ko) == ("Korea Ceramic Foundation", "한국도자재단")
    assert foundation.phone.as_e164 == "+82316456501"
    assert foundation.homepage == "https://www.kocef.org"
    assert foundation.kind == "foundation"
    assert "Seolbong Park" in foundation.description_en and "설봉공원" in foundation.description_ko
    assert foundation.address_ko == "경기도 이천시 경충대로2697번길 263"

    kicet = Institution.objects.get(slug="kicet-icheon-branch")
    assert kicet.homepage == "https://www.kicet.re.kr/english.web"
    assert kicet.phone.as_e164 == "+82316451400"
    assert kicet.kind == "research"
    assert Institution.objects.get(slug="korea-ceramic-art-high-school").founded_year == 2002
    assert Institution.objects.get(slug="icheon-ceramics-cooperative").kind == "cooperative"

    factory = Institution.objects.get(slug="culture-factory")
    assert factory.name_ko == "문화제조창" and factory.has_coordinates
    # No phone numbers are made up for the Cheongju organisations.
    assert not Institution.objects.filter(city=cheongju).exclude(phone="").exists()
    assert set(Discipline.objects.values_list("slug", flat=True)) >= {"ceramics", "hanji"}
    assert "7 new" in messages[-1]


HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_every_institution_in_korea_has_a_korean_address(cities):
    load()
    institutions = Institution.objects.filter(city__country="KR")
    assert institutions.count() == 7
    for institution in institutions:
        assert HANGUL.search(institution.address_ko), institution.slug
        assert institution.address_en, institution.slug
        assert institution.description_ko, institution.slug


def test_demo_is_idempotent(cities):
    load()
    before = snapshot()
    messages = []
    load(log=messages.append)
    assert snapshot() == before
    assert "0 new, 0 updated, 7 unchanged; 0 published or withdrawn" in messages[-1]


def test_another_home_city_publishes_its_own_and_withdraws_the_others(cities):
    icheon, cheongju = cities
    load()
    messages = []
    load(home="cheongju", log=messages.append)
    assert set(Institution.objects.published().values_list("city", flat=True)) == {cheongju.pk}
    assert Institution.objects.filter(city=icheon, status="draft").count() == 4
    assert "7 published or withdrawn" in messages[-1]


def test_demo_without_its_cities_fails_with_a_message():
    with pytest.raises(demo.DemoDataError, match="not a city in the network"):
        load()
    assert not Institution.objects.exists()
