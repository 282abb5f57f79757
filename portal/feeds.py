from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from portal.markdown import render_markdown
from portal.models import News
from portal.translation_status import localized


class NewsFeed(Feed):
    """Atom feed of the latest published news, in the language of its URL."""

    feed_type = Atom1Feed
    title = _("Creative City Portal: news")
    subtitle = _("News from the UNESCO Creative City program office.")

    def link(self):
        return reverse("portal:news-list")

    def items(self):
        return News.objects.published().for_listing()[:20]

    def item_title(self, item):
        return localized(item, "title").text

    def item_description(self, item):
        return localized(item, "summary").text or render_markdown(localized(item, "body").text)

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at
