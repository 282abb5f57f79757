"""The staff dashboard on the admin index, in a real browser: readable tables (no
column squeezed, nothing wider than the screen) in both languages, on a laptop and a
phone, with no accessibility violation."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.blocks.publishing import PublicationStatus
from portal.blocks.roles import PUBLISHER, sync_roles
from tests.browser.staff import PASSWORD, log_in
from tests.factories import CityFactory, EventFactory, NewsFactory
from tests.portal.admin_helpers import set_up_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A cell whose text wraps must still be at least this wide, in CSS pixels (about ten
# Korean characters at the admin's font size): narrower, a title breaks into a column of
# syllables.
NARROWEST_WRAPPING = 120

MEASURE = """() => {
  const root = document.querySelector('#staff-dashboard');
  const narrow = [];
  for (const cell of root.querySelectorAll('td, th')) {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
    const width = cell.getBoundingClientRect().width;
    const overflows = cell.scrollWidth > cell.clientWidth + 1;
    if (overflows || (lines > 1 && width < NARROWEST))
      narrow.push([cell.textContent.trim().slice(0, 40), width, lines]);
  }
  const tables = [...root.querySelectorAll('table')].map(
    t => t.parentElement.getBoundingClientRect().width - t.getBoundingClientRect().width);
  return {
    narrow,
    tables,
    box: root.getBoundingClientRect().width,
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  };
}""".replace("NARROWEST", str(NARROWEST_WRAPPING))


@pytest.fixture
def publisher(django_user_model):
    sync_roles()  # a transactional test starts from an emptied database
    user = django_user_model.objects.create_user(
        "publisher", "publisher@example.org", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=PUBLISHER))
    set_up_app(user)
    return user


@pytest.fixture
def busy_office(publisher):
    """Something in every panel, with long names as real records have."""
    today = timezone.localdate()
    EventFactory(
        title_ko="2027 청주공예비엔날레 국제공예공모전 수상작 특별전",
        title_en="Cheongju Craft Biennale 2027: special exhibition of the competition winners",
        start_date=today + datetime.timedelta(days=5),
    )
    NewsFactory(
        title_ko="이천시, 유네스코 창의도시 네트워크 연차총회 참가",
        title_en="Icheon at the annual conference of the UNESCO Creative Cities Network",
        status=PublicationStatus.DRAFT,
        publish_at=None,
    )
    NewsFactory(publish_at=timezone.now() + datetime.timedelta(days=2))
    CityFactory(name_en="", name_ko="리모주")
    gone = NewsFactory(title_ko="삭제된 소식", title_en="A deleted news item")
    gone.delete()


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("locale", ["ko-KR", "en-GB"])
def test_dashboard_tables_are_readable_and_accessible(
    new_page, live_server, axe, busy_office, width, locale
):
    page = new_page(locale)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "publisher")
    page.wait_for_selector("#staff-dashboard")
    found = page.evaluate(MEASURE)
    assert found["narrow"] == [], found
    assert found["page"] <= found["viewport"], found
    # Each table fills its panel, and on a laptop the panels use the page's width.
    assert all(gap < 2 for gap in found["tables"]), found
    if width >= 1366:
        assert found["box"] >= 900, found
    assert axe(page) == []
