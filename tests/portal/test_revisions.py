"""Four eyes on live content: an Editor's change to a published record waits for a
Publisher's approval (portal.blocks.revisions, ContentAdmin's ReviewGuard), and the
public, through the page cache, sees it only once it is approved."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.blocks.revisions import Revision, RevisionState
from portal.blocks.roles import EDITOR, PUBLISHER, sync_roles
from tests.factories import CityFactory, MilestoneFactory, NewsFactory
from tests.portal.admin_helpers import change_form_data, make_staff_user

WAITING = "Your change is waiting for a Publisher's approval."
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def staff(django_user_model):
    sync_roles()  # a transactional test starts from an emptied database

    def make(role, username):
        client = Client()
        user = make_staff_user(django_user_model, role, username)
        client.force_login(user)
        return client, user

    return make


def change_url(record):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def review_url(revision):
    return reverse("admin:portal_revision_change", args=[revision.pk])


def public_url(record):
    with translation.override("ko"):
        return record.get_absolute_url()


def propose(client, record, **changes):
    """Open the record's change page, change fields, save; returns the response after
    the redirect."""
    response = client.get(change_url(record), **EN)
    assert response.status_code == 200
    data = change_form_data(response)
    data.update(changes)
    return client.post(change_url(record), data, follow=True, **EN)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_an_editors_change_waits_and_the_public_sees_it_once_approved(client, staff):
    news = NewsFactory(title_ko="원래 제목", title_en="Original title")
    city = CityFactory(name_en="Icheon")
    assert "원래 제목" in client.get(public_url(news)).text
    editor, editor_user = staff(EDITOR, "editor")
    publisher, publisher_user = staff(PUBLISHER, "publisher")

    response = propose(
        editor, news, title_ko="고친 제목", title_en="Changed title", cities=[str(city.pk)]
    )

    assert WAITING in messages_of(response)
    news.refresh_from_db()
    assert (news.title_ko, news.title_en) == ("원래 제목", "Original title")
    assert list(news.cities.all()) == []
    public = client.get(public_url(news))
    assert "원래 제목" in public.text and "고친 제목" not in public.text
    revision = Revision.objects.get()
    assert revision.state == RevisionState.PENDING
    assert revision.author == editor_user
    assert revision.values == {
        "title_ko": "고친 제목",
        "title_en": "Changed title",
        "cities": [city.pk],
    }
    assert news.history.count() == 1  # only its creation

    # The Publisher sees both languages, old and proposed, field by field.
    review = publisher.get(review_url(revision), **EN)
    assert review.status_code == 200
    rows = {row["name"]: row for row in review.context["rows"]}
    assert (rows["title_ko"]["current"], rows["title_ko"]["proposed"]) == ("원래 제목", "고친 제목")
    assert (rows["title_en"]["current"], rows["title_en"]["proposed"]) == (
        "Original title",
        "Changed title",
    )
    assert (rows["cities"]["current"], rows["cities"]["proposed"]) == ("", str(city))
    assert 'name="_approve"' in review.text

    response = publisher.post(review_url(revision), {"_approve": "1", "note": ""}, **EN)
    assert response.status_code == 302

    news.refresh_from_db()
    assert (news.title_ko, news.title_en) == ("고친 제목", "Changed title")
    assert list(news.cities.all()) == [city]
    public = client.get(public_url(news))
    assert "고친 제목" in public.text and "원래 제목" not in public.text
    revision.refresh_from_db()
    assert revision.state == RevisionState.APPROVED
    assert revision.reviewer == publisher_user and revision.reviewed_at is not None
    # One version in the history, by the Publisher, naming the Editor; links included.
    latest = news.history.latest("history_date")
    assert latest.history_user == publisher_user
    assert "editor" in latest.history_change_reason
    assert list(latest.cities.values_list("city_id", flat=True)) == [city.pk]
    logged = LogEntry.objects.get(object_id=str(news.pk), action_flag=CHANGE, user=publisher_user)
    assert "editor" in logged.get_change_message()


@pytest.mark.django_db
def test_a_rejected_change_leaves_the_record_and_says_why(client, editor, publisher):
    news = NewsFactory(title_en="Kept")
    client.force_login(editor)
    propose(client, news, title_en="Refused")
    revision = Revision.objects.get()
    client.force_login(publisher)

    # A reason is required to reject.
    response = client.post(review_url(revision), {"_reject": "1", "note": "  "}, **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    revision.refresh_from_db()
    assert revision.state == RevisionState.PENDING

    response = client.post(
        review_url(revision), {"_reject": "1", "note": "The old title is right."}, **EN
    )
    assert response.status_code == 302
    news.refresh_from_db()
    assert news.title_en == "Kept"
    revision.refresh_from_db()
    assert revision.state == RevisionState.REJECTED
    assert (revision.reviewer, revision.note) == (publisher, "The old title is right.")
    logged = LogEntry.objects.get(object_id=str(news.pk), user=publisher)
    assert "The old title is right." in logged.get_change_message()
    # Decided once: a second decision is refused and changes nothing.
    client.post(review_url(revision), {"_approve": "1"}, **EN)
    news.refresh_from_db()
    assert news.title_en == "Kept"


@pytest.mark.django_db
def test_approving_over_a_later_save_is_refused(client, editor, publisher):
    news = NewsFactory(title_en="First", summary_en="First summary")
    client.force_login(editor)
    propose(client, news, title_en="Editor's title")
    revision = Revision.objects.get()
    # A Publisher changes the record directly after the proposal was made.
    client.force_login(publisher)
    response = propose(client, news, summary_en="Publisher's summary")
    assert WAITING not in messages_of(response)

    review = client.get(review_url(revision), **EN)
    assert review.context["conflict"]
    assert 'name="_approve"' not in review.text
    response = client.post(review_url(revision), {"_approve": "1"}, follow=True, **EN)
    assert any("after this change was proposed" in m for m in messages_of(response))

    news.refresh_from_db()
    assert (news.title_en, news.summary_en) == ("First", "Publisher's summary")
    revision.refresh_from_db()
    assert revision.state == RevisionState.PENDING


@pytest.mark.django_db
def test_with_the_setting_off_editors_change_published_records_directly(client, editor, settings):
    settings.REVIEW_LIVE_EDITS = False
    news = NewsFactory(title_en="Before")
    client.force_login(editor)
    response = propose(client, news, title_en="After")
    assert WAITING not in messages_of(response)
    news.refresh_from_db()
    assert news.title_en == "After"
    assert not Revision.objects.exists()


@pytest.mark.django_db
def test_editors_still_save_drafts_directly(client, editor):
    news = NewsFactory(title_en="Draft title", status="draft", publish_at=None)
    client.force_login(editor)
    propose(client, news, title_en="Better draft title")
    news.refresh_from_db()
    assert news.title_en == "Better draft title"
    assert not Revision.objects.exists()


@pytest.mark.django_db
def test_an_editor_cannot_approve_even_by_a_forged_post(client, editor, make_staff):
    news = NewsFactory(title_en="Before")
    client.force_login(editor)
    propose(client, news, title_en="Self-approved")
    revision = Revision.objects.get()

    # They may read it (what became of their proposal), with no buttons to decide.
    review = client.get(review_url(revision), **EN)
    assert review.status_code == 200
    assert 'name="_approve"' not in review.text
    for action in ("_approve", "_reject"):
        response = client.post(review_url(revision), {action: "1", "note": "x"}, **EN)
        assert response.status_code == 403
    news.refresh_from_db()
    assert news.title_en == "Before"
    revision.refresh_from_db()
    assert revision.state == RevisionState.PENDING

    # Staff with no role see nothing of it.
    client.force_login(make_staff(None, "nobody"))
    assert client.get(review_url(revision)).status_code in (302, 403)


@pytest.mark.django_db
def test_the_editor_sees_their_pending_proposal_and_a_second_one_replaces_it(
    client, editor, make_staff
):
    news = NewsFactory(title_en="Before")
    client.force_login(editor)
    propose(client, news, title_en="First try")
    reopened = client.get(change_url(news), **EN)
    assert any("A change you proposed on" in m for m in messages_of(reopened))

    propose(client, news, title_en="Second try")
    first, second = Revision.objects.order_by("pk")
    assert first.state == RevisionState.SUPERSEDED
    assert (second.state, second.values) == (RevisionState.PENDING, {"title_en": "Second try"})

    # Another Editor's proposal is theirs: it does not replace this one, nor is it shown
    # to this Editor as their own.
    other = make_staff(EDITOR, "other")
    client.force_login(other)
    reopened = client.get(change_url(news), **EN)
    assert not any("A change you proposed on" in m for m in messages_of(reopened))
    propose(client, news, title_en="Other's try")
    assert Revision.objects.pending().count() == 2


@pytest.mark.django_db
def test_nothing_changed_makes_no_proposal(client, editor):
    news = NewsFactory()
    client.force_login(editor)
    response = propose(client, news)
    assert "Nothing was changed." in messages_of(response)
    assert not Revision.objects.exists()


@pytest.mark.django_db
def test_inline_rows_and_images_of_a_published_record_are_read_only_for_editors(client, editor):
    city = CityFactory(name_en="Jinju")
    milestone = MilestoneFactory(city=city, title_en="Candidate city")
    client.force_login(editor)
    response = client.get(change_url(city), **EN)
    form = response.context["adminform"].form
    assert "image" not in form.fields and "name_en" in form.fields
    data = change_form_data(response)
    row = next(k for k in data if k.startswith("milestones-0-") and k.endswith("title_en"))
    data[row] = "Changed inline"
    data["name_en"] = "Jinju City"

    response = client.post(change_url(city), data, follow=True, **EN)

    assert WAITING in messages_of(response)
    milestone.refresh_from_db()
    assert milestone.title_en == "Candidate city"
    assert Revision.objects.get().values == {"name_en": "Jinju City"}


@pytest.mark.django_db
def test_publishers_edit_published_records_directly_and_see_waiting_proposals(
    client, editor, publisher
):
    news = NewsFactory(title_en="Before")
    client.force_login(editor)
    propose(client, news, title_en="Proposed")
    client.force_login(publisher)
    opened = client.get(change_url(news), **EN)
    assert any("wait" in m and "review" in m for m in messages_of(opened))
    propose(client, news, summary_en="Direct")
    news.refresh_from_db()
    assert news.summary_en == "Direct"
    assert Revision.objects.count() == 1


@pytest.mark.django_db
def test_the_list_filters_by_kind_and_state_and_the_dashboard_counts(client, editor, publisher):
    news, city = NewsFactory(), CityFactory()
    client.force_login(editor)
    propose(client, news, title_en="News change")
    propose(client, city, name_en="City change")
    client.force_login(publisher)
    changelist = reverse("admin:portal_revision_changelist")

    listed = client.get(changelist, {"model": "portal.news", "state": "pending"}, **EN)
    assert listed.status_code == 200
    assert [r.object_id for r in listed.context["cl"].result_list] == [news.pk]
    assert client.get(changelist, {"state": "approved"}, **EN).context["cl"].result_count == 0

    index = client.get(reverse("admin:index"), **EN)
    assert "2 proposed changes to published content wait" in index.text
