"""The edit guard: a save over a version someone else saved after the form was opened is
refused, on the main form and on every inline row, and two saves at the same moment
cannot both pass the check."""

import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from cities.models import Milestone
from portal.blocks.roles import EDITOR, PUBLISHER, sync_roles
from portal.models import News
from tests.conftest import SQLITE_FILE_VARIABLE
from tests.factories import (
    CityFactory,
    EventFactory,
    MilestoneFactory,
    NewsFactory,
    PartnershipFactory,
)
from tests.portal.admin_helpers import change_form_data, make_staff_user, prefilled_data

CONFLICT = "after you opened it"


def opened(client, url):
    """The data of an admin change page as a person would send it back unchanged."""
    response = client.get(url)
    assert response.status_code == 200
    return change_form_data(response)


def errors_of(response):
    """Every error the admin shows on a change page: the main form's and the inlines'."""
    form = response.context["adminform"].form
    messages = [str(error) for error in form.non_field_errors()]
    for inline in response.context["inline_admin_formsets"]:
        for inline_form in inline.formset.forms:
            messages += [str(error) for error in inline_form.non_field_errors()]
    return " ".join(messages)


# --- Two saves at the same moment ----------------------------------------------------


def save_both_at_once(model, posts):
    """Runs the POSTs (client, url, data) in two threads, each with its own database
    connection. Each thread, on reaching ``model.save``, waits (two seconds at most) for
    the other to reach it too: without a lock both would pass the version check before
    either writes. With the row locked, the second waits inside the check until the
    first has committed, so the first stops waiting and saves alone."""
    barrier = threading.Barrier(len(posts), timeout=2)
    original_save = model.save

    def save(self, *args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return original_save(self, *args, **kwargs)

    responses = [None] * len(posts)

    def run(index, client, url, data):
        try:
            responses[index] = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
        finally:
            connections.close_all()

    model.save = save
    try:
        threads = [
            threading.Thread(target=run, args=(index, *post)) for index, post in enumerate(posts)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        model.save = original_save
    assert all(response is not None for response in responses)
    return responses


@pytest.fixture
def writers_wait():
    """Skips where writers do not wait for each other: the suite's SQLite test database
    is in memory, where a second writer is refused at once ('table is locked'). On a
    SQLite file the portal begins transactions IMMEDIATE (``portal.blocks.env``), so the
    admin's save holds the write lock from its check to its commit and a second save
    begins only after it; the test below runs these tests on a file."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database; run on a file by the test below")


CONCURRENT_TESTS = (
    "test_two_saves_of_one_record_at_the_same_moment_one_wins",
    "test_an_inline_row_and_its_own_page_saved_at_the_same_moment_one_wins",
)


@pytest.mark.skipif(
    connection.vendor != "sqlite" or SQLITE_FILE_VARIABLE in os.environ,
    reason="the concurrent tests run on this database themselves",
)
def test_concurrent_saves_on_a_sqlite_file(tmp_path):
    """The concurrent tests, in a second run whose test database is a SQLite file (with
    static files and cache of its own)."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"]
        + [f"{__file__}::{name}" for name in CONCURRENT_TESTS],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            SQLITE_FILE_VARIABLE: str(tmp_path / "test.sqlite3"),
            "STATIC_ROOT": str(tmp_path / "static"),
            "CACHE_DIR": str(tmp_path / "cache"),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"{len(CONCURRENT_TESTS)} passed" in result.stdout, result.stdout
    assert "skipped" not in result.stdout, result.stdout


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_record_at_the_same_moment_one_wins(django_user_model, writers_wait):
    sync_roles()  # a transactional test starts from an emptied database
    # A draft: Editors' changes to published records are proposals, which write nothing
    # to the record (tests/portal/test_revisions.py).
    news = NewsFactory(title_en="First", summary_en="", status="draft")
    url = reverse("admin:portal_news_change", args=[news.pk])
    clients, posts = [], []
    for name in ("ana", "ben"):
        client = Client()
        client.force_login(make_staff_user(django_user_model, EDITOR, name))
        data = opened(client, url)
        data["title_en"] = f"{name}'s title"
        clients.append(client)
        posts.append((client, url, data))

    responses = save_both_at_once(News, posts)

    assert sorted(response.status_code for response in responses) == [200, 302]
    winner = 0 if responses[0].status_code == 302 else 1
    loser = responses[1 - winner]
    assert CONFLICT in errors_of(loser)
    # The loser gets the form back with what they typed, to copy from.
    loser_name = ("ana", "ben")[1 - winner]
    assert loser.context["adminform"].form["title_en"].value() == f"{loser_name}'s title"
    news.refresh_from_db()
    assert news.title_en == f"{('ana', 'ben')[winner]}'s title"
    assert news.history.filter(history_type="~").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_inline_row_and_its_own_page_saved_at_the_same_moment_one_wins(
    django_user_model, writers_wait
):
    """A milestone changed on its city's page (inline) and on its own page at once."""
    sync_roles()
    city = CityFactory()
    milestone = MilestoneFactory(city=city, title_en="Candidate city")
    city_url = reverse("admin:cities_city_change", args=[city.pk])
    milestone_url = reverse("admin:cities_milestone_change", args=[milestone.pk])
    ana, ben = Client(), Client()
    ana.force_login(make_staff_user(django_user_model, PUBLISHER, "ana"))
    ben.force_login(make_staff_user(django_user_model, PUBLISHER, "ben"))
    on_city_page = opened(ana, city_url)
    on_city_page["milestones-0-title_en"] = "Ana's title"
    on_own_page = opened(ben, milestone_url)
    on_own_page["title_en"] = "Ben's title"

    responses = save_both_at_once(
        Milestone, [(ana, city_url, on_city_page), (ben, milestone_url, on_own_page)]
    )

    assert sorted(response.status_code for response in responses) == [200, 302]
    loser = next(response for response in responses if response.status_code == 200)
    assert CONFLICT in errors_of(loser)
    milestone.refresh_from_db()
    winner_title = "Ana's title" if responses[0].status_code == 302 else "Ben's title"
    assert milestone.title_en == winner_title


# --- A form opened before someone else's save ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_row, page, prefix",
    [
        (
            lambda: PartnershipFactory(title_en="Sister cities"),
            lambda row: reverse("admin:cities_city_change", args=[row.city_id]),
            "partnerships",
        ),
        (
            lambda: MilestoneFactory(title_en="Sister cities"),
            lambda row: reverse("admin:cities_city_change", args=[row.city_id]),
            "milestones",
        ),
        (
            lambda: EventFactory(title_en="Sister cities", parent=EventFactory()),
            lambda row: reverse("admin:events_event_change", args=[row.parent_id]),
            "programme",
        ),
    ],
    ids=["partnership", "milestone", "programme item"],
)
def test_a_page_opened_earlier_cannot_revert_a_newer_inline_edit(
    client, publisher, make_staff, make_row, page, prefix
):
    row = make_row()
    client.force_login(publisher)
    stale = opened(client, page(row))
    # Meanwhile a colleague corrects the row on its own page.
    colleague = Client()
    colleague.force_login(make_staff(PUBLISHER, username="colleague"))
    own_page = reverse(f"admin:{row._meta.app_label}_{row._meta.model_name}_change", args=[row.pk])
    corrected = opened(colleague, own_page)
    corrected["title_en"] = "Sister cities since 2019"
    assert colleague.post(own_page, corrected).status_code == 302

    # The page opened earlier still shows the old title; saving it is refused.
    response = client.post(page(row), stale, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    message = errors_of(response)
    assert CONFLICT in message and "colleague" in message and "title" in message
    row.refresh_from_db()
    assert row.title_en == "Sister cities since 2019"
    # Opened again, the page saves.
    fresh = opened(client, page(row))
    fresh[f"{prefix}-0-title_en"] = "Sister cities (2019)"
    assert client.post(page(row), fresh).status_code == 302
    row.refresh_from_db()
    assert row.title_en == "Sister cities (2019)"


@pytest.mark.django_db
def test_a_changed_parent_page_does_not_block_an_unchanged_inline(client, publisher):
    """The check is per row: a newer version of one partnership refuses the page, an
    untouched row of the same page does not."""
    partnership = PartnershipFactory()
    city_url = reverse("admin:cities_city_change", args=[partnership.city_id])
    client.force_login(publisher)
    data = opened(client, city_url)
    data["partnerships-0-title_en"] = "Renamed"
    assert client.post(city_url, data).status_code == 302
    partnership.refresh_from_db()
    assert partnership.title_en == "Renamed"


@pytest.mark.django_db
def test_a_revert_opened_before_a_newer_save_is_refused(client, publisher, make_staff):
    news = NewsFactory(title_en="First")
    news.title_en = "Second"
    news.save()
    client.force_login(publisher)
    url = reverse(
        "admin:portal_news_simple_history", args=[news.pk, news.history.earliest().history_id]
    )
    revert = prefilled_data(client.get(url).context["adminform"].form)
    # A colleague saves a third version while the revert form is open.
    colleague = Client()
    colleague.force_login(make_staff(PUBLISHER, username="colleague"))
    change_url = reverse("admin:portal_news_change", args=[news.pk])
    third = opened(colleague, change_url)
    third["title_en"] = "Third"
    assert colleague.post(change_url, third).status_code == 302

    response = client.post(url, revert, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert CONFLICT in " ".join(response.context["adminform"].form.non_field_errors())
    news.refresh_from_db()
    assert news.title_en == "Third"
