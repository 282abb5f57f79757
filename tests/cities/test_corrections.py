"""A partner city corrects its own profile through a link staff send it; an Editor
accepts some of it; the site changes only then, through the normal workflow."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from cities import correction_views
from cities.corrections import (
    SALT,
    Decision,
    InvitationStep,
    ProfileInvitation,
    ProfileProposal,
    ProposalState,
    decide,
)
from cities.models import City, Partnership, PartnershipKind
from portal.blocks.publishing import PublicationStatus
from portal.blocks.revisions import RevisionState, approve
from portal.blocks.roles import EDITOR, PUBLISHER
from tests.factories import CityFactory
from tests.portal.admin_helpers import change_form_data, make_staff_user
from tests.portal.images import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return make_staff_user(django_user_model, EDITOR)


@pytest.fixture
def publisher(django_user_model):
    return make_staff_user(django_user_model, PUBLISHER)


@pytest.fixture
def home():
    return CityFactory(slug="cheongju", name_en="Cheongju", name_ko="청주", is_home=True)


@pytest.fixture
def city(home):
    return CityFactory(
        slug="limoges",
        name_en="Limoges",
        name_ko="리모주",
        country="FR",
        description_en="Porcelain city.",
        description_ko="도자기 도시.",
        website="https://www.limoges.fr/",
        status=PublicationStatus.DRAFT,
        publish_at=None,
    )


@pytest.fixture
def invitation(city, editor):
    return ProfileInvitation.objects.create(
        city=city, recipient_name="Office of Limoges", recipient_email="unesco@limoges.example"
    )


def link(invitation, lang="en"):
    return invitation.path(lang)


def form_data(client, url, **changes):
    """What the page's form sends back unchanged, with ``changes``."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "image"}
    data["confirmed"] = ""
    exchanges = response.context["exchanges"]
    data.update(
        {f"exchange-{key}": value for key, value in exchanges.management_form.initial.items()}
    )
    data = {key: value for key, value in data.items() if value is not None and value is not False}
    data.update(changes)
    return data


def test_the_link_shows_the_profile_in_both_languages_and_records_the_opening(client, invitation):
    for lang in ("en", "ko"):
        response = client.get(link(invitation, lang))
        assert response.status_code == 200
        text = response.content.decode()
        assert "Porcelain city." in text and "도자기 도시." in text
        assert 'lang="ko"' in text and 'name="csrfmiddlewaretoken"' in text
        assert "noindex" in text
        assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]
    # Opened twice in a row: one step in the audit trail.
    assert invitation.events.filter(step=InvitationStep.OPENED).count() == 1


def test_an_expired_link_is_refused(client, invitation):
    invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    invitation.save()
    response = client.get(link(invitation))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_tampered_link_is_refused(client, invitation, city):
    token = invitation.token()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "garbage", "1.x:y", f"{invitation.pk}.wrongkey"):
        url = reverse("cities:check-profile", kwargs={"slug": city.slug, "token": bad})
        response = client.get(url)
        assert response.status_code == 404, bad
        assert "not valid" in response.content.decode()
    # Signed correctly but with another key: still refused.
    forged = signing.Signer(salt=SALT).sign(f"{invitation.pk}.not-the-key")
    url = reverse("cities:check-profile", kwargs={"slug": city.slug, "token": forged})
    assert client.get(url).status_code == 404


def test_a_revoked_link_is_refused(client, invitation, editor):
    assert invitation.revoke(editor)
    assert not invitation.revoke(editor)  # once
    response = client.get(link(invitation))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert invitation.events.filter(step=InvitationStep.REVOKED, user=editor).count() == 1


def test_a_link_works_only_for_its_own_city(client, invitation):
    other = CityFactory(slug="jingdezhen")
    with translation.override("en"):
        url = reverse(
            "cities:check-profile", kwargs={"slug": other.slug, "token": invitation.token()}
        )
    response = client.get(url)
    assert response.status_code == 404
    assert "another city" in response.content.decode()


def test_a_proposal_changes_nothing_by_itself(client, invitation, city):
    url = link(invitation)
    data = form_data(
        client,
        url,
        description_en="Limoges: porcelain since 1771.",
        focal_point_en="Culture office",
    )
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    proposal = ProfileProposal.objects.get()
    assert proposal.state == ProposalState.PENDING
    assert proposal.values == {
        "description_en": "Limoges: porcelain since 1771.",
        "focal_point_en": "Culture office",
    }
    city.refresh_from_db()
    assert city.description_en == "Porcelain city."
    assert city.confirmed_by_city is None
    assert invitation.events.filter(step=InvitationStep.PROPOSED, proposal=proposal).exists()
    assert "received your proposal" in client.get(response["Location"]).content.decode()


def test_the_same_form_sent_twice_is_one_proposal(client, invitation):
    url = link(invitation)
    data = form_data(client, url, summary_en="Corrected summary.")
    assert client.post(url, data)["Location"].endswith("?sent=1")
    again = client.post(url, data)
    assert again["Location"].endswith("?sent=again")
    assert ProfileProposal.objects.count() == 1
    assert "already been sent" in client.get(again["Location"]).content.decode()


def test_nothing_to_send_is_a_clear_message(client, invitation):
    url = link(invitation)
    response = client.post(url, form_data(client, url))
    assert response.status_code == 200
    assert "Nothing to send" in response.content.decode()
    assert not ProfileProposal.objects.exists()


def test_garbage_gets_messages_never_a_500(client, invitation):
    url = link(invitation)
    data = form_data(
        client,
        url,
        website="not a web address",
        contact_email="nobody",
        **{
            "exchange-0-kind": "alien",
            "exchange-0-date": "31/31/2031",
            "exchange-TOTAL_FORMS": "x",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'role="alert"' in text
    assert not ProfileProposal.objects.exists()
    data = form_data(client, url, **{"exchange-0-kind": "mou", "exchange-0-date": "1200-01-01"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "between 1950" in response.content.decode()
    assert "Give a title" in response.content.decode()


def test_a_script_renamed_jpg_is_refused(client, invitation):
    url = link(invitation)
    data = form_data(client, url, image_alt_en="A view")
    data["image"] = upload(b"<script>alert(1)</script>", name="city.jpg")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "not a valid JPEG, PNG or WebP image" in response.content.decode()
    assert not ProfileProposal.objects.exists()


def test_a_huge_file_is_refused(client, invitation, settings):
    url = link(invitation)
    settings.IMAGE_MAX_BYTES = 2000
    data = form_data(client, url, image_alt_en="A view")
    data["image"] = upload(image_bytes(size=(1200, 800)))
    response = client.post(url, data)
    assert response.status_code == 200
    assert "too large" in response.content.decode()
    # A body far beyond any image is refused before it is read.
    data["image"] = upload(b"\xff" * (2000 + 3 * 1024 * 1024))
    response = client.post(url, data)
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not ProfileProposal.objects.exists()


def test_an_image_needs_a_description(client, invitation):
    url = link(invitation)
    data = form_data(client, url)
    data["image"] = upload(image_bytes())
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Describe the new image" in response.content.decode()


def test_requests_are_limited_per_link_and_per_address(client, invitation, monkeypatch):
    monkeypatch.setattr(correction_views, "REQUESTS_PER_LINK", 3)
    url = link(invitation)
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    monkeypatch.setattr(correction_views, "REQUESTS_PER_LINK", 1000)
    monkeypatch.setattr(correction_views, "REQUESTS_PER_ADDRESS", 2)
    other = Client(REMOTE_ADDR="198.51.100.7")
    # Guessing links from one address is stopped too, valid link or not.
    assert other.get(url).status_code == 200
    assert other.get(url[:-2] + "~/").status_code == 404
    assert other.get(url).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.8").get(url).status_code == 200


def propose(client, invitation, image=False, **changes):
    url = link(invitation)
    data = form_data(client, url, **changes)
    if image:
        data["image"] = upload(image_bytes(size=(900, 600)))
    assert client.post(url, data).status_code == 302
    return ProfileProposal.objects.latest("submitted_at")


def test_an_editor_accepts_some_fields_of_a_draft_city(client, invitation, city, editor, home):
    proposal = propose(
        client,
        invitation,
        description_en="Limoges: porcelain since 1771.",
        website="https://wrong.example/",
        **{
            "exchange-0-kind": PartnershipKind.EXCHANGE_VISIT,
            "exchange-0-date": "2026-05-12",
            "exchange-0-title_en": "Ceramists' visit to Cheongju",
        },
    )
    decide(proposal, editor, {"description_en", "exchange-0"})
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PARTLY
    assert proposal.decisions == {
        "description_en": Decision.ACCEPTED,
        "website": Decision.REJECTED,
        "exchange-0": Decision.ACCEPTED,
    }
    city.refresh_from_db()
    assert city.description_en == "Limoges: porcelain since 1771."
    assert city.website == "https://www.limoges.fr/"
    assert city.confirmed_by_city == timezone.localdate()
    latest = city.history.latest()
    assert latest.history_change_reason.startswith("Correction proposed by Limoges on ")
    assert latest.history_user == editor
    exchange = Partnership.objects.get(partner=city)
    assert exchange.city == home and exchange.status == PublicationStatus.DRAFT
    assert exchange.title_en == "Ceramists' visit to Cheongju"
    steps = list(invitation.events.values_list("step", flat=True))
    assert steps[-2:] == [InvitationStep.PROPOSED, InvitationStep.PARTLY]
    # Published, the profile shows the accepted text and the confirmation, not the rest.
    city.status = PublicationStatus.PUBLISHED
    city.save()
    text = Client().get("/en/cities/limoges/").content.decode()
    assert "porcelain since 1771" in text and "wrong.example" not in text
    assert "Confirmed by the city on" in text
    ko = Client().get("/ko/cities/limoges/").content.decode()
    assert "도시가 직접 확인" in ko


def test_an_editor_on_a_published_city_makes_a_revision_a_publisher_approves(
    client, invitation, city, editor, publisher
):
    city.status = PublicationStatus.PUBLISHED
    city.save()
    proposal = propose(
        client,
        invitation,
        image=True,
        summary_en="The city of porcelain.",
        image_alt_en="The Vienne river at Limoges",
    )
    decide(proposal, editor, {"summary_en", "image", "image_alt_en"})
    proposal.refresh_from_db()
    # The image waits for a Publisher; the text waits in a revision.
    assert proposal.state == ProposalState.PENDING
    assert proposal.decisions == {
        "summary_en": Decision.WAITING,
        "image_alt_en": Decision.WAITING,
    }
    city.refresh_from_db()
    assert city.summary_en == "A creative city." and city.confirmed_by_city is None
    revision = proposal.revision
    assert revision.state == RevisionState.PENDING
    assert revision.content_type == ContentType.objects.get_for_model(City)
    assert set(revision.values) == {"summary_en", "image_alt_en", "confirmed_by_city"}
    approve(revision, publisher)
    city.refresh_from_db()
    assert city.summary_en == "The city of porcelain."
    assert city.confirmed_by_city == timezone.localdate()
    assert city.history.latest().history_change_reason.startswith("Correction proposed by")
    # The Publisher then decides on the image (and its description).
    decide(proposal, publisher, {"image"})
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED
    city.refresh_from_db()
    assert city.image and city.image_alt_en == "The Vienne river at Limoges"
    assert city.image.name != proposal.image.name  # its own copy


def test_rejecting_everything(client, invitation, city, editor):
    proposal = propose(client, invitation, website="https://wrong.example/")
    decide(proposal, editor, set())
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.REJECTED
    city.refresh_from_db()
    assert city.website == "https://www.limoges.fr/" and city.confirmed_by_city is None
    assert invitation.events.filter(step=InvitationStep.REJECTED).exists()


def test_staff_invite_from_the_admin_and_the_link_is_mailed(client, city, editor):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(editor)
    page = client.get(reverse("admin:cities_city_change", args=[city.pk]))
    assert "Invite the city to check its profile" in page.content.decode()
    add = reverse("admin:cities_profileinvitation_add")
    response = client.get(add + f"?city={city.pk}")
    assert response.status_code == 200
    response = client.post(
        add,
        {
            "city": city.pk,
            "recipient_name": "Office of Limoges",
            "recipient_email": "unesco@limoges.example",
            "days": "30",
            "send": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    invitation = ProfileInvitation.objects.get()
    assert invitation.created_by == editor
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["unesco@limoges.example"]
    assert invitation.token() in message.body
    assert (
        "/ko/cities/limoges/check/" in message.body and "/en/cities/limoges/check/" in message.body
    )
    assert invitation.token() in response.content.decode()
    steps = list(invitation.events.values_list("step", flat=True))
    assert steps == [InvitationStep.INVITED, InvitationStep.SENT]
    # Its page shows the links and the audit trail; revoking from there works.
    change = reverse("admin:cities_profileinvitation_change", args=[invitation.pk])
    page = client.get(change)
    assert page.status_code == 200 and "Link sent by e-mail" in page.content.decode()
    client.post(change, {**change_form_data(page), "revoke": "on"})
    invitation.refresh_from_db()
    assert invitation.is_revoked


def test_a_mail_failure_is_a_message_not_an_error(client, city, editor, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(editor)
    response = client.post(
        reverse("admin:cities_profileinvitation_add"),
        {"city": city.pk, "recipient_name": "Office", "recipient_email": "a@b.example",
         "days": "30", "send": "on"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    invitation = ProfileInvitation.objects.get()
    assert invitation.events.filter(step=InvitationStep.NOT_SENT).exists()


def test_the_review_page_shows_the_profile_beside_the_proposal(client, invitation, editor):
    proposal = propose(
        client, invitation, description_en="New text.", website="https://wrong.example/"
    )
    staff = Client()
    staff.force_login(editor)
    url = reverse("admin:cities_profileproposal_change", args=[proposal.pk])
    page = staff.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Porcelain city." in text and "New text." in text
    assert re.search(r'name="accept" value="website"', text)
    response = staff.post(url, {"accept": ["description_en"], "_decide": "1"}, follow=True)
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.decisions["website"] == Decision.REJECTED
    # Deciding again: a message, not an error.
    again = staff.post(url, {"accept": ["website"], "_decide": "1"}, follow=True)
    assert again.status_code == 200
    assert staff.get(reverse("admin:cities_profileproposal_changelist")).status_code == 200
    assert staff.get(reverse("admin:cities_profileinvitation_changelist")).status_code == 200


@pytest.mark.parametrize("count", [1, 15])
def test_the_page_behind_the_link_runs_the_same_queries_whatever_it_holds(
    client, invitation, count, django_assert_max_num_queries
):
    """However many proposals and steps the link has, the page costs the same."""
    for number in range(count):
        ProfileProposal.objects.create(
            invitation=invitation, city=invitation.city, submission=f"s{number}"
        )
        invitation.record(InvitationStep.OPENED)
    url = link(invitation)
    # The invitation with its city, the last opening, the proposals listed; the site's
    # header and footer (its identity, pages, the cache's schedule).
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200
