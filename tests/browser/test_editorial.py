"""An Editor drafts, a Publisher publishes, and citizens then see it."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from events.models import Event
from portal.blocks.roles import EDITOR, PUBLISHER, sync_roles
from portal.models import News
from tests.browser.staff import PASSWORD, log_in
from tests.factories import PageFactory
from tests.portal.admin_helpers import set_up_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff(django_user_model):
    sync_roles()  # a transactional test starts from an emptied database

    def make(username, role):
        user = django_user_model.objects.create_user(
            username, f"{username}@example.org", PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        if role == PUBLISHER:
            set_up_app(user)  # required of Publishers
        return user

    return make


def save_as_draft(page, changelist_path):
    page.locator("input[name=_save]").first.click()
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert not errors, errors
    page.wait_for_url(f"**{changelist_path}")


def publish_in_admin(page, live_server, record):
    """As a Publisher: tick the record on its change list and run the publish action."""
    opts = record._meta
    page.goto(live_server.url + reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    page.locator(f"input[name=_selected_action][value='{record.pk}']").check()
    page.select_option("select[name=action]", "publish_selected")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    record.refresh_from_db()
    assert record.status == "published"


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, **kwargs)


def test_editor_drafts_an_event_publisher_publishes_it_and_it_is_listed(
    new_page, live_server, staff
):
    staff("editor", EDITOR)
    staff("publisher", PUBLISHER)
    start = datetime.date.today() + datetime.timedelta(days=10)

    editor = new_page("en-GB")
    log_in(editor, live_server, "editor")
    editor.goto(live_server.url + reverse("admin:events_event_add"))
    assert editor.locator("select[name=status]").count() == 0
    editor.fill("#id_title_ko", "한지 뜨기 체험")
    editor.fill("#id_title_en", "Hanji papermaking class")
    editor.select_option("#id_kind", "workshop")
    editor.fill("#id_start_date", start.isoformat())
    editor.fill("#id_end_date", start.isoformat())
    save_as_draft(editor, reverse("admin:events_event_changelist"))
    event = Event.objects.get(title_en="Hanji papermaking class")
    assert event.status == "draft"

    citizen = new_page("en-GB")
    citizen.goto(live_server.url + en("events:list"))
    assert citizen.get_by_role("link", name="Hanji papermaking class").count() == 0

    publisher = new_page("en-GB")
    log_in(publisher, live_server, "publisher")
    publish_in_admin(publisher, live_server, event)

    citizen.goto(live_server.url + en("events:list"))
    assert citizen.get_by_role("link", name="Hanji papermaking class").is_visible()


def test_editor_drafts_publisher_publishes_citizens_see_it(new_page, live_server, staff, axe):
    staff("editor", EDITOR)
    staff("publisher", PUBLISHER)

    editor = new_page("en-GB")
    log_in(editor, live_server, "editor")
    editor.goto(live_server.url + reverse("admin:portal_news_add"))
    # An Editor has no status field: a new record can only be a draft.
    assert editor.locator("select[name=status]").count() == 0
    editor.fill("#id_title_ko", "청주 공예 워크숍 참가자 모집")
    editor.fill("#id_title_en", "Cheongju craft workshop: call for participants")
    editor.fill("#id_date", "2026-11-20")
    editor.fill("#id_summary_ko", "공예 워크숍 참가자를 모집합니다.")
    editor.fill("#id_summary_en", "We are looking for workshop participants.")
    # The slug is filled in from the English title by the admin's own script.
    assert editor.input_value("#id_slug") == "cheongju-craft-workshop-call-for-participants"
    save_as_draft(editor, reverse("admin:portal_news_changelist"))
    news = News.objects.get(slug="cheongju-craft-workshop-call-for-participants")
    assert news.status == "draft"

    citizen = new_page("en-GB")
    assert citizen.goto(live_server.url + en("portal:news-detail", args=[news.slug])).status == 404

    publisher = new_page("en-GB")
    log_in(publisher, live_server, "publisher")
    publish_in_admin(publisher, live_server, news)

    citizen.goto(live_server.url + en("portal:news-list"))
    link = citizen.get_by_role("link", name="Cheongju craft workshop: call for participants")
    assert link.is_visible()
    assert axe(citizen) == []
    link.click()
    citizen.wait_for_url(f"**/en/news/{news.slug}/")
    assert citizen.get_by_role("heading", level=1).inner_text() == news.title_en
    assert axe(citizen) == []
    # And the home page lists it among the latest news.
    citizen.goto(live_server.url + en("portal:home"))
    assert citizen.get_by_role("link", name=news.title_en).is_visible()


def test_information_page_and_empty_news_list_are_accessible(page, live_server, axe):
    PageFactory(
        slug="accessibility",
        title_ko="접근성 정책",
        body_ko="## 약속\n\n모든 페이지는 …",
        in_footer=True,
    )
    with translation.override("ko"):
        page.goto(live_server.url + reverse("portal:news-list"))
    assert page.locator(".empty").is_visible()
    assert axe(page) == []
    page.get_by_role("contentinfo").get_by_role("link", name="접근성 정책").click()
    page.wait_for_url("**/ko/pages/accessibility/")
    assert page.get_by_role("heading", name="약속").is_visible()
    assert axe(page) == []
