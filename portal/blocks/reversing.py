"""The address of a record's page, without resolving the URL patterns each time.

Lists show dozens of records, each with a link; Django's ``reverse()`` walks the
patterns, the language prefix and the converters on every call (tens of microseconds,
a tenth of a list page's time). The address of a page named by a slug differs between
records only in the slug, so the pattern is reversed once per name, language, URL
configuration and script prefix, and the slug put into it.
"""

import functools
import re

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# The slug path converter's own pattern: a slug it accepts needs no quoting.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
PLACEHOLDER = "0slug0"


@functools.lru_cache(maxsize=256)
def _address_with_placeholder(name, language, urlconf, prefix):
    return reverse(name, kwargs={"slug": PLACEHOLDER})


def reverse_slug(name, slug):
    """``reverse(name, kwargs={"slug": slug})``, for the URL patterns of this site."""
    if not SLUG.fullmatch(slug or ""):
        return reverse(name, kwargs={"slug": slug})  # raises NoReverseMatch as before
    address = _address_with_placeholder(name, get_language(), get_urlconf(), get_script_prefix())
    return address.replace(PLACEHOLDER, slug, 1)
