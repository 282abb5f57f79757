"""Suggestions for a text field: a list's ``city`` filter suggests the hundreds of
cities a visitor may type, from an address of their own rather than inside every page.

Written into each page, the ``<datalist>`` was a third of a directory page's bytes
(400 cities: 14 KB of 49 KB, 3 of its 10 KB gzipped) and a sixth of making the page
when nothing was cached, for a field a visitor may never use. The field
(``widgets.SuggestedText``) carries the address; ``static/js/suggestions.js`` fills the
field's datalist from it the first time the field gets focus. Without the script the
field works the same: it takes a name in either language or a web-address name.
"""

from django.views import View

from portal.blocks.compact_json import compact_json_response


class SuggestionsView(View):
    """``[[value, label], …]`` as JSON (UTF-8, no spaces): what ``suggestions()`` gives,
    in the page's language. Subclasses set ``suggestions`` to a static method
    returning (value, label) pairs, and declare with ``cached_page`` what
    they depend on."""

    suggestions = None

    def get(self, request, *args, **kwargs):
        return compact_json_response([[value, label] for value, label in self.suggestions()])
