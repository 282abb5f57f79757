"""Whole public pages, stored for anonymous visitors and served until what they show
changes.

A view declares itself cacheable with ``@cached_page(...)``: which query-string
parameters it reads (``params``; a FilterSet class stands for its filters), which of
them are free text (``free_text``), and what it depends on beyond the records it loads
(``depends_on``: models, for anything of theirs it shows; ``listing(model)``, for a
list of a model's records, which then depends on the records it shows and on which
there are, so that editing a record's summary drops only the list page that shows it;
tag names; or functions of the view, such as ``lambda view: [links(view.object)]`` for
the records that point at its object). ``PageCacheMiddleware`` does the rest.

Only what the page reads is part of its address: unknown parameters are dropped before
the view runs, the known ones are put in one order, empty ones left out. A page with
free text in its address is kept in a small memory of each process
(``PAGE_CACHE_FREE_TEXT_PAGES`` pages), so that typed searches cannot crowd the shared
cache. Only a ``200`` without cookies, ``private`` or ``no-store`` is stored: a view
sends ``no-store`` for invalid filters, and a 404 is never stored.

Every cacheable response carries ``Cache-Control: public`` with a lifetime for shared
caches, ``stale-while-revalidate`` and ``stale-if-error``, and its tags in
``PAGE_CACHE_TAG_HEADER`` (``Cache-Tag``), so that a CDN in front can keep it and purge
it by tag (``PAGE_CACHE_PURGE``, called with the tags of every change on commit).
"""

import functools
import hashlib
import re
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, set_response_etag

from portal.blocks.caching import schedule
from portal.blocks.caching import tags as cache_tags
from portal.blocks.caching.local import LocalStore

HIT_HEADER = "X-Page-Cache"
PAGE_NUMBER = re.compile(r"[0-9]{1,9}")
PAGE = "cc:page:"


class Entry(NamedTuple):
    epoch: str
    since: int
    tags: tuple
    value: object


class Listing(NamedTuple):
    """A page's dependency on which records of a model there are (``listing``)."""

    model: type


def listing(model):
    """Declares that a page lists ``model``'s records: it depends on which records there
    are, in what order and groups (``tags.listing_tag``), and on each record it shows
    (recorded as it loads them). A page with free text in its address (a search, which
    may match any field) depends on every change of the model instead."""
    return Listing(model)


class PagePolicy:
    def __init__(self, params=(), free_text=(), depends_on=()):
        self.params = set()
        for param in params:
            self.params.update([param] if isinstance(param, str) else param.base_filters)
        self.free_text = frozenset(free_text)
        self.static_tags = [
            cache_tags.model_tag(item) if isinstance(item, type) else item
            for item in depends_on
            if isinstance(item, (type, str))
        ]
        self.listings = [item.model for item in depends_on if isinstance(item, Listing)]
        self.view_tags = [item for item in depends_on if not isinstance(item, (type, str, Listing))]

    def record(self, view, request):
        searched = self.has_free_text(request.GET)
        tag_of = cache_tags.model_tag if searched else cache_tags.listing_tag
        cache_tags.depends_on(*self.static_tags, *map(tag_of, self.listings))
        for tags_of in self.view_tags:
            cache_tags.depends_on(*tags_of(view))

    def normalised(self, query):
        """``query`` (a QueryDict) with only this page's parameters, each once (the last
        value, which is what a form reads), in one order, empty values left out, page
        numbers as plain numbers; None when a page number is not one (the view answers
        it, and it is not stored)."""
        kept = QueryDict(mutable=True)
        for name in sorted(self.params & set(query)):
            value = query.getlist(name)[-1].strip()
            if name == "page" and value:
                if not PAGE_NUMBER.fullmatch(value):
                    return None
                value = str(int(value))
            if value:
                kept[name] = value
        kept._mutable = False
        return kept

    def has_free_text(self, query):
        return any(query.get(name) for name in self.free_text)


def cached_page(*, params=(), free_text=(), depends_on=()):
    """Declare a view (class or function) cacheable; see the module's docstring."""
    policy = PagePolicy(params, free_text, depends_on)

    def decorate(view):
        if isinstance(view, type):
            dispatch = view.dispatch

            @functools.wraps(dispatch)
            def recorded_dispatch(self, request, *args, **kwargs):
                response = dispatch(self, request, *args, **kwargs)
                policy.record(self, request)
                return response

            view.dispatch = recorded_dispatch
            view.page_cache = policy
            return view

        @functools.wraps(view)
        def recorded_view(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            policy.record(view, request)
            return response

        recorded_view.page_cache = policy
        return recorded_view

    return decorate


@functools.lru_cache(maxsize=4096)
def policy_at(path):
    """The cache policy of the view at ``path`` (None for none, or no view): remembered
    per process, since resolving a path costs more than serving a stored page and the
    URLs do not change while a process runs."""
    language = translation.get_language_from_path(path)
    try:
        # A path without a language prefix (the API, /sitemap.xml, /robots.txt) resolves
        # only to the patterns outside i18n_patterns, whatever language is active.
        with translation.override(language or settings.LANGUAGE_CODE):
            match = resolve(path)
    except Resolver404:
        return None
    return policy_of(match.func)


def policy_of(view):
    return getattr(getattr(view, "view_class", view), "page_cache", None)


def public_headers(response, tags):
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_CACHE_BROWSER_SECONDS,
        s_maxage=settings.PAGE_CACHE_SHARED_SECONDS,
        stale_while_revalidate=settings.PAGE_CACHE_STALE_SECONDS,
        stale_if_error=settings.PAGE_CACHE_STALE_IF_ERROR_SECONDS,
    )
    if settings.PAGE_CACHE_TAG_HEADER:
        response[settings.PAGE_CACHE_TAG_HEADER] = ",".join(tags)


def storable(response):
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.cookies
        and not response.streaming
        and "private" not in control
        and "no-store" not in control
    )


class PageCacheMiddleware:
    """Serves and stores the pages of views declared with ``cached_page``, for
    visitors without a session (staff bypass it and see live pages, previews
    included). Placed before the session middleware: a stored page is answered without
    a session, a user or a database query."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.local = LocalStore(settings.PAGE_CACHE_FREE_TEXT_PAGES, copies=True)

    def __call__(self, request):
        policy = self.policy_for(request)
        if policy is None:
            return self.get_response(request)
        query = policy.normalised(request.GET)
        if query is None:
            return self.get_response(request)
        request.GET = query
        cache_tags.write_unwritten()
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            response = self.get_response(request)
            patch_cache_control(response, private=True)
            return response
        if not cache_tags.enabled():
            return self.made(request, None, None, None)
        free = policy.has_free_text(request.GET)
        key = self.key(request)
        shared = [schedule.SCHEDULE, cache_tags.COUNTER]
        found = cache.get_many(shared if free else [*shared, key])
        state = schedule.now_state(found.get(schedule.SCHEDULE), timezone.now())
        # A look at the schedule that changed anything moved the counter since it was read.
        counter_now = (
            found.get(cache_tags.COUNTER) if state is found.get(schedule.SCHEDULE) else None
        )
        entry = self.local.get(key) if free else found.get(key)
        if (
            isinstance(entry, Entry)
            and entry.epoch == state.epoch
            and cache_tags.unchanged(entry.tags, entry.since, counter_now)
        ):
            response = entry.value
            response[HIT_HEADER] = "hit"
            return response
        return self.made(request, key, state, self.local if free else None, counter_now)

    def made(self, request, key, state, local, counter_now=None):
        """The response of the view, stored under ``key`` when it may be (in ``local``
        if given, else in the shared cache). ``counter_now``: the counter as the lookup
        read it, before anything of the page was read."""
        since = (counter_now if counter_now is not None else cache_tags.counter()) if key else None
        # Regions of the page are checked against the page's own counter and epoch.
        with cache_tags.recording() as recorded, cache_tags.making(state, since):
            response = self.get_response(request)
        if not storable(response):
            return response
        tags = cache_tags.minimal(recorded)
        public_headers(response, tags)
        if key and cache_tags.still_unchanged(tags, since):
            if not response.has_header("ETag"):
                # Stored with it, so that a hit is not hashed again.
                set_response_etag(response)
            entry = Entry(state.epoch, since, tuple(tags), response)
            if local is not None:
                local.set(key, entry)
            else:
                cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            response[HIT_HEADER] = "miss"
        return response

    @staticmethod
    def policy_for(request):
        """The cache policy of the view a public GET asks for, or None."""
        if request.method not in ("GET", "HEAD"):
            return None
        return policy_at(request.path_info)

    @staticmethod
    def key(request):
        # Scheme and host are part of it: feeds and calendars carry absolute links.
        address = f"{request.scheme}://{request.get_host()}{request.path}?{request.GET.urlencode()}"
        return PAGE + hashlib.sha256(address.encode()).hexdigest()
