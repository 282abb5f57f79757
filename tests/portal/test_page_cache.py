"""The page cache (portal.blocks.caching): what is stored under which address, what a
change makes out of date, and the headers a CDN in front would follow."""

import datetime
import threading
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation

from institutions.models import Institution
from portal.blocks.caching import tags as cache_tags
from portal.blocks.caching.pages import PageCacheMiddleware
from portal.blocks.publishing import PublicationStatus
from tests.factories import (
    CityFactory,
    DisciplineFactory,
    EventFactory,
    InstitutionFactory,
    NewsFactory,
)

# Transactions commit in these tests, as on a site: invalidation runs on commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.page_cache]


def news_list_url(lang="ko"):
    with translation.override(lang):
        return reverse("portal:news-list")


def last_change(tag):
    """The number of the latest change that named ``tag`` (0 for none), as a process
    that follows the changes knows it."""
    return cache_tags.follow_changes(cache_tags.counter()).changed.get(tag, 0)


def test_second_anonymous_request_is_served_from_cache(client, django_assert_num_queries):
    NewsFactory(title_ko="첫 소식")
    first = client.get(news_list_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(news_list_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "첫 소식" in second.text


def test_language_and_query_string_are_part_of_the_key(client):
    NewsFactory(title_ko="한국어 제목", title_en="English title")
    assert "한국어 제목" in client.get(news_list_url("ko")).text
    assert "English title" in client.get(news_list_url("en")).text
    assert client.get(news_list_url("ko") + "?page=1")["X-Page-Cache"] == "miss"


def test_an_edit_shows_on_the_next_request(client):
    news = NewsFactory(title_ko="고치기 전")
    assert "고치기 전" in client.get(news_list_url()).text
    news.title_ko = "고친 뒤"
    news.save()
    response = client.get(news_list_url())
    assert "고친 뒤" in response.text and response["X-Page-Cache"] == "miss"


def test_delete_and_unpublish_show_on_the_next_request(client):
    kept, withdrawn = NewsFactory(title_ko="남는 소식"), NewsFactory(title_ko="내릴 소식")
    assert "내릴 소식" in client.get(news_list_url()).text
    withdrawn.status = PublicationStatus.DRAFT
    withdrawn.save()
    assert "내릴 소식" not in client.get(news_list_url()).text
    kept.delete()
    assert "남는 소식" not in client.get(news_list_url()).text


def test_scheduled_item_appears_on_time_without_any_save(client, monkeypatch):
    at = timezone.now() + datetime.timedelta(minutes=5)
    NewsFactory(title_ko="예약된 소식", publish_at=at)
    assert "예약된 소식" not in client.get(news_list_url()).text
    assert client.get(news_list_url())["X-Page-Cache"] == "hit"
    monkeypatch.setattr(timezone, "now", lambda: at + datetime.timedelta(seconds=1))
    assert "예약된 소식" in client.get(news_list_url()).text


def test_staff_with_a_session_bypass_the_cache(client, admin_user):
    NewsFactory(slug="draft", status=PublicationStatus.DRAFT, publish_at=None)
    client.get(news_list_url())
    client.force_login(admin_user)
    response = client.get(news_list_url())
    assert "X-Page-Cache" not in response
    with translation.override("ko"):
        detail = client.get(reverse("portal:news-detail", args=["draft"]))
    assert 'class="preview-banner"' in detail.text


def test_errors_and_admin_are_never_cached(client):
    client.get("/ko/news/does-not-exist/")
    assert "X-Page-Cache" not in client.get("/ko/news/does-not-exist/")
    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_the_page_cache_is_installed_before_sessions():
    from django.conf import settings as django_settings  # the project's, not the fixture's

    middleware = django_settings.MIDDLEWARE
    assert middleware.index("portal.blocks.caching.pages.PageCacheMiddleware") < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )


def test_remembered_parts_of_pages_show_an_edit_on_the_next_request(client):
    """Every page that shows a record shows its edit at once: the home page's lists,
    the directories, leaving a list when withdrawn."""
    from tests.factories import EventFactory, InstitutionFactory

    today = timezone.localdate()
    event = EventFactory(title_ko="도자 워크숍", start_date=today, end_date=today)
    institution = InstitutionFactory(name_ko="한국도자재단")
    home, institutions, events = (
        reverse("portal:home"),
        reverse("institutions:list"),
        reverse("events:list"),
    )
    for url in (home, institutions, events):
        client.get(url)
    event.title_ko = "한지 워크숍"
    event.save()
    institution.name_ko = "한국공예재단"
    institution.save()
    for url in (home, events):
        text = client.get(url).text
        assert "한지 워크숍" in text and "도자 워크숍" not in text
    for url in (home, institutions):
        text = client.get(url).text
        assert "한국공예재단" in text and "한국도자재단" not in text
    institution.status = PublicationStatus.DRAFT
    institution.save()
    for url in (home, institutions):
        assert "한국공예재단" not in client.get(url).text


def test_city_cards_show_an_edit_on_the_next_request(client):
    from tests.factories import CityFactory

    city = CityFactory(name_ko="청주")
    url = reverse("cities:list")
    assert "청주" in client.get(url).text
    city.name_ko = "이천"
    city.save()
    text = client.get(url).text
    assert "이천" in text and "청주" not in text


def test_a_timed_event_is_marked_now_on_by_the_clock_not_by_a_save(client, monkeypatch):
    # Nothing is saved when a concert starts: the cached page must expire by itself.
    from tests.factories import EventFactory

    starts = timezone.now() + datetime.timedelta(hours=1)
    EventFactory(
        title_ko="저녁 공연",
        all_day=False,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    url = reverse("events:list")
    assert 'class="now-on"' not in client.get(url).text
    later = starts + datetime.timedelta(minutes=30)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert 'class="now-on"' in client.get(url).text


def test_a_cached_page_keeps_its_etag_and_answers_304(client):
    NewsFactory()
    first = client.get(news_list_url())
    second = client.get(news_list_url())
    assert second["X-Page-Cache"] == "hit" and second["ETag"] == first["ETag"]
    assert client.get(news_list_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


# --- Addresses ----------------------------------------------------------------------


def test_only_the_parameters_a_page_reads_make_its_address(client):
    InstitutionFactory(kind="museum")
    with translation.override("en"):
        url = reverse("institutions:list")
    assert client.get(url, {"kind": "museum"})["X-Page-Cache"] == "miss"
    # Unknown parameters, another order and empty values are the same page.
    for query in (
        "?kind=museum&utm_source=mail",
        "?q=&kind=museum&fbclid=x",
        "?kind=museum&page=",
        "?page=1&kind=museum",
    ):
        response = client.get(url + query)
        assert response.status_code == 200
        if "page=1" not in query:
            assert response["X-Page-Cache"] == "hit", query
    # The page is made from what its address says: no stray parameter in its links.
    assert "utm_source" not in client.get(url + "?kind=museum&utm_source=mail").text


def test_invalid_filters_and_missing_pages_are_never_stored(client):
    InstitutionFactory()
    with translation.override("en"):
        url = reverse("institutions:list")
    for _ in range(2):
        response = client.get(url, {"kind": "no-such-kind"})
        assert response.status_code == 200 and "X-Page-Cache" not in response
        assert "no-store" in response["Cache-Control"]
        assert client.get(url, {"page": "99"}).status_code == 404


def test_typed_searches_stay_in_a_small_memory_of_their_own(client, settings):
    """Visitors' free text cannot fill the shared cache: searches are kept per process,
    a bounded number of them."""
    NewsFactory()
    InstitutionFactory(name_en="Kiln Studio")
    with translation.override("en"):
        url = reverse("institutions:list")
    middleware = PageCacheMiddleware(lambda request: None)
    addresses = [f"{url}?q=kiln{n}" for n in range(40)]
    for address in addresses:
        assert client.get(address).status_code == 200
    for address in addresses:
        key = middleware.key(client.get(address).wsgi_request)
        assert cache.get(key) is None
    response = client.get(addresses[-1])
    assert response["X-Page-Cache"] == "hit"


# --- What a change makes out of date -------------------------------------------------


def test_a_save_drops_only_the_pages_that_show_what_changed(client):
    kiln = InstitutionFactory(name_en="Kiln Studio")
    museum = InstitutionFactory(name_en="Clay Museum")
    concert = EventFactory(title_en="Concert", venue=kiln)
    other = EventFactory(title_en="Lecture", venue=museum)
    news = NewsFactory(title_en="News")
    with translation.override("en"):
        pages = {
            "kiln": kiln.get_absolute_url(),
            "museum": museum.get_absolute_url(),
            "concert": concert.get_absolute_url(),
            "lecture": other.get_absolute_url(),
            "news": news.get_absolute_url(),
            "institutions": reverse("institutions:list"),
            "events": reverse("events:list"),
        }

    def stored():
        return {name: client.get(url)["X-Page-Cache"] == "hit" for name, url in pages.items()}

    stored()
    news.title_en = "Edited news"
    news.save()
    assert stored() == {**dict.fromkeys(pages, True), "news": False}
    kiln.name_en = "Kiln and Glaze Studio"
    kiln.save()
    # The institution's page, the lists, and the event held there (it names the venue).
    assert stored() == {
        "kiln": False,
        "museum": True,
        "concert": False,
        "lecture": True,
        "news": True,
        "institutions": False,
        "events": False,
    }
    assert "Kiln and Glaze Studio" in client.get(pages["concert"]).text


def test_an_edit_of_what_lists_do_not_sort_by_drops_only_the_list_page_showing_it(client):
    city = CityFactory()
    studios = [
        InstitutionFactory(name_en=f"Studio {number:02}", city=city) for number in range(1, 26)
    ]
    past = EventFactory(
        title_en="Old fair",
        start_date=datetime.date(2020, 5, 1),
        end_date=datetime.date(2020, 5, 2),
    )
    with translation.override("en"):
        institutions = reverse("institutions:list")
        events = reverse("events:list")
        pages = {
            "page 1": institutions,
            "page 2": institutions + "?page=2",
            "search": institutions + "?q=Studio",
            "last studio": studios[-1].get_absolute_url(),
            "upcoming events": events,
            "past events": events + "?when=past",
            "cities": reverse("cities:list"),
        }

    def stored():
        return {name: client.get(url)["X-Page-Cache"] == "hit" for name, url in pages.items()}

    stored()
    assert all(stored().values())
    # The last studio is shown on page 2 only; a search may now match it.
    studios[-1].summary_en = "A kiln by the river"
    studios[-1].save()
    expected = {"page 2": False, "search": False, "last studio": False}
    assert stored() == {**dict.fromkeys(pages, True), **expected}
    assert "A kiln by the river" in client.get(pages["last studio"]).text
    # A name is what the directory sorts by (and the events page's venues by): every
    # list that lists institutions goes.
    studios[0].name_en = "Studio 99"
    studios[0].save(update_fields=["name_en"])
    expected = {
        **{"page 1": False, "page 2": False, "search": False},
        **{"upcoming events": False, "past events": False},
    }
    assert stored() == {**dict.fromkeys(pages, True), **expected}
    assert "Studio 99" in client.get(pages["page 2"]).text
    past.summary_en = "Revised"
    past.save()
    assert stored() == {**dict.fromkeys(pages, True), "past events": False}
    # A new record changes which records there are.
    InstitutionFactory(name_en="Studio 00", city=city)
    assert stored() == {**dict.fromkeys(pages, True), **expected}
    assert "Studio 00" in client.get(pages["page 1"]).text


def test_display_only_fields_are_checked_when_the_model_is_watched():
    with pytest.raises(FieldDoesNotExist):
        cache_tags.listed_fields(Institution, display_only=["summery"])
    listed = {field.name for field in cache_tags.listed_fields(Institution, ["summary"])}
    assert "name_en" in listed and "status" in listed
    assert not {"summary", "summary_ko", "summary_en", "updated_at"} & listed


def test_a_save_of_named_fields_changes_the_listing_by_a_field_or_its_column():
    fields = cache_tags.listed_fields(Institution, ["summary"])
    studio = Institution(pk=1, city_id=2, name_en="Kiln")
    before = {field.attname: getattr(studio, field.attname) for field in fields}
    studio.city_id = 3
    for written in ({"city"}, {"city_id"}, None):
        assert cache_tags._listed(before, studio, fields, written and frozenset(written))
    assert not cache_tags._listed(before, studio, fields, frozenset({"summary_en"}))


def run_at_once(*steps):
    """Each step in a thread of its own (a connection of its own), until all end."""

    def run(step):
        try:
            step()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)


def test_two_saves_of_one_record_at_once_compare_with_the_row_the_first_left():
    """A second writer's save, begun while the first is still open, is compared with the
    row as the first committed it: its stale name, written back over the new one, is a
    change of the listing (the row is read locked, so the second waits)."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database refuses a second writer at once")
    studio = InstitutionFactory(name_en="Old name")
    stale = Institution.objects.get(pk=studio.pk)
    tag = cache_tags.listing_tag(Institution)
    first_saved, numbers = threading.Event(), {}

    def first():
        with transaction.atomic():
            studio.name_en = "New name"
            studio.save()
            first_saved.set()
            time.sleep(0.5)  # the second save is waiting for this row meanwhile

    def second():
        first_saved.wait(5)
        with transaction.atomic():
            stale.summary_en = "A summary"
            stale.save()  # writes its name ("Old name") back over "New name"
            numbers["before"] = last_change(tag)
        numbers["after"] = last_change(tag)

    run_at_once(first, second)
    assert Institution.objects.get(pk=studio.pk).name_en == "Old name"
    assert numbers["after"] > numbers["before"]


def test_a_new_event_shows_on_its_venues_page(client):
    """A page lists what points at its record: a record saved with a link to it, or
    linked to it later, or unlinked, changes it."""
    kiln = InstitutionFactory(name_en="Kiln Studio")
    url = kiln.get_absolute_url()
    client.get(url)
    event = EventFactory(title_en="Firing day", venue=kiln)
    assert "Firing day" in client.get(url).text
    event.venue = None
    event.save()
    assert "Firing day" not in client.get(url).text
    event.organisers.add(kiln)
    assert "Firing day" in client.get(url).text
    event.organisers.clear()
    assert "Firing day" not in client.get(url).text


def test_a_save_in_a_transaction_lets_rows_that_point_at_its_record_be_added():
    """The row read before a save is locked only as the save itself locks it: a record
    pointing at it (a link to a city being imported, say) is added without waiting for
    the save's transaction, so two such transactions cannot wait on each other."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    city = CityFactory()
    saved, added, done = threading.Event(), threading.Event(), {}

    def save_city():
        with transaction.atomic():
            city.summary_en = "Saved in a long transaction"
            city.save()
            saved.set()
            done["added while open"] = added.wait(5)

    def add_studio():
        saved.wait(5)
        InstitutionFactory(city=city)
        added.set()

    run_at_once(save_city, add_studio)
    assert done == {"added while open": True}


def test_a_record_whose_link_names_the_pages_record_is_one_tag_with_it(client):
    """The events held at an institution are on its page by the institution's ``l:``
    tag alone, and an edit of one still shows there on the next request."""
    kiln = InstitutionFactory(name_en="Kiln Studio")
    held = EventFactory(title_en="Firing day", venue=kiln)
    organised = EventFactory(title_en="Glaze talk")
    organised.organisers.add(kiln)
    url = kiln.get_absolute_url()
    tags = client.get(url)["Cache-Tag"].split(",")
    assert cache_tags.links(kiln) in tags
    assert cache_tags.record_tag(type(held), held.pk) not in tags
    # Linked many-to-many: the page cannot tell from the event it loaded.
    assert cache_tags.record_tag(type(organised), organised.pk) in tags
    assert not [tag for tag in tags if tag.startswith(cache_tags.POINTS)]
    held.title_en = "Evening firing"
    held.save()
    response = client.get(url)
    assert "Evening firing" in response.text and response["X-Page-Cache"] == "miss"


def test_minimal_drops_a_record_tag_only_with_the_tag_of_what_it_points_at():
    record, named = "r:events.event:7", "l:institutions.institution:3"
    points = f"{cache_tags.POINTS}{record}{cache_tags.POINTS}{named}"
    assert cache_tags.minimal({record, named, points}) == [named]
    assert cache_tags.minimal({record, points}) == [record]
    assert cache_tags.minimal({record, "m:events.event"}) == ["m:events.event"]


def test_a_change_of_links_changes_what_the_records_point_at():
    """A record's many-to-many links may show wherever it is shown, such as on the page
    of what its foreign key names (by that record's ``l:`` tag)."""
    city = CityFactory()
    studio = InstitutionFactory(city=city)
    discipline = DisciplineFactory()

    def version():
        return last_change(cache_tags.links(city))

    before = version()
    studio.disciplines.add(discipline)
    added = version()
    assert added > before
    discipline.institutions.remove(studio)  # from the other side
    assert version() > added


def test_a_change_of_many_records_names_what_each_points_at(monkeypatch):
    monkeypatch.setattr(cache_tags, "KEYS_PER_QUERY", 2)  # several queries' worth
    studios = [InstitutionFactory() for _ in range(5)]
    tags = cache_tags.records_change_tags(Institution, [studio.pk for studio in studios])
    for studio in studios:
        assert cache_tags.record_tag(Institution, studio.pk) in tags
        assert cache_tags.links(studio.city) in tags
    assert cache_tags.listing_tag(Institution) in tags
    quiet = cache_tags.records_change_tags(Institution, [studios[0].pk], listed=False)
    assert cache_tags.listing_tag(Institution) not in quiet


def test_changes_are_written_when_their_transaction_commits():
    news = NewsFactory()
    tag = cache_tags.model_tag(type(news))
    before = last_change(tag)
    with transaction.atomic():
        news.title_en = "Inside a transaction"
        news.save()
        assert last_change(tag) == before  # a page made now would read the old row
    after = last_change(tag)
    assert after > before
    with pytest.raises(RuntimeError), transaction.atomic():
        news.save()
        raise RuntimeError("rolled back")
    assert last_change(tag) == after


def test_a_change_committed_while_a_page_is_made_leaves_it_out_of_date():
    """A page is stored with the counter as it was before it read anything: a change
    that commits in between makes it out of date."""
    tags = ["m:portal.news"]
    since = cache_tags.counter()
    cache_tags.bump(tags)
    assert not cache_tags.still_unchanged(tags, since)
    assert cache_tags.still_unchanged(tags, cache_tags.counter())
    assert cache_tags.still_unchanged(["m:cities.city"], since)


def test_a_lost_entry_counts_as_a_change(client):
    """Once anything has changed (the counter moved), a process that cannot read what
    the change named (the cache lost its entry) makes a page made before it again;
    while nothing has changed, nothing is even read."""
    NewsFactory()
    client.get(news_list_url())
    assert client.get(news_list_url())["X-Page-Cache"] == "hit"
    cache_tags.bump(["m:cities.city"])
    cache.delete(f"{cache_tags.LOG}{cache.get(cache_tags.COUNTER)}")
    assert client.get(news_list_url())["X-Page-Cache"] == "miss"
    assert client.get(news_list_url())["X-Page-Cache"] == "hit"


def test_a_process_reads_each_change_once(client):
    """After a change, a hit reads the change's entry once in a process, then nothing
    more: the page is current if the change named none of its tags."""
    NewsFactory()
    cache_tags.follow_changes(cache_tags.counter())  # as a process does from its start
    client.get(news_list_url())
    client.get(news_list_url("en"))
    cache_tags.bump(["m:cities.city"])
    reads = []
    original = cache.get_many
    try:
        cache.get_many = lambda keys, *args, **kwargs: reads.append(keys) or original(keys)
        assert client.get(news_list_url())["X-Page-Cache"] == "hit"
        assert client.get(news_list_url("en"))["X-Page-Cache"] == "hit"
    finally:
        del cache.get_many
    read = [key for keys in reads for key in keys]
    assert sum(key.startswith(cache_tags.LOG) for key in read) == 1
    cache_tags.bump(["s:portal.news"])
    assert client.get(news_list_url())["X-Page-Cache"] == "miss"


def test_a_new_process_serves_the_pages_made_before_it_started(client, monkeypatch):
    """A worker that has just started reads back the latest changes, so that the pages
    made before it are served if none of those changes named them; a page older than
    the changes it reads back is made again."""
    NewsFactory()
    client.get(news_list_url())
    cache_tags.bump(["m:cities.city"])
    monkeypatch.setattr(cache_tags, "_followed", None)  # as in a new worker
    assert client.get(news_list_url())["X-Page-Cache"] == "hit"
    cache_tags.bump(["s:portal.news"])
    monkeypatch.setattr(cache_tags, "_followed", None)
    assert client.get(news_list_url())["X-Page-Cache"] == "miss"
    monkeypatch.setattr(cache_tags, "FOLLOW_READ_MOST", 2)
    for _ in range(3):
        cache_tags.bump(["m:cities.city"])
    monkeypatch.setattr(cache_tags, "_followed", None)
    assert client.get(news_list_url())["X-Page-Cache"] == "miss"
    assert client.get(news_list_url())["X-Page-Cache"] == "hit"


def test_a_counter_seeded_anew_trusts_no_page_stored_before(client, monkeypatch):
    """A counter the cache lost may start again below the numbers of the pages it still
    holds (another server's clock is behind, or changes came faster than one a
    millisecond): whether a change or a page seeds it, it starts a new epoch."""
    NewsFactory()
    client.get(news_list_url())
    stored = cache.get(cache_tags.COUNTER)
    monkeypatch.setattr(cache_tags, "_seed", lambda: stored - 1000)
    cache.delete(cache_tags.COUNTER)
    cache_tags.bump(["m:cities.city"])
    assert client.get(news_list_url())["X-Page-Cache"] == "miss"
    assert client.get(news_list_url())["X-Page-Cache"] == "hit"
    cache.delete(cache_tags.COUNTER)
    assert cache_tags.counter() == stored - 1000
    assert client.get(news_list_url())["X-Page-Cache"] == "miss"
    # Made from a number above the counter's: not current, whatever was followed.
    assert not cache_tags.unchanged(["m:portal.news"], stored, stored - 1000)


def test_the_threads_of_a_process_share_what_it_followed():
    """Each thread has a cache backend of its own; what the process followed is one."""
    cache_tags.bump(["m:cities.city"])
    now = cache_tags.counter()
    followed = cache_tags.follow_changes(now)
    found = []
    thread = threading.Thread(target=lambda: found.append(cache_tags.follow_changes(now)))
    thread.start()
    thread.join(10)
    assert found and found[0] is followed


def test_a_process_follows_afresh_from_the_changes_it_can_read(monkeypatch):
    monkeypatch.setattr(cache_tags, "FOLLOW_READ_MOST", 5)
    monkeypatch.setattr(cache_tags, "_followed", None)
    seed = cache_tags.counter()
    cache_tags.bump(["m:cities.city"])
    cache_tags.bump(["m:portal.news"])
    now = cache.get(cache_tags.COUNTER)
    # Read back to the counter's seed, which no change has an entry for.
    assert cache_tags.follow_changes(now)[:3] == (
        seed,
        now,
        {"m:cities.city": now - 1, "m:portal.news": now},
    )
    cache_tags.bump(["m:portal.page"])
    cache.delete(f"{cache_tags.LOG}{now + 1}")
    # The lost entry's change is unknown: what was made before it counts as changed.
    assert cache_tags.follow_changes(now + 1)[:3] == (now + 1, now + 1, {})
    cache_tags.bump(["m:portal.page"])
    assert cache_tags.follow_changes(now + 2)[:3] == (now + 1, now + 2, {"m:portal.page": now + 2})
    # More changes at once than it reads: it follows from those it reads.
    for _ in range(7):
        cache_tags.bump(["m:cities.city"])
    assert cache_tags.follow_changes(now + 9)[:3] == (now + 4, now + 9, {"m:cities.city": now + 9})


def test_between_changes_a_hit_reads_no_version(client, django_assert_num_queries):
    NewsFactory()
    client.get(news_list_url())
    reads = []
    original = cache.get_many
    try:
        cache.get_many = lambda keys, *args, **kwargs: reads.append(keys) or original(keys)
        assert client.get(news_list_url())["X-Page-Cache"] == "hit"
    finally:
        del cache.get_many
    assert len(reads) == 1 and not any(k.startswith(cache_tags.LOG) for k in reads[0])


def cache_reads(client, url):
    """The keys read from the cache while ``url`` is asked for, and its response."""
    reads = []
    get, get_many = cache.get, cache.get_many
    cache.get = lambda key, *args, **kwargs: reads.append(key) or get(key, *args, **kwargs)
    cache.get_many = lambda keys, *args, **kwargs: reads.extend(keys) or get_many(keys)
    try:
        response = client.get(url)
    finally:
        del cache.get, cache.get_many
    return reads, response


def test_a_new_page_reads_no_region_kept_by_its_process(client):
    """The header's and footer's regions, made for one page, are kept by the process as
    well: another page made while nothing has changed reads neither them nor a change,
    and after an unrelated change it reads the change's entry, not the regions, once:
    the next page made reads neither again."""
    first, second, third, fourth = NewsFactory.create_batch(4)
    client.get(first.get_absolute_url())
    reads, response = cache_reads(client, second.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert not [key for key in reads if key.startswith(("cc:region:", cache_tags.LOG))]
    cache_tags.bump(["m:cities.city"])
    reads, response = cache_reads(client, third.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert not [key for key in reads if key.startswith("cc:region:")]
    assert f"{cache_tags.LOG}{cache.get(cache_tags.COUNTER)}" in reads
    reads, response = cache_reads(client, fourth.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert not [key for key in reads if key.startswith(("cc:region:", cache_tags.LOG))]


def test_a_lost_schedule_starts_afresh(client):
    """Without its schedule the cache cannot know what changed on its own meanwhile:
    every stored page is made again."""
    from portal.blocks.caching.schedule import SCHEDULE

    NewsFactory()
    client.get(news_list_url())
    cache.delete(SCHEDULE)
    assert client.get(news_list_url())["X-Page-Cache"] == "miss"


def test_an_event_becomes_past_at_midnight_without_a_save(client, monkeypatch):
    today = timezone.localdate()
    EventFactory(title_ko="오늘의 장터", start_date=today, end_date=today)
    url = reverse("events:list")
    assert "오늘의 장터" in client.get(url).text
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert "오늘의 장터" not in client.get(url).text


# --- Headers for a CDN ----------------------------------------------------------------


def test_public_pages_tell_a_shared_cache_how_long_and_what_they_show(client, settings):
    venue = InstitutionFactory()
    event = EventFactory(venue=venue)
    response = client.get(event.get_absolute_url())
    control = response["Cache-Control"]
    for part in (
        "public",
        f"s-maxage={settings.PAGE_CACHE_SHARED_SECONDS}",
        "stale-while-revalidate=",
        "stale-if-error=",
    ):
        assert part in control
    tags = response["Cache-Tag"].split(",")
    assert f"r:events.event:{event.pk}" in tags and f"l:events.event:{event.pk}" in tags
    assert f"r:institutions.institution:{venue.pk}" in tags
    # A list names which records there are and each record it shows.
    listed = client.get(reverse("events:list"))["Cache-Tag"].split(",")
    assert "s:events.event" in listed and f"r:events.event:{event.pk}" in listed
    assert client.get(reverse("events:list"))["Cache-Control"] == control


def test_staff_pages_are_private(client, admin_user):
    client.force_login(admin_user)
    response = client.get(news_list_url())
    assert "private" in response["Cache-Control"] and "Cache-Tag" not in response


PURGED = []


def record_purge(tags):
    PURGED.append(tags)


def test_a_change_calls_the_purge_hook_with_its_tags(settings):
    settings.PAGE_CACHE_PURGE = "tests.portal.test_page_cache.record_purge"
    PURGED.clear()
    news = NewsFactory()
    assert [f"r:portal.news:{news.pk}" in tags and "m:portal.news" in tags for tags in PURGED] == [
        True
    ]


def test_the_cloudflare_purge_sends_the_tags_in_batches(monkeypatch):
    """Against a local stand-in for Cloudflare's API (the real one is not reachable
    from here): the zone, the token, at most 30 tags a request."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from portal.blocks.caching import purge

    received = []

    class API(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the standard library's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.path, self.headers["Authorization"], body["tags"]))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"success": true}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), API)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("CLOUDFLARE_API", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("CLOUDFLARE_ZONE_ID", "zone-1")
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "token-1")
    tags = [f"r:portal.news:{n}" for n in range(45)]
    try:
        purge.cloudflare(tags)
    finally:
        server.shutdown()
    assert [(path, auth, len(batch)) for path, auth, batch in received] == [
        ("/zones/zone-1/purge_cache", "Bearer token-1", 30),
        ("/zones/zone-1/purge_cache", "Bearer token-1", 15),
    ]
    assert [tag for _path, _auth, batch in received for tag in batch] == tags


def test_a_failing_purge_never_fails_the_save(settings, monkeypatch):
    monkeypatch.setenv("CLOUDFLARE_API", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("CLOUDFLARE_ZONE_ID", "zone-1")
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "token-1")
    settings.PAGE_CACHE_PURGE = "portal.blocks.caching.purge.cloudflare"
    news = NewsFactory()
    news.title_en = "Saved although the CDN is unreachable"
    news.save()


# --- Found in review -------------------------------------------------------------------


def test_a_stored_page_never_carries_another_visitors_parameters(client):
    NewsFactory.create_batch(3)
    url = news_list_url()
    client.get(url + "?utm_source=SOMEONE_ELSES_TEXT&page=1")
    response = client.get(url + "?page=1")
    assert response["X-Page-Cache"] == "hit"
    assert "SOMEONE_ELSES_TEXT" not in response.text


@pytest.mark.parametrize("page", ["²", "1.0", "0_1", "x", "9999999999999"])
def test_an_odd_page_number_is_answered_by_the_view_and_never_stored(client, page):
    NewsFactory()
    for _ in range(2):
        response = client.get(news_list_url(), {"page": page})
        # Django reads "0_1" as 1; whatever the view answers, it is not stored.
        assert response.status_code in (200, 404) and "X-Page-Cache" not in response


def test_a_repeated_or_padded_parameter_is_one_page(client):
    InstitutionFactory(kind="museum")
    with translation.override("en"):
        url = reverse("institutions:list")
    client.get(url + "?kind=museum&page=1")
    for query in (
        "?kind=junk&kind=museum&page=1",
        "?kind=museum&page=%201",
        "?page=001&kind=museum",
    ):
        assert client.get(url + query)["X-Page-Cache"] == "hit", query


def test_a_scheduled_event_shows_on_its_organisers_page_on_time(client, monkeypatch):
    kiln = InstitutionFactory(name_en="Kiln Studio")
    at = timezone.now() + datetime.timedelta(minutes=5)
    event = EventFactory(title_en="Firing day", publish_at=at)
    event.organisers.add(kiln)
    url = kiln.get_absolute_url()
    assert "Firing day" not in client.get(url).text
    assert client.get(url)["X-Page-Cache"] == "hit"
    monkeypatch.setattr(timezone, "now", lambda: at + datetime.timedelta(seconds=1))
    assert "Firing day" in client.get(url).text


def test_a_partnership_shows_when_its_partner_city_is_published(client):
    from tests.factories import CityFactory, PartnershipFactory

    home = CityFactory(name_en="Icheon")
    partner = CityFactory(name_en="Limoges", status=PublicationStatus.DRAFT, publish_at=None)
    PartnershipFactory(city=home, partner=partner, title_en="Ceramics exchange")
    url = home.get_absolute_url()
    assert "Ceramics exchange" not in client.get(url).text
    partner.status = PublicationStatus.PUBLISHED
    partner.save()
    assert "Ceramics exchange" in client.get(url).text


def test_a_news_item_shows_a_related_event_once_it_is_published(client):
    news = NewsFactory()
    event = EventFactory(title_en="Opening night", status=PublicationStatus.DRAFT, publish_at=None)
    news.events.add(event)
    with translation.override("en"):
        url = news.get_absolute_url()
    assert "Opening night" not in client.get(url).text
    event.status = PublicationStatus.PUBLISHED
    event.save()
    assert "Opening night" in client.get(url).text


def advance_and_log():
    """What a change writes, through the configured backend."""
    log = cache_tags.LOG
    cache.set(cache_tags.SCHEDULE, "a schedule")
    # With no counter, it starts from the seed (a new epoch: the schedule is forgotten);
    # the change's entry is kept by number.
    assert cache.advance(cache_tags.COUNTER, 100, 60, log, ("m:portal.news",)) == 101
    assert cache.get(cache_tags.COUNTER) == 101
    assert cache.get(f"{log}101") == ("m:portal.news",)
    assert cache.get(cache_tags.SCHEDULE) is None
    cache.set(cache_tags.SCHEDULE, "a schedule")
    assert cache.advance(cache_tags.COUNTER, 100, 60, log, ("a", "b")) == 102
    assert cache.get(f"{log}102") == ("a", "b")
    assert cache.get(cache_tags.SCHEDULE) == "a schedule"


def test_a_change_moves_the_counter_and_keeps_its_entry_in_one_step():
    advance_and_log()


def test_a_change_not_written_while_the_cache_was_unreachable_is_written_later(client):
    from django.core.cache import caches

    news = NewsFactory(title_en="Before")
    with translation.override("en"):
        url = reverse("portal:news-list")
    client.get(url)
    assert cache.get(cache_tags.SCHEDULE) is not None
    backend = caches["default"]
    backend._down_until = time.monotonic() + 60  # as after a lost connection
    try:
        news.title_en = "Saved while the cache was unreachable"
        news.save()
    finally:
        backend._down_until = 0
    # Forgotten even so: what other processes stored before is not trusted.
    assert cache.get(cache_tags.SCHEDULE) is None
    assert "Saved while the cache was unreachable" in client.get(url).text


def test_a_change_moves_the_counter_and_keeps_its_entry_in_one_step_in_redis(settings):
    import redis

    redis.Redis(db=12).flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.blocks.caching.backends.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/12",
        }
    }
    advance_and_log()
    # The counter in milliseconds since 1970, as it starts, stays exact.
    assert cache.advance(
        cache_tags.COUNTER + "-ms", 1_764_400_000_000, 60, cache_tags.LOG, ("t",)
    ) == (1_764_400_000_001)
    assert cache.get(f"{cache_tags.LOG}1764400000001") == ("t",)


@pytest.mark.parametrize("frequency", [2, 0])
def test_a_full_file_cache_keeps_what_processes_follow_the_changes_by(
    settings, tmp_path, frequency
):
    """Culled past its size, the file cache forgets pages at random (a share of them,
    or all for a CULL_FREQUENCY of 0), never the counter, the schedule or the entries
    of the changes a starting process reads back."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.blocks.caching.backends.FileBasedCache",
            "LOCATION": str(tmp_path),
            "OPTIONS": {"MAX_ENTRIES": 30, "CULL_FREQUENCY": frequency},
        }
    }
    cache.CULL_EVERY = 1
    for number in range(cache_tags.FOLLOW_READ_MOST + 5):
        cache_tags.bump([f"r:portal.news:{number}"])
    cache.set(cache_tags.SCHEDULE, "the schedule")
    for number in range(60):
        cache.set(f"cc:page:{number}", "a page")
    counter = cache.get(cache_tags.COUNTER)
    recent = [f"{cache_tags.LOG}{counter - n}" for n in range(cache_tags.FOLLOW_READ_MOST)]
    assert len(cache.get_many(recent)) == len(recent)
    assert cache.get(cache_tags.SCHEDULE) == "the schedule"
    assert len(cache.get_many([f"cc:page:{number}" for number in range(60)])) < 60
