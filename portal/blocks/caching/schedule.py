"""Changes that happen with no save: a scheduled publication time passing, a timed event
starting or ending, a new day (an event becomes "now on" or "past").

The cache keeps one small record (``Schedule``): when it last looked (``checked``), the
next moment something changes on its own (``next_at``, found in one query), and an
``epoch``. Every cached request reads it with its page. Once ``next_at`` has passed, the
first request to notice finds the records whose times fell between ``checked`` and now
and changes their tags as a save would (``tags.bump``); nothing has to run on a timer. A
save whose record will change on its own sooner than ``next_at`` brings ``next_at``
forward when it commits (``tags.expect``). A cache that has lost the record (restarted,
emptied, evicted) cannot know what changed meanwhile: a new epoch, and every page stored
under an older one is out of date.
"""

import datetime
import secrets
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import DateTimeField, IntegerField, Min, Q, Value
from django.utils import timezone

from portal.blocks.caching import tags as cache_tags

SCHEDULE = cache_tags.SCHEDULE
# Changed at every local midnight: for pages whose content follows the date (what is
# "upcoming"), beyond the records whose own dates pass.
NEW_DAY = "clock:day"

# (model, datetime fields, date fields) of every model whose records change on their own.
_clocks = []


class Schedule(NamedTuple):
    epoch: str
    checked: datetime.datetime
    next_at: datetime.datetime
    # Moments that saves expect while a look is due (``tags.expect``).
    expected: tuple = ()


def follow(model, datetimes=(), dates=()):
    """Let the records of ``model`` change on their own: at each of their ``datetimes``
    (a scheduled publication, an event's start), and on each of their ``dates`` (from
    the local midnight before it to the one after it)."""
    _clocks.append((model, tuple(datetimes), tuple(dates)))


def now_state(value, now):
    """The schedule for a request at ``now``, given what the cache held (``value``):
    after catching up with what changed on its own since it was last checked."""
    if not isinstance(value, Schedule):
        return start(now)
    if now < value.next_at:
        return value
    # Changes written twice by two processes catching up at once do no harm; the
    # schedule itself is read and written under a lock, so a moment a save expects
    # meanwhile is never lost.
    bump_changed(value.checked, now)
    with cache_tags.schedule_lock():
        stored = cache.get(SCHEDULE)
        if not isinstance(stored, Schedule):
            return start(now)  # forgotten meanwhile: nothing stored before is trusted
        if stored.epoch != value.epoch or stored.checked >= now:
            return stored  # another process has started afresh or looked since
        moments = [next_change(now), *(m for m in stored.expected if m > now)]
        value = Schedule(value.epoch, now, min(moments))
        cache.set(SCHEDULE, value, None)
    return value


def start(now):
    # The counter first: seeding it starts a new epoch as well (``tags.counter``), which
    # would forget this one as soon as it is written.
    cache_tags.counter()
    value = Schedule(secrets.token_hex(8), now, next_change(now))
    cache.set(SCHEDULE, value, None)
    return value


def next_midnight(now):
    local = timezone.localtime(now)
    return (local + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def next_change(now):
    """The next moment after ``now`` at which a record changes on its own, or the next
    local midnight if that comes first: one query."""
    queries = [
        model._base_manager.filter(**{f"{name}__gt": now})
        .order_by()
        # No GROUP BY for a constant: one row, the smallest time (NULL when none).
        .annotate(group=Value(1, IntegerField()))
        .values("group")
        .annotate(first=Min(name, output_field=DateTimeField()))
        .values_list("first", flat=True)
        for model, datetimes, _dates in _clocks
        for name in datetimes
    ]
    moments = [next_midnight(now)]
    if queries:
        moments += [moment for moment in queries[0].union(*queries[1:], all=True) if moment]
    return min(moments)


def bump_changed(since, now):
    """Change the tags of every record whose time fell in (``since``, ``now``]."""
    tags = set()
    new_day = timezone.localdate(since) != timezone.localdate(now)
    if new_day:
        tags.add(NEW_DAY)
    days = (timezone.localdate(since) - datetime.timedelta(days=1), timezone.localdate(now))
    due = []
    for model, datetimes, dates in _clocks:
        condition = Q()
        for name in datetimes:
            condition |= Q(**{f"{name}__gt": since, f"{name}__lte": now})
        if new_day:
            for name in dates:
                condition |= Q(**{f"{name}__range": days})
        if condition:
            due.append(model._base_manager.filter(condition))
    # Which records are due, in one query; then what each points at, for the models
    # that have any (usually one).
    keyed = [
        queryset.order_by().annotate(which=Value(index, IntegerField())).values_list("which", "pk")
        for index, queryset in enumerate(due)
    ]
    found = {}
    if keyed:
        for index, pk in keyed[0].union(*keyed[1:], all=True):
            found.setdefault(index, []).append(pk)
    for index, pks in found.items():
        model = due[index].model
        tags |= cache_tags.records_change_tags(model, pks)
        tags |= cache_tags.linked_tags(model, *pks)
    cache_tags.bump(tags)
