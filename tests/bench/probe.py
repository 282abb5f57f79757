"""In-process facts about the pages the benchmark loads, printed as one JSON object for
tests/bench/run.py, which runs this module in a subprocess with the bench environment
(bench settings, DEBUG off, the bench database):

- the URL of every page, with real slugs picked from the bench database;
- the SQL queries one request runs, counted with CaptureQueriesContext around Django's
  test Client: the first request after start-up and a repeated one (the steady state
  the load test measures), and the status of each.

    DJANGO_SETTINGS_MODULE=tests.bench.settings python -m tests.bench.probe
"""

import json
import math
import sys

import django

# name, kind (for the targets: list pages >= 10 % of the ceiling, detail pages >= 25 %).
PAGES = [
    ("home", "list"),
    ("cities", "list"),
    ("cities filtered", "list"),
    ("city profile", "detail"),
    ("institutions", "list"),
    ("institutions filtered", "list"),
    ("institutions page 50", "list"),
    ("institution", "detail"),
    ("events upcoming", "list"),
    ("events past", "list"),
    ("events filtered", "list"),
    ("event", "detail"),
    ("calendar feed", "list"),
]


def page_urls():
    """{name: (url, note)} with real slugs; an unknown URL name gives (None, reason)."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, resolve, reverse
    from django.utils import translation

    from cities.models import City
    from events.models import Event
    from institutions.models import Institution

    # The richest pages of their kind: the home city (partnerships, milestones, events),
    # the institution hosting the most events, the edition with the largest programme.
    city = City.objects.published().home().first() or City.objects.published().first()
    institution = (Institution.objects.published().annotate(n=Count("hosted_events"))
                   .order_by("-n", "slug").first())
    event = (Event.objects.published().filter(parent__isnull=True)
             .annotate(n=Count("programme")).order_by("-n", "-start_date", "slug").first())

    def url(name, query="", **kwargs):
        try:
            return reverse(name, kwargs=kwargs or None) + query, ""
        except NoReverseMatch as error:
            return None, f"no URL: {error}"

    with translation.override("ko"):
        urls = {
            "home": url("portal:home"),
            "cities": url("cities:list"),
            "cities filtered": url("cities:list", "?field=crafts&region=asia_pacific"),
            "city profile": url("cities:detail", slug=city.slug) if city else (None, "no city"),
            "institutions": url("institutions:list"),
            "institutions filtered": url("institutions:list", "?kind=museum"),
            "institution": (url("institutions:detail", slug=institution.slug)
                            if institution else (None, "no institution")),
            "events upcoming": url("events:list"),
            "events past": url("events:list", "?when=past"),
            "events filtered": url("events:list", "?kind=exhibition"),
            "event": url("events:detail", slug=event.slug) if event else (None, "no event"),
            "calendar feed": url("events:feed"),
        }
        # Page 50, or the last page when the data set is too small to have 50.
        listing, _note = urls["institutions"]
        page, note = 50, ""
        if listing:
            per_page = getattr(resolve(listing).func.view_class, "paginate_by", None) or 1
            last = max(1, math.ceil(Institution.objects.published().count() / per_page))
            if last < 50:
                page, note = last, f"only {last} pages at this size: measured the last"
            urls["institutions page 50"] = (f"{listing}?page={page}", note)
        else:
            urls["institutions page 50"] = urls["institutions"]
    return urls


def count_queries(url):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.cache import new_generation

    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    counts, statuses = [], []
    # The first request counted is the first after a content change, whichever page
    # was probed before; what outlives a change (the discipline choices) is made by an
    # uncounted request before it, as a running site has it.
    client.get(url)
    new_generation()
    for _attempt in ("first", "repeat"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        counts.append(len(queries))
        statuses.append(response.status_code)
    return {"queries_first": counts[0], "queries": counts[1], "client_status": statuses[1]}


def main():
    django.setup()
    from django.conf import settings
    from django.db import connection

    from cities.models import City
    from events.models import Event
    from institutions.models import Institution

    urls = page_urls()
    pages = []
    for name, kind in PAGES:
        url, note = urls[name]
        page = {"name": name, "kind": kind, "url": url, "note": note}
        if url:
            page.update(count_queries(url))
        pages.append(page)
    with connection.cursor():
        server_version = (f"SQLite {connection.Database.sqlite_version}"
                          if connection.vendor == "sqlite"
                          else "PostgreSQL {}.{}".format(*divmod(connection.pg_version, 10000)))
    print(json.dumps({
        "django": django.get_version(),
        "database": server_version,
        "mode": settings.BENCH_MODE,
        "page_cache_middleware": settings.PAGE_CACHE_MIDDLEWARE,
        "ceiling_url": "/bench-ceiling/",
        "rows": {"cities": City.objects.count(), "institutions": Institution.objects.count(),
                 "events": Event.objects.count()},
        "pages": pages,
    }))
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
