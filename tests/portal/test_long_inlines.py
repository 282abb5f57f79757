"""Long inlines show their first five records and link to the rest (a biennale's
programme, the home city's partnerships and milestones)."""

import datetime

import pytest
from django.urls import reverse

from events.models import Event
from tests.factories import CityFactory, EventFactory, MilestoneFactory, PartnershipFactory
from tests.portal.admin_helpers import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def biennale():
    start = datetime.date(2027, 9, 1)
    edition = EventFactory(start_date=start, end_date=start + datetime.timedelta(days=40))
    for day in range(14):
        EventFactory(
            parent=edition,
            start_date=start + datetime.timedelta(days=day),
            end_date=start + datetime.timedelta(days=day),
        )
    return edition


def test_a_long_programme_shows_ten_items_and_links_to_all(admin_client, biennale):
    url = reverse("admin:events_event_change", args=[biennale.pk])
    page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    formset = page.context["inline_admin_formsets"][0].formset
    assert len(formset.initial_forms) == formset.limit == 4
    assert formset.total_count == 14
    see_all = formset.see_all_url()
    assert see_all in page.text.replace("&amp;", "&")
    assert "See all 14" in page.text
    listing = admin_client.get(see_all)
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 14

    # Saving the page as shown changes nothing of the items not shown.
    response = admin_client.post(url, change_form_data(page))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Event.objects.filter(parent=biennale).count() == 14


def test_the_home_citys_partnerships_and_milestones_are_capped(admin_client):
    home = CityFactory(is_home=True)
    for _ in range(12):
        PartnershipFactory(city=home, partner=CityFactory())
        MilestoneFactory(city=home)
    page = admin_client.get(
        reverse("admin:cities_city_change", args=[home.pk]), HTTP_ACCEPT_LANGUAGE="ko"
    )
    formsets = [
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if hasattr(inline.formset, "see_all_url")  # the partnerships and the milestones
    ]
    assert [len(formset.initial_forms) for formset in formsets] == [5, 5]
    for formset in formsets:
        assert admin_client.get(formset.see_all_url()).context["cl"].result_count == 12


def test_a_short_inline_has_no_link(admin_client):
    edition = EventFactory()
    page = admin_client.get(reverse("admin:events_event_change", args=[edition.pk]))
    assert "first-items-more" not in page.text
