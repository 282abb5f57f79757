"""Views whose modules are imported on their first request, not when the URLs load.

A worker that serves only the public site (``portal.wsgi_public``) pays for every
module it imports, whether or not a request ever needs it: the open-data API's
framework (REST framework, its OpenAPI schema generator and what they pull in) is
megabytes a worker carries for requests that may never come. Its URLs name their views
by dotted path instead:

    path("cities/", DeferredView("cities.api.CityListView"), name="cities")

Reversing these URLs imports nothing; resolving one of them (the page cache asks which
view a path has before it runs) or serving it imports its view.
"""

from django.utils.functional import cached_property
from django.utils.module_loading import import_string

# Django asks every URL's view for ``view_class`` while it indexes them for reverse()
# (``URLPattern.lookup_str``); without one, it names the view by ``__module__`` and
# ``__qualname__``, which the dotted path gives without an import.
UNDEFERRED = frozenset({"view_class"})


class DeferredView:
    """The view ``as_view()`` makes of the class at ``path``, made on first use. Any
    attribute of that view (what middleware and schema generators read, such as
    ``csrf_exempt`` or REST framework's ``cls``) is the view's own."""

    def __init__(self, path):
        self.path = path
        self.__module__, _, self.__name__ = path.rpartition(".")
        self.__qualname__ = self.__name__

    @cached_property
    def view(self):
        return import_string(self.path).as_view()

    @property
    def page_cache(self):
        """The view class's cache policy (``portal.blocks.caching.cached_page``)."""
        return getattr(self.view.view_class, "page_cache", None)

    def __call__(self, request, *args, **kwargs):
        return self.view(request, *args, **kwargs)

    def __getattr__(self, name):
        if name in UNDEFERRED or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.view, name)
