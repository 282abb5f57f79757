"""Four eyes on live content in a real browser: an Editor proposes a change to a
published news item, a Publisher reviews it field by field and approves it, and only
then do citizens see it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from portal.blocks.roles import EDITOR, PUBLISHER, sync_roles
from tests.browser.staff import PASSWORD, log_in
from tests.factories import NewsFactory
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


def test_editor_proposes_publisher_reviews_the_differences_and_approves(
    new_page, live_server, staff, axe
):
    staff("editor", EDITOR)
    staff("publisher", PUBLISHER)
    news = NewsFactory(title_ko="원래 소식 제목", title_en="Original news title")
    with translation.override("en"):
        public = live_server.url + news.get_absolute_url()

    editor = new_page("en-GB")
    log_in(editor, live_server, "editor")
    editor.goto(live_server.url + reverse("admin:portal_news_change", args=[news.pk]))
    editor.fill("#id_title_ko", "고친 소식 제목")
    editor.fill("#id_title_en", "Corrected news title")
    editor.locator("input[name=_save]").first.click()
    editor.wait_for_url("**" + reverse("admin:portal_news_changelist"))
    assert editor.get_by_text("Your change is waiting for a Publisher's approval.").is_visible()

    citizen = new_page("en-GB")
    citizen.goto(public)
    assert citizen.get_by_role("heading", name="Original news title").is_visible()

    publisher = new_page("en-GB")
    log_in(publisher, live_server, "publisher")
    publisher.get_by_role("link", name="1 proposed change to published content").click()
    publisher.get_by_role("link", name="Original news title").click()
    differences = publisher.locator("#revision-differences")
    assert differences.get_by_role("cell", name="원래 소식 제목").is_visible()
    assert differences.get_by_role("cell", name="고친 소식 제목").is_visible()
    assert differences.get_by_role("cell", name="Corrected news title").is_visible()
    assert axe(publisher) == []
    publisher.get_by_role("button", name="Approve and apply").click()
    publisher.wait_for_load_state()
    assert publisher.get_by_text("Approved: the change is saved").is_visible()

    citizen.goto(public)
    assert citizen.get_by_role("heading", name="Corrected news title").is_visible()
    news.refresh_from_db()
    assert news.title_ko == "고친 소식 제목"
