"""Every Atom feed says what its summaries hold: plain text as text, HTML only when it
is sanitised HTML."""

import defusedxml.ElementTree as ElementTree
import pytest
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation

import portal.urls  # noqa: F401 - loads every app's URLs and with them every feed
from portal.blocks.feeds import AtomFeed
from tests.factories import NewsFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, name):
    with translation.override("en"):
        response = client.get(reverse(name))
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    return {
        entry.find(f"{ATOM}title").text: entry.find(f"{ATOM}summary")
        for entry in feed.iter(f"{ATOM}entry")
    }


@pytest.mark.django_db
def test_news_feed_sends_a_plain_summary_as_text_and_a_body_as_sanitised_html(client):
    NewsFactory(title_en="Plain", summary_en="Fish & chips <b>not bold</b> a<b")
    NewsFactory(
        title_en="Body only",
        summary_en="",
        summary_ko="",
        body_en="The *body*. <script>alert(1)</script>",
    )
    summaries = entries(client, "portal:news-feed")
    plain = summaries["Plain"]
    assert plain.get("type") == "text"
    assert plain.text == "Fish & chips <b>not bold</b> a<b"
    body = summaries["Body only"]
    assert body.get("type") == "html"
    assert "<em>body</em>" in body.text
    assert "<script" not in body.text


def all_subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from all_subclasses(subclass)


def test_every_feed_of_the_site_labels_its_summaries():
    feeds = [
        feed
        for feed in all_subclasses(Feed)
        if feed.__module__.split(".")[0] in ("portal", "cities", "institutions", "events")
        and feed is not AtomFeed
    ]
    assert feeds, "no feed found"
    for feed in feeds:
        assert issubclass(feed, AtomFeed), f"{feed.__module__}.{feed.__name__} is no AtomFeed"
