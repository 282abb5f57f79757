"""A partner city's correction journey in a real browser, on a phone and a laptop, in
both languages, axe-clean; then an Editor's review, accepting some of it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cities.corrections import ProfileInvitation, ProfileProposal, ProposalState
from cities.models import City
from portal.blocks.publishing import PublicationStatus
from portal.blocks.roles import EDITOR, sync_roles
from tests.browser.staff import PASSWORD, log_in
from tests.factories import CityFactory
from tests.portal.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invitation():
    CityFactory(slug="icheon", name_en="Icheon", name_ko="이천", is_home=True)
    city = CityFactory(
        slug="limoges",
        name_en="Limoges",
        name_ko="리모주",
        country="FR",
        description_en="Porcelain city.",
        description_ko="도자기 도시.",
        status=PublicationStatus.DRAFT,
        publish_at=None,
    )
    return ProfileInvitation.objects.create(
        city=city, recipient_name="Office of Limoges", recipient_email="office@limoges.example"
    )


@pytest.mark.parametrize("width", [390, 1366])
def test_a_partner_corrects_its_profile(new_page, live_server, axe, invitation, width, tmp_path):
    page = new_page("en-GB")
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 768})
    page.goto(live_server.url + invitation.path("en"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check the profile of Limoges"
    assert page.locator("#id_description_ko").input_value() == "도자기 도시."
    assert axe(page) == []
    # Nothing scrolls sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # A wrong answer: the error is announced and linked to its field.
    page.fill("#id_website", "not a web address")
    page.get_by_role("button", name="Send to the office").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert page.locator("#id_website").get_attribute("aria-invalid") == "true"
    assert axe(page) == []

    page.fill("#id_website", "https://www.limoges.fr/")
    page.fill("#id_description_en", "Limoges: porcelain since 1771.")
    photo = tmp_path / "view.jpg"
    photo.write_bytes(image_bytes(size=(900, 600)))
    page.set_input_files("#id_image", str(photo))
    page.fill("#id_image_alt_en", "Porcelain kilns of Limoges")
    page.select_option("#id_exchange-0-kind", "exchange_visit")
    page.fill("#id_exchange-0-date", "2026-05-12")
    page.fill("#id_exchange-0-title_en", "Ceramists' visit")
    page.check("#id_confirmed")
    page.get_by_role("button", name="Send to the office").click()
    page.wait_for_url("**?sent=1")
    assert page.get_by_role("status").filter(has_text="received your proposal").is_visible()
    assert axe(page) == []
    proposal = ProfileProposal.objects.get()
    assert proposal.values["description_en"] == "Limoges: porcelain since 1771."
    assert proposal.image and proposal.exchanges[0]["title_en"] == "Ceramists' visit"

    # The same page in Korean, for the partner's colleagues.
    page.get_by_role("link", name="한국어").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.get_by_role("heading", name="이 링크로 보낸 제안").is_visible()
    assert axe(page) == []


def test_an_editor_reviews_and_accepts_some_fields(new_page, live_server, axe, invitation):
    sync_roles()
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.create_user(
        "editor", "editor@example.org", PASSWORD, is_staff=True
    )
    editor.groups.add(Group.objects.get(name=EDITOR))
    partner = new_page("en-GB")
    partner.goto(live_server.url + invitation.path("en"))
    partner.fill("#id_summary_en", "The city of porcelain.")
    partner.fill("#id_website", "https://wrong.example/")
    partner.get_by_role("button", name="Send to the office").click()
    partner.wait_for_url("**?sent=1")

    page = new_page("en-GB")
    log_in(page, live_server, "editor")
    page.get_by_role("link", name="1 correction proposed by a partner city waits").click()
    page.get_by_role("link", name="Limoges").first.click()
    table = page.locator("#revision-differences")
    assert table.get_by_role("cell", name="The city of porcelain.").is_visible()
    assert table.get_by_role("cell", name="https://wrong.example/").is_visible()
    assert axe(page) == []
    page.get_by_role("checkbox", name="Accept: Website").uncheck()
    page.get_by_role("button", name="Apply the ticked rows, leave out the others").click()
    page.wait_for_load_state()
    assert page.get_by_text("the accepted changes are saved to the profile").is_visible()
    city = City.objects.get(slug="limoges")
    assert city.summary_en == "The city of porcelain." and city.website == ""
    assert city.confirmed_by_city is not None
    assert ProfileProposal.objects.get().state == ProposalState.PARTLY
    page.goto(live_server.url + reverse("admin:cities_city_history", args=[city.pk]))
    assert page.get_by_text("Correction proposed by Limoges").first.is_visible()
