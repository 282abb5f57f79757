"""What every public page's head says about it to search engines and link previews:
its canonical address, its address in each language (``hreflang``, with
``x-default``), Open Graph and Twitter card tags with its picture, and on record pages
a schema.org BreadcrumbList. Written once here and in ``includes/page_meta.html``
(rendered by ``{% page_meta %}`` in base.html), fed by what the view puts in the
context: the record it shows (``object``), or ``page_image_of`` for a page whose
picture is another record's (the home page: its city's).

Addresses are absolute, and carry only the parameters the page reads, in the order the
page cache keeps them (``PagePolicy.normalised``), so the canonical address of
``?utm_source=x&kind=museum&page=1`` is ``?kind=museum``.
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cities.models import City
from events.models import Event
from institutions.models import Institution
from portal.blocks.caching.pages import policy_of
from portal.blocks.images import largest_rendition
from portal.blocks.translation_status import localized
from portal.models import News, Page

OG_LOCALES = {"ko": "ko_KR", "en": "en_US"}

# A picture this wide or wider is shown large (Twitter's summary_large_image asks for
# 300 × 157 at least); a smaller one (a logo) as a summary card's thumbnail.
LARGE_IMAGE_WIDTH = 300


def _crumbs_to_list(url_name, label):
    return lambda record: [(label(), reverse(url_name))]


# The pages between the home page and a record's page, by model: the list it is in.
TRAILS = {
    City: _crumbs_to_list("cities:list", lambda: _("Network cities")),
    Institution: _crumbs_to_list("institutions:list", lambda: _("Institutions")),
    Event: _crumbs_to_list("events:list", lambda: _("Events")),
    News: _crumbs_to_list("portal:news-list", lambda: _("News")),
    Page: lambda record: [],
}
NAME_FIELDS = {City: "name", Institution: "name", Event: "title", News: "title", Page: "title"}


def known_query(request):
    """The query string of the page as its cache key keeps it (only the parameters the
    view reads, in one order, no empty ones, no first page number)."""
    match = request.resolver_match
    policy = policy_of(match.func) if match else None
    if policy is None:
        return ""
    query = policy.normalised(request.GET)
    if query is None:
        return ""
    query = query.copy()
    if query.get("page") == "1":
        del query["page"]
    return query.urlencode()


def language_alternates(request, language_links, query):
    """``[(hreflang, absolute address)]``: each language's page, then ``x-default``
    (the default language's: the bare domain only redirects to a home page)."""
    alternates = []
    for link in language_links:
        path = link["url"].split("?", 1)[0]
        alternates.append(
            (link["code"], request.build_absolute_uri(path + (f"?{query}" if query else "")))
        )
    default = dict(alternates).get(settings.LANGUAGE_CODE)
    if default:
        alternates.append(("x-default", default))
    return alternates


def _picture(request, url, width, height, alt):
    return {
        "url": request.build_absolute_uri(url),
        "width": width,
        "height": height,
        "alt": alt,
        "card": "summary_large_image" if (width or 0) >= LARGE_IMAGE_WIDTH else "summary",
    }


def picture(request, record, field="image"):
    """``{url, width, height, alt, card}`` of ``record``'s image ``field`` (its largest
    rendition), or None."""
    image = getattr(record, field, None) if record is not None else None
    if not image:
        return None
    url, width, height = largest_rendition(
        image, getattr(record, f"{field}_width"), getattr(record, f"{field}_height")
    )
    return _picture(request, url, width, height, localized(record, f"{field}_alt").text)


def breadcrumbs(request, record, canonical):
    """schema.org BreadcrumbList of a record's page (home, its list, itself), or None
    for a page that is not a record's."""
    model = type(record) if record is not None else None
    if model not in TRAILS:
        return None
    trail = [(_("Home"), reverse("portal:home")), *TRAILS[model](record)]
    if model is Event and record.public_parent:
        trail.append((localized(record.parent, "title").text, record.parent.get_absolute_url()))
    items = [
        {
            "@type": "ListItem",
            "position": position,
            "name": str(name),
            "item": request.build_absolute_uri(path),
        }
        for position, (name, path) in enumerate(trail, start=1)
    ]
    items.append(
        {
            "@type": "ListItem",
            "position": len(items) + 1,
            "name": localized(record, NAME_FIELDS[model]).text,
            "item": canonical,
        }
    )
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}


def page_meta(context, title, description):
    """What ``includes/page_meta.html`` writes, from the page's context."""
    request = context.get("request")
    if request is None:
        return {}
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    # Error pages (a 404) have no view: no canonical address, nothing to share.
    is_page = "view" in context
    query = known_query(request) if is_page else ""
    canonical = (
        request.build_absolute_uri(request.path + (f"?{query}" if query else ""))
        if is_page
        else None
    )
    record = context.get("page_image_of") or context.get("object")
    return {
        "canonical": canonical,
        "alternates": language_alternates(request, context.get("language_links", ()), query),
        # As base.html captured them: rendered (escaped) once, white space collapsed.
        "title": title,
        "description": description,
        "og_type": "article" if isinstance(context.get("object"), News) else "website",
        "og_locale": OG_LOCALES.get(language, language),
        "og_locale_alternates": [
            OG_LOCALES.get(code, code) for code, _name in settings.LANGUAGES if code != language
        ],
        "image": picture(request, record) if is_page else None,
        "breadcrumbs": breadcrumbs(request, context.get("object"), canonical) if is_page else None,
    }


def site_picture(request, identity):
    """The site's own picture, for pages without one: the office logo, the city emblem
    or the UNESCO logo, whichever the office gave first, else the site's icon."""
    for field in ("office_logo", "emblem", "unesco_logo"):
        found = picture(request, identity, field)
        if found:
            return found
    return _picture(request, static("img/icon-180.png"), 180, 180, "")
