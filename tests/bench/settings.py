"""The project's own settings (portal.settings, from the same environment variables)
plus what only the benchmark needs: a URLconf with the ceiling view, its template, the
page cache switched off for the "uncached" mode and every cache for the "nocache" mode.

Used by the bench's gunicorn (tests/bench/wsgi.py) and probe (tests/bench/probe.py)
through DJANGO_SETTINGS_MODULE=tests.bench.settings; nothing in the project imports it.
"""

import os
from pathlib import Path

from portal.settings import *  # noqa: F403
from portal.settings import CACHES, MIDDLEWARE, TEMPLATES

ROOT_URLCONF = "tests.bench.urls"
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]},
    *TEMPLATES[1:],
]

# The page cache is recognised by its middleware's name (any *PageCache* middleware,
# such as portal.blocks.caching.pages.PageCacheMiddleware). "uncached" measures what
# rendering a page costs; "cached" runs the middleware list as the project configures it;
# "nocache" keeps that list but gives Django's cache API nothing to remember with (every
# configured cache, should there be more than the default, becomes a DummyCache), so
# that whatever the site keeps in a cache is made again on every request: what it costs
# when its cache is empty, down or flushed faster than it fills.
BENCH_MODE = os.environ.get("BENCH_MODE", "uncached")
PAGE_CACHE_MIDDLEWARE = [name for name in MIDDLEWARE if "PageCache" in name]
if BENCH_MODE == "uncached":
    MIDDLEWARE = [name for name in MIDDLEWARE if name not in PAGE_CACHE_MIDDLEWARE]
elif BENCH_MODE == "nocache":
    CACHES = {alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"} for alias in CACHES}
