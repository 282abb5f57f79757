"""Purging a CDN by tag when content changes.

``PAGE_CACHE_PURGE`` names a function called with the tags of every committed change
(after the site's own cache has forgotten them); the default is none. ``cloudflare``
below is one for Cloudflare's purge-by-tag API: set ``PAGE_CACHE_PURGE =
"portal.blocks.caching.purge.cloudflare"`` with ``CLOUDFLARE_ZONE_ID`` and
``CLOUDFLARE_API_TOKEN`` in the environment (docs/caching.md). A purge that fails is
logged and never fails the save: the CDN then serves the page until its shared lifetime
(``s-maxage``) ends.
"""

import json
import logging
import os
import urllib.request

logger = logging.getLogger("portal.cache")

CLOUDFLARE_API = "https://api.cloudflare.com/client/v4"
# Cloudflare takes at most this many tags in one purge request.
CLOUDFLARE_BATCH = 30


def cloudflare(tags):
    zone, token = os.environ.get("CLOUDFLARE_ZONE_ID"), os.environ.get("CLOUDFLARE_API_TOKEN")
    if not zone or not token:
        logger.warning(
            "Cloudflare purge is configured without CLOUDFLARE_ZONE_ID and "
            "CLOUDFLARE_API_TOKEN: nothing was purged."
        )
        return
    api = os.environ.get("CLOUDFLARE_API", CLOUDFLARE_API)
    url = f"{api}/zones/{zone}/purge_cache"
    for start in range(0, len(tags), CLOUDFLARE_BATCH):
        body = json.dumps({"tags": list(tags[start : start + CLOUDFLARE_BATCH])}).encode()
        request = urllib.request.Request(  # noqa: S310
            url,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                response.read()
        except OSError as error:
            logger.warning("Cloudflare purge of %d tags failed: %s", len(tags), error)
            return
