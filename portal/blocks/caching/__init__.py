"""The page cache: one building block, declared where it applies (docs/caching.md).

- a view says it may be cached, with what it reads and depends on: ``cached_page``
  (and ``listing`` for the records a list shows);
- a template marks a region kept on its own: ``{% region %}`` (``regions``);
- a content model is watched for changes by the content registry
  (``portal.blocks.content.register_content``), which calls ``watch`` and ``follow``.

Nothing else in models, querysets, filters, paginators or views knows about caching.
"""

from django.core.cache import cache

from portal.blocks.caching.pages import cached_page, listing
from portal.blocks.caching.schedule import follow
from portal.blocks.caching.tags import depends_on, links, watch

__all__ = ["cached_page", "depends_on", "follow", "health", "links", "listing", "watch"]

HEALTH_KEY = "cc:health"


def health():
    """Whether the cache answers now ("ok") or not ("unavailable"): a write and a read."""
    cache.set(HEALTH_KEY, 1, 10)
    return "ok" if cache.get(HEALTH_KEY) == 1 else "unavailable"
