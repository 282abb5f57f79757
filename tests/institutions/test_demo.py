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


def test_demo_loads_the_seed_institutions(cities):
    icheon, cheongju = cities
    messages = []
    demo.load(log=messages.append)
    assert Institution.objects.published().count() == 7
    assert Institution.objects.filter(city=icheon).count() == 4
    assert Institution.objects.filter(city=cheongju).count() == 3

    foundation = Institution.objects.get(slug="korea-ceramic-foundation")
    assert (foundation.name_en, foundation.name_ko) == ("Korea Ceramic Foundation", "한국도자재단")
    assert foundation.phone.as_e164 == "+82316456501"
    assert foundation.homepage == "https://www.kocef.org"
    assert foundation.kind == "foundation"
    assert "Seolbong Park" in foundation.description_en

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


def test_demo_is_idempotent(cities):
    demo.load(log=lambda message: None)
    before = snapshot()
    messages = []
    demo.load(log=messages.append)
    assert snapshot() == before
    assert "0 new, 0 updated, 7 unchanged" in messages[-1]


def test_demo_without_its_cities_fails_with_a_message():
    with pytest.raises(demo.DemoDataError, match="not a city in the network"):
        demo.load(log=lambda message: None)
    assert not Institution.objects.exists()
