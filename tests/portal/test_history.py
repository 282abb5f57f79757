"""Edit history of links (many-to-many fields), and finding and restoring deleted
records, through the admin as staff use it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cities.models import City
from events.models import Event
from institutions.models import Institution
from portal.models import News
from tests.factories import (
    CityFactory,
    DisciplineFactory,
    EventFactory,
    InstitutionFactory,
    NewsFactory,
    PartnershipFactory,
)
from tests.portal.admin_helpers import change_form_data, prefilled_data

pytestmark = pytest.mark.django_db

# Every many-to-many field of the content models, with a factory for its targets.
LINKS = [
    (NewsFactory, "cities", CityFactory),
    (NewsFactory, "events", EventFactory),
    (EventFactory, "organisers", InstitutionFactory),
    (EventFactory, "partnerships", PartnershipFactory),
    (InstitutionFactory, "disciplines", DisciplineFactory),
]


def test_every_many_to_many_field_is_in_the_history():
    tracked = {
        (model, field.name)
        for model in (News, Event, Institution, City)
        for field in model.history.model._history_m2m_fields
    }
    every = {
        (model, field.name)
        for model in (News, Event, Institution, City)
        for field in model._meta.local_many_to_many
    }
    assert tracked == every == {(factory._meta.model, name) for factory, name, _t in LINKS}


def links(obj, name):
    return sorted(getattr(obj, name).values_list("pk", flat=True))


def record_links(record, name):
    field = type(record.instance)._meta.get_field(name)
    target = field.m2m_reverse_field_name()
    return sorted(getattr(record, name).values_list(f"{target}_id", flat=True))


def admin_url(obj, name, *args):
    return reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{name}", args=[obj.pk, *args]
    )


@pytest.mark.parametrize(
    "factory, name, target_factory",
    LINKS,
    ids=[f"{f._meta.model._meta.model_name}.{n}" for f, n, _t in LINKS],
)
def test_a_link_change_is_one_version_and_a_publisher_reverts_it(
    client, publisher, factory, name, target_factory
):
    first, second = target_factory(), target_factory()
    obj = factory()
    getattr(obj, name).set([first])
    obj = type(obj).objects.get(pk=obj.pk)
    versions = obj.history.count()
    client.force_login(publisher)

    # A Publisher changes the links in the admin, as the change form shows them.
    data = change_form_data(client.get(admin_url(obj, "change")))
    assert data[name] == [str(first.pk)]
    data[name] = [str(second.pk)]
    response = client.post(admin_url(obj, "change"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert links(obj, name) == [second.pk]

    # One edit, one version, holding the new links; the one before holds the old.
    assert obj.history.count() == versions + 1
    latest, previous = obj.history.all()[:2]
    assert record_links(latest, name) == [second.pk]
    assert record_links(previous, name) == [first.pk]
    delta = latest.diff_against(previous)
    assert name in delta.changed_fields
    history_page = client.get(admin_url(obj, "history"), HTTP_ACCEPT_LANGUAGE="en")
    assert str(second) in history_page.text

    # The revert form of the earlier version shows its links, and saving it restores them.
    url = admin_url(obj, "simple_history", previous.history_id)
    form = client.get(url).context["adminform"].form
    response = client.post(url, prefilled_data(form))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert links(obj, name) == [first.pk]
    assert record_links(obj.history.first(), name) == [first.pk]


def test_a_link_change_on_its_own_is_a_version_of_its_own():
    news = NewsFactory()
    news = News.objects.get(pk=news.pk)
    city = CityFactory()
    versions = news.history.count()
    news.cities.add(city)
    news.cities.add(city)  # already there: nothing changed, no version
    assert news.history.count() == versions + 1
    assert record_links(news.history.first(), "cities") == [city.pk]


def test_a_link_changed_from_the_other_side_is_a_version_of_the_news_item():
    news = News.objects.get(pk=NewsFactory().pk)
    city = City.objects.get(pk=CityFactory().pk)
    city_versions, news_versions = city.history.count(), news.history.count()
    city.news.add(news)
    assert news.history.count() == news_versions + 1
    assert record_links(news.history.first(), "cities") == [city.pk]
    city.news.clear()
    assert news.history.count() == news_versions + 2
    assert record_links(news.history.first(), "cities") == []
    assert city.history.count() == city_versions


def test_deleted_records_are_listed_per_model_and_restored_with_their_links(
    client, publisher, editor
):
    cities = [CityFactory(), CityFactory()]
    gone = NewsFactory(title_en="Gone for good")
    gone.cities.set(cities)
    restored = NewsFactory(title_en="Deleted then restored")
    NewsFactory(title_en="Still here")
    pk, restored_pk = gone.pk, restored.pk
    gone.delete()
    restored.delete()
    restored.pk = restored_pk
    restored.save()  # back under the same key
    deleted_url = reverse("admin-deleted-records", args=["portal", "news"])

    # Editors may look (they read history) but not restore.
    client.force_login(editor)
    changelist = client.get(reverse("admin:portal_news_changelist"))
    assert f'href="{deleted_url}"' in changelist.text
    listing = client.get(deleted_url, HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200
    assert "Gone for good" in listing.text
    assert "Deleted then restored" not in listing.text and "Still here" not in listing.text
    record = News.history.get(id=pk, history_type="-")
    restore_url = reverse("admin:portal_news_simple_history", args=[pk, record.history_id])
    assert restore_url in listing.text
    assert reverse("admin:portal_news_history", args=[pk]) in listing.text
    assert client.get(deleted_url, {"q": "nothing like it"}).text.count(restore_url) == 0
    assert client.get(deleted_url, {"q": "gone for"}).text.count(restore_url) == 1
    assert client.post(restore_url, {}).status_code == 403

    # A Publisher restores it, with its links, from the form the list links to.
    client.force_login(publisher)
    form = client.get(restore_url).context["adminform"].form
    response = client.post(restore_url, prefilled_data(form))
    assert response.status_code == 302, response.context["adminform"].form.errors
    news = News.objects.get(pk=pk)
    assert news.title_en == "Gone for good"
    assert links(news, "cities") == sorted(c.pk for c in cities)
    assert "Gone for good" not in client.get(deleted_url).text


def test_deleted_records_list_is_for_staff_and_known_models(client, publisher):
    url = reverse("admin-deleted-records", args=["portal", "news"])
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(publisher)
    assert (
        client.get(reverse("admin-deleted-records", args=["portal", "nothing"])).status_code == 404
    )
    assert client.get(reverse("admin-deleted-records", args=["auth", "user"])).status_code == 404
    # Every admin with an edit history links to its list, including those not built on
    # ContentAdmin (disciplines).
    discipline = DisciplineFactory(name_en="Lacquer")
    discipline.delete()
    url = reverse("admin-deleted-records", args=["institutions", "discipline"])
    changelist = client.get(reverse("admin:institutions_discipline_changelist"))
    assert f'href="{url}"' in changelist.text
    assert "Lacquer" in client.get(url, {"q": "lacq"}, HTTP_ACCEPT_LANGUAGE="en").text


def test_deleted_records_list_queries_do_not_grow(client, publisher):
    url = reverse("admin-deleted-records", args=["portal", "news"])
    client.force_login(publisher)
    client.get(url)  # warms the content-type cache
    counts = []
    for size in (3, 30):
        for news in NewsFactory.create_batch(size):
            news.delete()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
