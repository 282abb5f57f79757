"""In-process facts about the pages the benchmark loads, printed as one JSON object for
tests/bench/run.py, which runs this module in a subprocess with the bench environment
(bench settings, DEBUG off, the bench database):

- the URL of every page, with real slugs picked from the bench database;
- the SQL queries one request runs, counted with CaptureQueriesContext around Django's
  test Client: the first request after start-up and a repeated one (the steady state
  the load test measures), and the status of each.

    DJANGO_SETTINGS_MODULE=tests.bench.settings python -m tests.bench.probe

With ``--addresses FILE`` it writes instead the addresses of the long tail, one a line
(see ``long_tail``), and prints what they are made of:

    DJANGO_SETTINGS_MODULE=tests.bench.settings python -m tests.bench.probe \
        --addresses /tmp/paths.txt --count 4000 --seed 1
"""

import argparse
import json
import math
import random
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
    ("search", "list"),
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
    institution = (
        Institution.objects.published()
        .annotate(n=Count("hosted_events"))
        .order_by("-n", "slug")
        .first()
    )
    event = (
        Event.objects.published()
        .filter(parent__isnull=True)
        .annotate(n=Count("programme"))
        .order_by("-n", "-start_date", "slug")
        .first()
    )

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
            "institution": (
                url("institutions:detail", slug=institution.slug)
                if institution
                else (None, "no institution")
            ),
            "events upcoming": url("events:list"),
            "events past": url("events:list", "?when=past"),
            "events filtered": url("events:list", "?kind=exhibition"),
            "event": url("events:detail", slug=event.slug) if event else (None, "no event"),
            "calendar feed": url("events:feed"),
            "search": url("portal:search", "?q=biennale"),
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


# The long tail: every list page up to page 59 of each directory and the first pages of
# the filtered lists the per-page table measures, then detail pages of cities,
# institutions and events (in these proportions) up to the requested number, each
# address in both languages.
LANGUAGES = ("ko", "en")
LISTS = [
    ("cities:list", "", 59),
    ("institutions:list", "", 59),
    ("events:list", "", 59),
    ("cities:list", "?field=crafts&region=asia_pacific", 5),
    ("institutions:list", "?kind=museum", 5),
    ("events:list", "?when=past", 5),
    ("events:list", "?kind=exhibition", 5),
]
DETAILS = {
    "city": ("cities:detail", 1),
    "institution": ("institutions:detail", 3),
    "event": ("events:detail", 6),
}


def status_of(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def page_url(url, number):
    if number == 1:
        return url
    return f"{url}{'&' if '?' in url else '?'}page={number}"


def last_page(client, url, most):
    """The last page of a list (at most ``most``; 0 when its first page fails), found by
    asking for pages as a visitor would: an address past the last page is a 404, and
    the long tail must hold none. A few requests: the largest lists answer the first."""
    if status_of(client, url) != 200:
        return 0
    if status_of(client, page_url(url, most)) == 200:
        return most
    low, high = 1, most - 1  # page low answers, page high + 1 does not
    while low < high:
        middle = (low + high + 1) // 2
        if status_of(client, page_url(url, middle)) == 200:
            low = middle
        else:
            high = middle - 1
    return low


def long_tail(count, seed):
    """The long tail's addresses (sorted) and what they are made of. Deterministic for a
    data set and a seed; the details are a sample of the published records."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from cities.models import City
    from events.models import Event
    from institutions.models import Institution

    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    rng = random.Random(seed)  # noqa: S311 (a sample, not a secret)
    addresses, kinds, lists, problems = [], {}, {}, []

    def add(kind, urls):
        addresses.extend(urls)
        kinds[kind] = kinds.get(kind, 0) + len(urls)

    # The number of pages does not depend on the language: found once, in the first.
    for name, query, most in LISTS:
        with translation.override(LANGUAGES[0]):
            url = reverse(name) + query
        last = last_page(client, url, most)
        lists[url] = last
        if not last:
            problems.append(f"{url}: the first page does not answer 200")
        for language in LANGUAGES:
            with translation.override(language):
                url = reverse(name) + query
            add(
                "filtered list" if query else "list",
                [page_url(url, number) for number in range(1, last + 1)],
            )

    pools = {
        "city": City.objects.published(),
        "institution": Institution.objects.published(),
        "event": Event.objects.published(),
    }
    pools = {
        kind: list(rows.order_by("slug").values_list("slug", flat=True))
        for kind, rows in pools.items()
    }
    # Each record in both languages; a kind with fewer records than its share leaves the
    # rest to the others (the smallest pools are served first).
    records = max(0, count - len(addresses)) // len(LANGUAGES)
    shares_left = sum(share for _name, share in DETAILS.values())
    for kind in sorted(pools, key=lambda kind: (len(pools[kind]), kind)):
        name, share = DETAILS[kind]
        chosen = rng.sample(
            pools[kind], min(round(records * share / shares_left), len(pools[kind]))
        )
        records -= len(chosen)
        shares_left -= share
        urls = []
        for language in LANGUAGES:
            with translation.override(language):
                urls += [reverse(name, kwargs={"slug": slug}) for slug in chosen]
        add(kind, urls)
        # A few asked for here: a detail page that does not answer is not found by
        # counting pages.
        for url in urls[:2]:
            if (status := status_of(client, url)) != 200:
                problems.append(f"{url}: HTTP {status}")
    return sorted(set(addresses)), {"by_kind": kinds, "list_pages": lists, "problems": problems}


def content_changed():
    """Have the site forget what content changes, for every page at once: a new content
    generation (portal.cache). Where the site has none, every cache is cleared instead,
    so the first request counted also makes what would outlive a change: the most a
    change can cost. Returns which of the two was done."""
    try:
        from portal.cache import new_generation
    except ImportError:
        from django.core.cache import caches

        for cache in caches.all():
            cache.clear()
        return "every cache cleared"
    new_generation()
    return "a new content generation"


def count_queries(url):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    counts, statuses = [], []
    # The first request counted is the first after a content change, whichever page
    # was probed before; what outlives a change (the discipline choices) is made by an
    # uncounted request before it, as a running site has it.
    client.get(url)
    changed = content_changed()
    for _attempt in ("first", "repeat"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        counts.append(len(queries))
        statuses.append(response.status_code)
    return {
        "queries_first": counts[0],
        "queries": counts[1],
        "client_status": statuses[1],
        "first_after": changed,
    }


def write_long_tail(path, count, seed):
    django.setup()
    import logging

    from django.db import connection

    # Pages past a list's last are asked for on purpose: their 404s are not news.
    logging.getLogger("django.request").setLevel(logging.ERROR)

    addresses, facts = long_tail(count, seed)
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(f"{address}\n" for address in addresses)
    print(json.dumps({"count": len(addresses), **facts}))
    connection.close()
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.probe")
    parser.add_argument(
        "--addresses", default=None, help="Write the long tail's addresses to this file instead."
    )
    parser.add_argument(
        "--count",
        type=int,
        default=4000,
        help="How many addresses the long tail has (default 4000).",
    )
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    if options.addresses:
        return write_long_tail(options.addresses, options.count, options.seed)
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
        server_version = (
            f"SQLite {connection.Database.sqlite_version}"
            if connection.vendor == "sqlite"
            else "PostgreSQL {}.{}".format(*divmod(connection.pg_version, 10000))
        )
    print(
        json.dumps(
            {
                "django": django.get_version(),
                "database": server_version,
                "mode": settings.BENCH_MODE,
                "page_cache_middleware": settings.PAGE_CACHE_MIDDLEWARE,
                "ceiling_url": "/bench-ceiling/",
                "first_request_after": next(
                    (page["first_after"] for page in pages if "first_after" in page), None
                ),
                "rows": {
                    "cities": City.objects.count(),
                    "institutions": Institution.objects.count(),
                    "events": Event.objects.count(),
                },
                "pages": pages,
            }
        )
    )
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
