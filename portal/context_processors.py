from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language, get_language_info

from portal.models import Page


def site(request):
    """Links to this same page in each language: plain links, not a POST form, so that
    public pages carry no CSRF token and can be cached. And the footer's page links,
    read only by the template that shows them (the footer region)."""
    current = get_language()
    # The query as the view read it (the page cache drops what the page does not use),
    # never the raw one: a stored page must not carry one visitor's stray parameters.
    query = request.GET.urlencode()
    # The path encoded again as it came: decoded, a question mark, hash, backslash or
    # control character in it would change what the link means.
    path = escape_uri_path(request.path)
    prefix = f"/{current}/"
    language_links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        if path.startswith(prefix):
            # The public URLs differ between languages only in their prefix (no pattern
            # is translated), so swapping it is enough; the link stays under /<code>/.
            url = f"/{code}/{path[len(prefix) :]}" + (f"?{query}" if query else "")
        else:
            # Not a page of the public site (a 404 for an address outside the language
            # prefixes, such as //other.example/): the home page in that language, never
            # the address itself, which a browser may read as another site's.
            with translation.override(code):
                url = reverse("portal:home")
        language_links.append(
            {
                "code": code,
                "name": info["name_local"],
                # What a phone's header shows (one row): "EN" for English.
                "short": "EN" if code == "en" else info["name_local"],
                "url": url,
                "is_current": code == current,
            }
        )
    return {"language_links": language_links, "footer_pages": Page.objects.in_footer}
