"""The site identity with the page cache on: the pages and regions that show it (every
page's title, header and footer; the contact page) are dropped when it changes, and
kept when anything else does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.models import SiteIdentity
from tests.factories import NewsFactory, SiteIdentityFactory, SocialLinkFactory

# Transactions commit in these tests, as on a site: invalidation runs on commit.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.page_cache]


def urls(lang="ko"):
    with translation.override(lang):
        return [reverse("portal:home"), reverse("portal:news-list"), reverse("portal:contact")]


def stored(client, url):
    client.get(url)
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit", url
    return response


def test_an_edit_of_the_identity_shows_on_the_next_request(client):
    identity = SiteIdentityFactory(phone="031-644-2000")
    for lang in ("ko", "en"):
        for url in urls(lang):
            assert "031-644-2000" in stored(client, url).text
    identity.site_name_ko = "진주 유네스코 공예·민속예술 창의도시"
    identity.site_name_en = "Jinju UNESCO Creative City of Crafts and Folk Art"
    identity.phone = "055-749-2114"
    identity.save()
    for lang, name in (("ko", "진주 유네스코"), ("en", "Jinju UNESCO")):
        for url in urls(lang):
            response = client.get(url)
            assert response["X-Page-Cache"] == "miss", url
            text = response.text
            assert f"· {name}" in text.split("</title>")[0], url
            assert f'<span class="brand__name">{name}' in text, url
            assert '<a href="tel:+82557492114">055-749-2114</a>' in text, url
            assert "031-644-2000" not in text, url


def test_the_first_identity_saved_on_a_fresh_install_shows_at_once(client):
    for url in urls():
        assert "창의도시 포털" in stored(client, url).text
    SiteIdentity.objects.create(site_name_ko="이천 유네스코 공예·민속예술 창의도시")
    for url in urls():
        text = client.get(url).text
        assert "이천 유네스코 공예·민속예술 창의도시</title>" in text, url
        assert "창의도시 포털" not in text, url


def test_a_new_or_removed_social_link_shows_on_the_next_request(client):
    identity = SiteIdentityFactory()
    for url in urls("en"):
        stored(client, url)
    link = SocialLinkFactory(identity=identity, network_en="Instagram")
    for url in urls("en"):
        assert ">Instagram</a>" in client.get(url).text, url
    link.delete()
    for url in urls("en"):
        assert ">Instagram</a>" not in client.get(url).text, url


def test_other_changes_reuse_the_kept_header_and_footer(client):
    """A save elsewhere drops the news list, which is made again without reading the
    identity: its title, header and footer come from their kept regions."""
    SiteIdentityFactory()
    news = urls()[1]
    stored(client, news)
    NewsFactory()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(news)
    assert response["X-Page-Cache"] == "miss"
    assert "이천 유네스코 공예·민속예술 창의도시</title>" in response.text
    assert not [query for query in captured if "portal_siteidentity" in query["sql"]]
