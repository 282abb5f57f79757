from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info

from portal.cache import current_generation
from portal.footer import footer_pages


def site(request):
    """Links to this same page in each language: plain links, not a POST form, so that
    public pages carry no CSRF token and can be cached. And the footer's page links."""
    current = get_language()
    path = request.get_full_path()
    prefix = f"/{current}/"
    language_links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        language_links.append({
            "code": code,
            "name": info["name_local"],
            # The public URLs differ between languages only in their prefix (no pattern
            # is translated), so swapping it is enough; resolving and reversing the
            # path for each language cost more than some whole remembered pages.
            "url": (f"/{code}/{path[len(prefix):]}" if path.startswith(prefix)
                    else translate_url(path, code)),
            "is_current": code == current,
        })

    def footer_links():
        # Called by the template that shows them (not by the admin's, for example).
        return [
            {"slug": page.slug,
             "title": (page.title_en or page.title_ko) if current == "en"
             else (page.title_ko or page.title_en)}
            for page in footer_pages()
        ]

    return {
        "language_links": language_links,
        "footer_pages": footer_links,
        # Fragment caches key on it ({% cache … content_generation … %}), so that they
        # are forgotten, like cached pages, as soon as content changes. Read once per
        # page, not once per fragment (the footer, a body, a head).
        "content_generation": SimpleLazyObject(current_generation),
    }
