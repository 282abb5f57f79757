from django.conf import settings
from django.urls import translate_url
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
    path = request.path + (f"?{query}" if query else "")
    prefix = f"/{current}/"
    language_links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        language_links.append(
            {
                "code": code,
                "name": info["name_local"],
                # The public URLs differ between languages only in their prefix (no pattern
                # is translated), so swapping it is enough.
                "url": (
                    f"/{code}/{path[len(prefix) :]}"
                    if path.startswith(prefix)
                    else translate_url(path, code)
                ),
                "is_current": code == current,
            }
        )
    return {"language_links": language_links, "footer_pages": Page.objects.in_footer}
