"""A page cache for anonymous visitors that never shows stale or wrong content.

Public pages carry nothing per-user for anonymous visitors, so a rendered page can be
served again to anyone who asks for the same URL. An entry is keyed by the full address
(host, language prefix and query string included) and by a *content generation*: any save or
delete of content starts a new generation, so the next request renders afresh. No entry
lives past the next scheduled publication time, the next start or end of a timed event
today, or the next local midnight (when "upcoming" and "now on" change), so scheduled
content appears on time with no job to run. Anyone with a session cookie (staff)
bypasses the cache and sees live pages with their preview banners.
"""

import datetime
import hashlib
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.cache import set_response_etag
from django.utils.translation import get_language

GENERATION_KEY = "pagecache:generation"
STATE_KEY = "pagecache:site-state"
MAX_AGE = 600


def content_models():
    from portal.dashboard import content_models as models

    return models()


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = timezone.now().timestamp()
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    return value


def new_generation(**kwargs):
    """Forget every cached page (by moving on to a new key space); the new generation."""
    stamp = timezone.now().timestamp()
    cache.set(GENERATION_KEY, stamp, None)
    return stamp


class SiteState(NamedTuple):
    change_at: datetime.datetime
    footer_pages: list


def site_state(stamp):
    """What every page needs from the database once per content generation (``stamp``,
    the generation it is read in): when cached
    content next goes out of date on its own (the next scheduled publication, the next
    start or end of a timed event today, or the next local midnight, whichever comes
    first) and the footer's page links. Both are read in one query, remembered until
    content changes: a first request after a change then costs no more than the
    queries for its own content."""
    # Kept under the generation it was read in: a request that read the database just
    # before a save stores what it read where no later request looks.
    key = f"{STATE_KEY}:{stamp}"
    value = cache.get(key)
    if value is None:
        value = read_site_state()
        cache.set(key, value, MAX_AGE)
    return value


def read_site_state():
    from portal.footer import FooterPage, footer_rows, with_empty_footer_columns

    now = timezone.localtime()
    midnight = (now + datetime.timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0)
    # Every model's next scheduled publication and the times at which content's pages
    # change with the clock (an event becoming "now on"), each a single-value query.
    times = []
    for model in content_models():
        if hasattr(model.objects, "next_publication"):
            times.append(model.objects.next_publication())
        if hasattr(model.objects, "clock_changes"):
            times.extend(model.objects.clock_changes(now))
    rows = footer_rows().union(*map(with_empty_footer_columns, times), all=True)
    change_at, footer_pages = midnight, []
    for time, *columns in rows:
        page = FooterPage._make(columns)
        if page.slug is not None:
            footer_pages.append(page)
        elif time is not None:
            change_at = min(change_at, time)
    return SiteState(change_at, sorted(footer_pages))


def seconds_until(change_at, now):
    """How long an entry made ``now`` may be kept: until ``change_at``, and never longer
    than MAX_AGE (so that a lost signal costs minutes, not days)."""
    return min(MAX_AGE, max(1, int((change_at - now).total_seconds())))


def current(now):
    """The content generation ``now`` and when cached content next goes out of date on
    its own, after starting a new generation if that time has already passed (a
    scheduled record has just gone live). Two cache reads, on every request."""
    stamp = generation()
    change_at = site_state(stamp).change_at
    if change_at <= now:
        stamp = new_generation()
        change_at = site_state(stamp).change_at
    return stamp, change_at


def current_generation():
    """The content generation now (for template fragment caches keyed by it)."""
    stamp, _change_at = current(timezone.now())
    return stamp


def remember(name, build):
    """The value ``build()`` makes from published content, kept until content changes
    (the same generations and times as the page cache), per language. For parts of a
    page that are costly and shared by every request, such as the home city's journey."""
    now = timezone.now()
    stamp, change_at = current(now)
    key = f"content:{stamp}:{get_language()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds_until(change_at, now))
    return value


def remember_each(names, build):
    """``remember`` for many values at once, in one cache round trip: {name: value} for
    every name, where ``build(missing)`` makes {name: value} for the names not (or no
    longer) remembered. For lists whose every row renders the same way until content
    changes, such as the events of a calendar feed."""
    now = timezone.now()
    stamp, change_at = current(now)
    prefix = f"content:{stamp}:{get_language()}:"
    found = cache.get_many([prefix + name for name in names])
    values = {name: found[prefix + name] for name in names if prefix + name in found}
    missing = [name for name in names if name not in values]
    if missing:
        built = build(missing)
        cache.set_many({prefix + name: value for name, value in built.items()},
                       seconds_until(change_at, now))
        values.update(built)
    return values


def is_public_path(path):
    prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)
    return path.startswith(prefixes)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.applies_to(request):
            return self.get_response(request)
        now = timezone.now()
        stamp, change_at = current(now)
        # Scheme and host are part of the key: feeds and calendars carry absolute links.
        address = request.build_absolute_uri()
        key = f"pagecache:{stamp}:{hashlib.sha256(address.encode()).hexdigest()}"
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self.can_store(response):
            # Stored with its ETag, so that a hit is not hashed again on every request
            # (ConditionalGetMiddleware adds one only where there is none).
            if not response.has_header("ETag"):
                set_response_etag(response)
            cache.set(key, response, seconds_until(change_at, now))
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def applies_to(request):
        return (
            request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and is_public_path(request.path_info)
        )

    @staticmethod
    def can_store(response):
        return (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )


def connect_signals():
    """Any change to content, its relations or its history starts a new generation."""
    for model in content_models():
        post_save.connect(new_generation, sender=model, dispatch_uid=f"pagecache-save-{model}")
        post_delete.connect(new_generation, sender=model, dispatch_uid=f"pagecache-del-{model}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(new_generation, sender=field.remote_field.through,
                                dispatch_uid=f"pagecache-m2m-{field.remote_field.through}")
