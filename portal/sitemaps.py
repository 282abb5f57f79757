"""/sitemap.xml and /robots.txt: what search engines may crawl, in both languages.

The sitemap is an index of sections (the site's main pages, then one section per kind
of record), each split into pages of ``RECORDS_PER_PAGE`` records. A record is listed
once per language, each entry naming the other language and ``x-default`` (the Korean
address: the bare domain only redirects to a home page) as ``xhtml:link`` alternates,
and carrying ``lastmod``. A page of a section is one query over a few columns
(``values_list``, no model instances), whatever the number of records: at network scale
(50,000 events) the events section is twenty pages of 5,000 addresses each, well under
the protocol's 50,000 addresses and 50 MB.

Only what ``.published()`` returns is listed: no draft, no record scheduled for later.
Both views are cached pages (``@cached_page``) that depend on every listed model, so a
publication, a withdrawal or a scheduled time passing makes them out of date.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from cities.models import City
from events.models import Event
from institutions.models import Institution
from portal.blocks.caching import cached_page
from portal.blocks.reversing import reverse_slug
from portal.models import News, Page, SiteIdentity

# Records per page of a section; each is listed in every language (two addresses).
RECORDS_PER_PAGE = 2500

# When a published record last changed for a visitor: its last save, or the moment a
# scheduled publication made it public, whichever is later.
LAST_CHANGED = Greatest("updated_at", "publish_at")

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def addresses(base, locate):
    """``{language: absolute address}`` of one page, ``locate()`` called with each
    language active."""
    found = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            found[code] = base + locate()
    return found


def entries(base, locate, lastmod):
    """The sitemap entries of one page: one per language, each with every language's
    address (``x-default``: the default language's) as alternates."""
    found = addresses(base, locate)
    alternates = [{"location": found[code], "lang_code": code} for code in LANGUAGE_CODES]
    alternates.append({"location": found[settings.LANGUAGE_CODE], "lang_code": "x-default"})
    return [
        {"location": found[code], "lastmod": lastmod, "alternates": alternates}
        for code in LANGUAGE_CODES
    ]


class BilingualSitemap(Sitemap):
    """A section whose items each have one page per language."""

    limit = RECORDS_PER_PAGE

    def locate(self, item):
        raise NotImplementedError

    def item_lastmod(self, item):
        raise NotImplementedError

    def get_urls(self, page=1, site=None, protocol=None):
        protocol = self.get_protocol(protocol)
        base = f"{protocol}://{self.get_domain(site)}"
        urls = []
        for item in self.paginator.page(page).object_list:
            urls.extend(entries(base, lambda item=item: self.locate(item), self.item_lastmod(item)))
        # Read by the view for the Last-Modified header.
        self.latest_lastmod = max(filter(None, (url["lastmod"] for url in urls)), default=None)
        return urls


class RecordSitemap(BilingualSitemap):
    """The published records of ``model``, in key order, as (slug, last changed) rows."""

    model = None
    url_name = None

    def published(self):
        return self.model.objects.published()

    def items(self):
        return (
            self.published()
            .annotate(last_changed=LAST_CHANGED)
            .order_by("pk")
            .values_list("slug", "last_changed")
        )

    def locate(self, item):
        return reverse_slug(self.url_name, item[0])

    def item_lastmod(self, item):
        return item[1]

    def get_latest_lastmod(self):
        return self.published().aggregate(latest=Max(LAST_CHANGED))["latest"]


class CitySitemap(RecordSitemap):
    model = City
    url_name = "cities:detail"


class InstitutionSitemap(RecordSitemap):
    model = Institution
    url_name = "institutions:detail"


class EventSitemap(RecordSitemap):
    model = Event
    url_name = "events:detail"


class NewsSitemap(RecordSitemap):
    model = News
    url_name = "portal:news-detail"


class PageSitemap(RecordSitemap):
    model = Page
    url_name = "portal:page"


# The site's own pages, each with the models whose latest change is its last change.
MAIN_PAGES = {
    "portal:home": (City, Institution, Event, News),
    "cities:list": (City,),
    "institutions:list": (Institution,),
    "events:list": (Event,),
    "events:embed": (),
    "portal:news-list": (News,),
    "portal:open-data": (),
    "portal:contact": (),
}


class MainSitemap(BilingualSitemap):
    def __init__(self):
        super().__init__()
        self._latest = None

    def latest(self):
        """The last change of each listed model, and of the site identity (what the
        pages without records show): one small query each, once a request."""
        if self._latest is None:
            self._latest = {
                model: model.objects.published().aggregate(latest=Max(LAST_CHANGED))["latest"]
                for model in (City, Institution, Event, News, Page)
            }
            self._latest[None] = SiteIdentity.objects.aggregate(latest=Max("updated_at"))["latest"]
        return self._latest

    def items(self):
        return list(MAIN_PAGES)

    def locate(self, item):
        return reverse(item)

    def item_lastmod(self, item):
        latest = self.latest()
        # Every page shows the site identity (its name, the footer) and the footer's
        # page links. A site with no content and no identity yet has no date to give.
        return max(
            filter(None, (latest[model] for model in (*MAIN_PAGES[item], Page, None))),
            default=None,
        )

    def get_latest_lastmod(self):
        return max(filter(None, self.latest().values()), default=None)


SECTIONS = {
    "main": MainSitemap,
    "cities": CitySitemap,
    "institutions": InstitutionSitemap,
    "events": EventSitemap,
    "news": NewsSitemap,
    "pages": PageSitemap,
}
SECTION_MODELS = [City, Institution, Event, News, Page, SiteIdentity]


@cached_page(depends_on=SECTION_MODELS)
def index(request):
    return sitemap_views.index(request, SECTIONS, sitemap_url_name="sitemap-section")


@cached_page(params=["p"], depends_on=SECTION_MODELS)
def section(request, section):
    return sitemap_views.sitemap(request, SECTIONS, section=section)


@cached_page()
def robots(request):
    """Everything may be crawled but the staff site; the sitemap is named with this
    host's address (a page's cache key holds its host)."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /i18n/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
