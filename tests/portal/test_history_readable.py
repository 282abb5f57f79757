"""The edit history as staff read it (portal.blocks.history): only what changed, in
words (choice labels, the names of linked records, local times, "empty"), long texts
cut around the change, and a revert that says which version it went back to."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventKind
from portal.blocks.history import reason_display, revert_reason
from tests.factories import EventFactory, InstitutionFactory
from tests.portal.admin_helpers import prefilled_data

pytestmark = pytest.mark.django_db

LONG = "청주공예비엔날레는 1999년에 시작된 국제 공예 행사로, 2년마다 열립니다. " * 4


def rows(html):
    """The history table's rows, as text."""
    table = re.search(r'<table id="change-history">(.*?)</table>', html, re.S).group(1)
    body = table.split("<tbody>", 1)[1]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("<tr>")[1:]
    ]


def test_history_lists_only_changed_fields_in_words(client, publisher):
    venue = InstitutionFactory(name_ko="이천세계도자센터", name_en="Icheon World Ceramic Center")
    event = EventFactory(kind=EventKind.EXHIBITION, description_ko=LONG, venue=None)
    event.kind = EventKind.WORKSHOP
    event.venue = venue
    event.description_ko = LONG.replace("2년마다", "격년으로", 1)
    event._history_user = publisher
    event.save()
    client.force_login(publisher)

    page = client.get(
        reverse("admin:events_event_history", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="ko"
    )
    latest = rows(page.text)[0]
    assert "공방·교육" in latest or str(EventKind.WORKSHOP.label) in latest
    assert "이천세계도자센터" in latest  # the venue's name, not its id
    assert "(비어 있음)" in latest  # no venue before, not "None"
    assert "격년으로" in latest and "…" in latest  # the long text around its change
    assert "chars]" not in page.text and "None" not in latest
    assert "제목" not in latest  # the title did not change
    assert publisher.username in latest
    local = timezone.localtime(event.history.first().history_date)
    assert local.strftime("%H:%M") in latest  # the site's time, not UTC


def test_a_revert_says_which_version_it_went_back_to(client, publisher):
    event = EventFactory(title_ko="처음 제목")
    event.title_ko = "바뀐 제목"
    event.save()
    first = event.history.order_by("history_date").first()
    client.force_login(publisher)

    url = reverse("admin:events_event_simple_history", args=[event.pk, first.history_id])
    form = client.get(url).context["adminform"].form
    response = client.post(url, prefilled_data(form))
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert Event.objects.get(pk=event.pk).title_ko == "처음 제목"
    latest = event.history.first()
    assert latest.history_change_reason == revert_reason(timezone.localtime(first.history_date))
    assert latest.history_change_reason.startswith("Reverted to the version of ")
    page = client.get(
        reverse("admin:events_event_history", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="ko"
    )
    newest = rows(page.text)[0]
    assert "버전으로 되돌림" in newest
    assert timezone.localtime(first.history_date).strftime("%H:%M") in newest


def test_known_reasons_are_shown_in_the_readers_language():
    assert reason_display("") == ""
    assert reason_display("a reason written by hand") == "a reason written by hand"


def test_translated_fields_are_listed_by_language_once(client, publisher):
    event = EventFactory(description_ko="처음 설명", description_en="")
    event.description_ko = "바뀐 설명"
    event.save()
    client.force_login(publisher)
    page = client.get(
        reverse("admin:events_event_history", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="ko"
    )
    latest = rows(page.text)[0]
    assert latest.count("바뀐 설명") == 1  # not again as the field's own column
    assert "[ko]" in latest


def test_the_reasons_the_site_writes_are_shown_in_korean():
    from django.utils import translation

    with translation.override("ko"):
        assert reason_display("made the home city") != "made the home city"
        assert "게시" in reason_display("status → published")


@pytest.mark.parametrize(
    "language, written",
    [("ko", "2026. 3. 9. 18:05"), ("en", "9 Mar 2026, 18:05")],
)
def test_history_times_are_written_as_each_language_writes_them(
    client, publisher, language, written
):
    event = EventFactory()
    # 09:05 UTC is 18:05 in Seoul, the site's time zone.
    event.history.update(history_date=datetime(2026, 3, 9, 9, 5, tzinfo=UTC))
    client.force_login(publisher)
    page = client.get(
        reverse("admin:events_event_history", args=[event.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert written in rows(page.text)[0]
