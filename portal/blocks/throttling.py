"""The open-data API's rate limit (REST framework's throttling, keyed by client).

Its own module: REST framework reads ``DEFAULT_THROTTLE_CLASSES`` while its views
module loads, which ``portal.blocks.api`` imports.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from portal.blocks.client_address import client_address


class ClientRateThrottle(SimpleRateThrottle):
    """``API_RATE_LIMIT`` requests per client address (``client_address``: behind
    proxies as configured for the login lockout). Counted in the default cache, whose
    backends never raise: while it is down nothing is counted and nothing refused.
    Answers served from the page cache are not counted (they cost no query)."""

    scope = "api"

    def get_rate(self):
        return settings.API_RATE_LIMIT or None

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": self.scope,
            "ident": client_address(request) or "unknown",
        }
