import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.blocks.feeds import HTML, TEXT, AtomFeed
from portal.blocks.markdown import render_markdown
from portal.blocks.translation_status import localized
from portal.models import News

FEED_LENGTH = 20


class NewsFeed(AtomFeed):
    """Atom feed of the latest published news, in the language of its URL."""

    title = _("Creative City Portal: news")
    subtitle = _("News from the UNESCO Creative City program office.")

    def link(self):
        return reverse("portal:news-list")

    def items(self):
        return News.objects.published().for_feed()[:FEED_LENGTH]

    def item_title(self, item):
        return localized(item, "title").text

    def item_description(self, item):
        return localized(item, "summary").text or render_markdown(localized(item, "body").text)

    def item_summary_type(self, item):
        # The summary is plain text; the body, shown when there is none, is sanitised HTML.
        return TEXT if localized(item, "summary").text else HTML

    def item_pubdate(self, item):
        # A news item is dated by its own date (what the list shows and is ordered by),
        # not by when it went online: seed news of 2025 loaded today is news of 2025.
        # Midnight of that day in the site's time zone, as an aware datetime.
        return datetime.datetime.combine(
            item.date, datetime.time(), tzinfo=timezone.get_default_timezone()
        )

    def item_updateddate(self, item):
        # Atom's <updated> is the last change to the entry, never before <published>.
        return max(self.item_pubdate(item), item.updated_at)
