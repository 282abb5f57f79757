"""Cache backends that never raise: a cache that is down, slow or full makes the site
slower, never broken.

Every call is guarded. A failure is logged (once a minute at most, with how many were
passed over), the call answers as a cache that holds nothing would (``get`` gives the
default, ``add`` and ``set`` store nothing), and after a lost connection the backend is
not asked again for ``RETRY_AFTER`` seconds, so that a dead server costs one timeout a
few seconds, not one a request. A refused write (Redis full under its default
``noeviction`` policy) fails that write alone.

``incr`` keeps Django's contract (``ValueError`` for a missing key) and gives ``None``
when the cache cannot answer.
"""

import contextlib
import fcntl
import logging
import os
import random
import time

from django.core.cache.backends import filebased, redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT

from portal.blocks.caching.tags import COUNTER, FOLLOW_READ_MOST, LOG, SCHEDULE

logger = logging.getLogger("portal.cache")

RETRY_AFTER = 5.0
LOG_EVERY = 60.0

# The calls guarded, with what each answers when the cache cannot.
FALLBACKS = {
    "get": lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda args, kwargs: {},
    "set": lambda args, kwargs: None,
    "set_many": lambda args, kwargs: list(args[0]) if args else [],
    "add": lambda args, kwargs: False,
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "delete_many": lambda args, kwargs: None,
    "has_key": lambda args, kwargs: False,
    "incr": lambda args, kwargs: None,
    "clear": lambda args, kwargs: None,
}


class FailSafe:
    """Mixed into a Django cache backend (first in the bases)."""

    # Errors after which the server is left alone for RETRY_AFTER seconds.
    connection_errors = (ConnectionError, TimeoutError)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._down_until = 0.0
        self._logged_at = float("-inf")
        self._passed_over = 0

    @property
    def available(self):
        """False while the backend is left alone after a lost connection."""
        return time.monotonic() >= self._down_until

    def forget(self, key):
        """``delete(key)``, tried even while the backend is left alone: for what must
        not outlive a change that could not be written (the schedule)."""
        try:
            return super().delete(key)
        except Exception as error:
            self._failed("delete", error)
            return False

    def _failed(self, name, error):
        now = time.monotonic()
        if isinstance(error, self.connection_errors):
            self._down_until = now + RETRY_AFTER
        if now - self._logged_at >= LOG_EVERY:
            logger.warning(
                "Cache %s failed (%s: %s); pages are served without it%s.",
                name,
                type(error).__name__,
                error,
                f" ({self._passed_over} more failures since the last message)"
                if self._passed_over
                else "",
            )
            self._logged_at, self._passed_over = now, 0
        else:
            self._passed_over += 1


def _guarded(name):
    fallback = FALLBACKS[name]

    def call(self, *args, **kwargs):
        if not self.available:
            return fallback(args, kwargs)
        try:
            return getattr(super(FailSafe, self), name)(*args, **kwargs)
        except Exception as error:
            if name == "incr" and type(error) is ValueError:
                raise  # a missing key, as Django's API says
            self._failed(name, error)
            return fallback(args, kwargs)

    call.__name__ = name
    return call


for _name in FALLBACKS:
    setattr(FailSafe, _name, _guarded(_name))


class RedisClient(redis.RedisCacheClient):
    """Django's Redis client with one ``redis.Redis`` object per connection pool, kept:
    Django makes a new one for every call, and building its table of response handlers
    cost more than a page-cache hit's round trip. The object is safe to share, its
    connections come from the pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class RedisCache(FailSafe, redis.RedisCache):
    """Django's Redis backend, fail-safe. Set ``socket_timeout`` and
    ``socket_connect_timeout`` in OPTIONS (settings do) so that a slow server is a
    failure, not a hung worker."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._class = RedisClient
        import redis as redis_client

        self.connection_errors = (
            ConnectionError,
            TimeoutError,
            redis_client.ConnectionError,
            redis_client.TimeoutError,
        )

    # The counter (KEYS[1]; seeded with ARGV[1] when missing, which forgets the
    # schedule, KEYS[2]: a new epoch) goes up by one and the entry (ARGV[4]) is kept
    # under the log prefix (ARGV[3]) and the number: one atomic step, so that nobody
    # reads the new number while the entry it stands for is unwritten. Lua prints
    # numbers with 14 digits, the counter's 13 (milliseconds since 1970) for three
    # thousand years.
    ADVANCE = """
    if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
      redis.call('DEL', KEYS[2])
    end
    local number = redis.call('INCR', KEYS[1])
    redis.call('SET', ARGV[3] .. string.format('%d', number), ARGV[4], 'EX', ARGV[2])
    return number
    """

    def advance(self, counter, seed, timeout, log, entry):
        """The counter's next number (from ``seed`` when it has none), with ``entry``
        kept under ``log`` and the number, atomically; a counter seeded anew forgets the
        schedule (a new epoch). None when the cache cannot."""
        if not self.available:
            return None
        try:
            client = self._cache.get_client(write=True)
            return int(
                client.eval(
                    self.ADVANCE,
                    2,
                    self.make_and_validate_key(counter),
                    self.make_and_validate_key(SCHEDULE),
                    seed,
                    int(timeout),
                    self.make_and_validate_key(log),
                    self._cache._serializer.dumps(entry),
                )
            )
        except Exception as error:
            self._failed("advance", error)
            return None


class FileBasedCache(FailSafe, filebased.FileBasedCache):
    """Django's file-based backend, fail-safe, shared by every process of one machine:
    the default when there is no Redis.

    What invalidation counts on is atomic across processes (a lock on the folder): ``incr``,
    ``add`` and ``advance``; and writes report their failures (a full disk) rather than
    pass for done. The directory is culled once every ``CULL_EVERY`` writes of a
    process, not on every write (Django's lists the whole directory each time), and
    never of the keys in ``KEEP`` (the counter and the schedule) nor of the entries of
    the changes a process reads back when it starts following (``FOLLOW_READ_MOST``).
    """

    CULL_EVERY = 200
    KEEP = (COUNTER, SCHEDULE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writes = 0

    @contextlib.contextmanager
    def _locked(self):
        # The folder itself is the lock, not a file in it: a cleaner of temporary files
        # deletes a lock file nobody writes to while a process holds it, and the next
        # process would lock a new file while the first still counts. A folder that
        # holds entries is not deleted; one that is takes the counter with it (a new
        # epoch).
        self._createdir()
        folder = os.open(self._dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(folder, fcntl.LOCK_EX)
            yield
        finally:
            os.close(folder)  # which lets the lock go

    def _cull(self):
        self._writes += 1
        if (self._writes - 1) % self.CULL_EVERY:
            return
        files = self._list_cache_files()
        if len(files) < self._max_entries:
            return
        number = filebased.FileBasedCache.get(self, COUNTER)
        # With the next number's: a change writes its entry before the counter.
        recent = (
            [f"{LOG}{n}" for n in range(number - FOLLOW_READ_MOST + 1, number + 2)]
            if isinstance(number, int)
            else []
        )
        kept = {self._key_to_file(key) for key in (*self.KEEP, *recent)}
        files = [name for name in files if name not in kept]
        # CULL_FREQUENCY 0 empties the cache, as Django's does (but for what is kept).
        culled = int(len(files) / self._cull_frequency) if self._cull_frequency else len(files)
        for name in random.sample(files, culled):
            self._delete(name)

    def _unguarded(self, name, error_value, call):
        if not self.available:
            return error_value
        try:
            return call()
        except Exception as error:
            if name == "incr" and type(error) is ValueError:
                raise
            self._failed(name, error)
            return error_value

    def incr(self, key, delta=1, version=None):
        def increment():
            with self._locked():
                value = filebased.FileBasedCache.get(self, key, version=version)
                if value is None:
                    raise ValueError(f"Key '{key}' not found")
                filebased.FileBasedCache.set(self, key, value + delta, None, version)
                return value + delta

        return self._unguarded("incr", None, increment)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        def add():
            with self._locked():
                return filebased.FileBasedCache.add(self, key, value, timeout, version)

        return self._unguarded("add", False, add)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = []
        for key, value in data.items():
            if self._unguarded(
                "set_many",
                True,
                lambda k=key, v=value: filebased.FileBasedCache.set(self, k, v, timeout, version),
            ):
                failed.append(key)
        return failed

    def advance(self, counter, seed, timeout, log, entry):
        """The counter's next number (from ``seed`` when it has none), with ``entry``
        kept under ``log`` and the number, under one hold of the lock, the counter
        last: readers take no lock, and must not read the new number before the entry
        it stands for. A counter seeded anew forgets the schedule (a new epoch). None
        when the cache cannot."""

        def advance():
            with self._locked():
                current = filebased.FileBasedCache.get(self, counter)
                if current is None:  # seeded anew: a new epoch
                    filebased.FileBasedCache.delete(self, SCHEDULE)
                number = (seed if current is None else current) + 1
                filebased.FileBasedCache.set(self, f"{log}{number}", entry, timeout)
                filebased.FileBasedCache.set(self, counter, number, None)
            return number

        return self._unguarded("advance", None, advance)
