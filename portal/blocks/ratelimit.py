"""Counting requests per key in fixed windows, for pages that anyone may post to (a
partner city's correction link): ``exceeded("link", key, limit, seconds)``.

Counted in the default cache, whose backends never raise: while it is down nothing is
counted and nothing refused. The window's number is part of the key, so a count never
outlives its window even where ``incr`` keeps a key for good (the file cache).
"""

import hashlib
import time

from django.core.cache import cache


def _key(scope, ident, seconds):
    # Hashed: an address or a token is not a safe cache key as it is (length, colons).
    digest = hashlib.sha256(str(ident).encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{int(time.time() // seconds)}"


def exceeded(scope, ident, limit, seconds):
    """Count one request of ``ident`` in ``scope``; whether it is over ``limit`` in the
    current window of ``seconds``."""
    key = _key(scope, ident, seconds)
    if cache.add(key, 1, seconds + 1):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, seconds + 1)
        count = 1
    return count is not None and count > limit
