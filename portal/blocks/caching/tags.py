"""What a cached page depends on (tags), and how a change makes it out of date.

Three kinds of tag name what a page may show:

- ``m:<app.model>``: any change of any record of a model;
- ``s:<app.model>``: which records of a model there are, in what order and groups: what
  a list selects, sorts and counts by. A new or deleted record changes it, and so does a
  save that changes anything but the model's display-only fields (``watch``). A list
  page that declares it (``pages.listing``) still depends on each record it shows by
  that record's ``r:`` tag, so editing a record's summary drops the list page showing
  it and keeps the others;
- ``r:<app.model>:<pk>``: one record's own fields, wherever it is shown;
- ``l:<app.model>:<pk>``: what points at one record (an institution's events, a city's
  partnerships): changed by a save of any record whose foreign key or many-to-many link
  names it, before or after the save, and by a change of that record's many-to-many
  links. So a page that depends on ``l:`` of a record needs no ``r:`` tag of the
  records it loaded whose foreign key names that record (``minimal``): the events held
  at an institution, on its page, are one tag, not one each.

A page records its tags while it is made: every record of a watched model loaded from
the database records its ``r:`` tag by itself (and what its foreign keys name, as
loaded); a view and a region declare the rest.

Changes: a change, once its transaction commits, takes the next number of a shared
counter and keeps its tags under that number (``LOG``). A page is stored with the
counter as it was *before* it read anything, and is current while no change numbered
above it named one of its tags. So a save that commits while a page is being made can
never leave that page stored as current. Each process follows the changes
(``follow_changes``): it reads each change's tags once, and knows for every tag the
highest number that changed it; a page made before the changes a process can account
for counts as changed.
"""

import contextvars
import time
from contextlib import contextmanager
from typing import NamedTuple

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_save,
)
from django.utils import timezone
from django.utils.module_loading import import_string

COUNTER = "cc:counter"
# The schedule's record (``schedule``); kept here, where a failed change forgets it.
SCHEDULE = "cc:schedule"
SCHEDULE_LOCK = "cc:schedule-lock"
# Each change's tags, under its number: what a process reads to follow the changes.
LOG = "cc:log:"
PENDING = "_page_cache_pending"

_recording = contextvars.ContextVar("page_cache_tags", default=None)
# The page being made: its schedule state and the counter it was made from.
_making = contextvars.ContextVar("page_cache_making", default=None)


def model_tag(model):
    return f"m:{model._meta.label_lower}"


def listing_tag(model):
    return f"s:{model._meta.label_lower}"


def record_tag(model, pk):
    return f"r:{model._meta.label_lower}:{pk}"


def links_tag(model, pk):
    return f"l:{model._meta.label_lower}:{pk}"


def links(obj):
    """The tag of what points at ``obj`` (None for no object), for a page that lists it."""
    return None if obj is None else links_tag(type(obj), obj.pk)


def enabled():
    """Whether there is a cache to keep pages in (not Django's dummy backend)."""
    return not isinstance(caches[DEFAULT_CACHE_ALIAS], DummyCache)


@contextmanager
def recording():
    """Collects the tags recorded while the block runs (a set)."""
    tags = set()
    token = _recording.set(tags)
    try:
        yield tags
    finally:
        _recording.reset(token)


@contextmanager
def making(state, since):
    """While a page is made from the counter ``since`` (and the schedule's ``state``):
    what its regions are checked against, with no read of their own."""
    token = _making.set((state, since) if state is not None and since is not None else None)
    try:
        yield
    finally:
        _making.reset(token)


def made_from():
    """``(state, since)`` of the page being made, or None outside one."""
    return _making.get()


def depends_on(*tags):
    """Record ``tags`` for the page (and region) being made, if one is."""
    current = _recording.get()
    if current is not None:
        current.update(tag for tag in tags if tag)


# Recorded with a loaded record's ``r:`` tag, for each record its foreign keys name:
# ``POINTS + r-tag + POINTS + l-tag``. Not a tag: ``minimal`` reads and drops it.
POINTS = ">"


def minimal(tags):
    """``tags`` without those that another tag in them already covers: a record's and a
    list's by its model's (every change of a record changes its model's tag too), and a
    record's by the ``l:`` tag of a record its foreign key names (every save of it, and
    every change of its many-to-many links, changes that tag too)."""
    models = {tag[2:] for tag in tags if tag.startswith("m:")}
    pointing = set()
    for tag in tags:
        if tag.startswith(POINTS):
            record, named = tag[len(POINTS) :].split(POINTS)
            if named in tags:
                pointing.add(record)

    def covered(tag):
        if tag.startswith("r:"):
            return tag in pointing or tag[2:].rsplit(":", 1)[0] in models
        return tag.startswith(POINTS) or (tag.startswith("s:") and tag[2:] in models)

    return sorted(tag for tag in tags if not covered(tag))


# --- Changes ----------------------------------------------------------------------


def _seed():
    # A restarted or emptied cache starts its counter above every number it gave before.
    return int(time.time() * 1000)


def counter():
    """The shared counter now, or None when the cache cannot say. A counter seeded anew
    (the cache lost it) starts a new epoch: its numbers may not be above those of the
    pages the cache still holds (another server's clock, more than a change a
    millisecond), so nothing stored before is trusted."""
    value = cache.get(COUNTER)
    if value is None:
        if cache.add(COUNTER, _seed(), None):
            cache.forget(SCHEDULE)
        value = cache.get(COUNTER)
    return value


class Followed(NamedTuple):
    """What this process knows of the changes numbered ``start`` + 1 to ``known`` in
    the cache ``source``: the highest number of each tag they changed."""

    start: int
    known: int
    changed: dict
    source: tuple = ()


# A process reads at most this many changes at once, and keeps at most this many tags;
# past either it starts following afresh from the changes it can read (a large
# import), and a page made before those counts as changed.
FOLLOW_READ_MOST = 200
FOLLOW_KEEP_MOST = 50_000
_followed = None


def _source():
    # Which cache the changes were followed in: by its settings, the same for every
    # thread (each thread has a backend object of its own).
    config = settings.CACHES[DEFAULT_CACHE_ALIAS]
    return (config["BACKEND"], str(config.get("LOCATION")), config.get("KEY_PREFIX", ""))


def follow_changes(counter_now):
    """What this process knows of the changes up to ``counter_now``: it reads once the
    entries of the changes since it last looked (one ``get_many``). Starting (or when
    entries are missing, too many changes came at once, or the counter went back: an
    emptied cache), it reads back the last ``FOLLOW_READ_MOST`` entries and follows from
    the oldest change after which none is missing, so that a new worker can vouch for
    the pages made before it started. A change's entry is written in the same step as
    its number (``advance``), so reading the number means the entry is there unless the
    cache lost it. Followed per cache (tests swap the configured one)."""
    global _followed
    followed, source = _followed, _source()
    if followed is not None and followed.known == counter_now and followed.source == source:
        return followed
    go_on = (
        followed is not None
        and followed.source == source
        and followed.known < counter_now <= followed.known + FOLLOW_READ_MOST
    )
    first = followed.known + 1 if go_on else counter_now - FOLLOW_READ_MOST + 1
    entries = cache.get_many([f"{LOG}{number}" for number in range(first, counter_now + 1)])
    start = counter_now
    while start >= first and f"{LOG}{start}" in entries:
        start -= 1
    if go_on and start < first:
        changed, start = dict(followed.changed), followed.start
    else:
        changed = {}
    for number in range(max(start + 1, first), counter_now + 1):
        changed.update(dict.fromkeys(entries[f"{LOG}{number}"], number))
    if len(changed) > FOLLOW_KEEP_MOST:
        start, changed = counter_now, {}
    # Replaced whole, never changed in place: a thread reads one consistent copy.
    _followed = followed = Followed(start, counter_now, changed, source)
    return followed


def unchanged(tags, since, counter_now):
    """Whether nothing named by ``tags`` has changed since the counter read ``since``,
    now that it reads ``counter_now``: at once when the counter has not moved (nothing
    has changed anywhere), else by the changes this process follows
    (``follow_changes``). A page made before the changes the process can account for,
    checked while the counter cannot be read, or made from a number above the counter's
    (the counter was seeded anew), counts as changed."""
    if since is None or counter_now is None or since > counter_now:
        return False
    if counter_now == since:
        return True
    followed = follow_changes(counter_now)
    return followed.start <= since and all(followed.changed.get(tag, 0) <= since for tag in tags)


def still_unchanged(tags, since):
    """Before a page made from the counter ``since`` is stored: whether it is still
    current (a change may have committed while it was made)."""
    return since is not None and unchanged(tags, since, cache.get(COUNTER))


def log_seconds():
    # An entry may be forgotten once every page that could need it has expired.
    return settings.PAGE_CACHE_SECONDS


# Changes this process could not write (the cache was down or full), written with its
# next change or its next cached request.
_unwritten = set()


def bump(tags):
    """Make every page that depends on ``tags`` out of date, now."""
    tags = sorted(set(tags) | _unwritten)
    if not tags:
        return
    if enabled():
        _write(tags)
    if settings.PAGE_CACHE_PURGE:
        import_string(settings.PAGE_CACHE_PURGE)(tags)


def _write(tags):
    # The counter moves and the entry is written in one step, so that a page made from
    # the new number cannot take in a region stored before the change as current.
    if cache.advance(COUNTER, _seed(), log_seconds(), LOG, tuple(tags)) is None:
        # Not written: forget the schedule, so that no page stored before is trusted
        # again (a delete works in a full Redis; it is tried even while the server is
        # left alone after the failure), and try again later.
        _unwritten.update(tags)
        cache.forget(SCHEDULE)
    else:
        _unwritten.clear()


def start_afresh():
    """Make every stored page and region out of date at once, for changes made without
    saves (a restored database): a forgotten schedule starts a new epoch."""
    cache.delete(SCHEDULE)


def write_unwritten():
    """Write the changes this process could not write before, if any."""
    if _unwritten:
        bump(())


@contextmanager
def schedule_lock():
    """Held while the schedule is read and written back (a short wait at most): two
    processes doing so at once would lose one's update."""
    deadline = time.monotonic() + 2
    while not cache.add(SCHEDULE_LOCK, 1, 10) and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield
    finally:
        cache.delete(SCHEDULE_LOCK)


# --- Invalidation on commit ---------------------------------------------------------


def invalidate(tags, using=None, soonest=None):
    """``bump(tags)`` once the current transaction commits (at once outside one). The
    changes of one transaction are written together. ``soonest``: the earliest time
    after now at which a changed record changes again on its own (a scheduled
    publication), for the schedule."""
    connection = transaction.get_connection(using)
    pending = getattr(connection, PENDING, None)
    # A rolled-back block drops its on-commit callbacks: then start a new batch.
    if pending is None or not any(
        entry[1] is pending["flush"] for entry in connection.run_on_commit
    ):
        pending = {"tags": set(), "soonest": None}

        def flush():
            setattr(connection, PENDING, None)
            bump(pending["tags"])
            if pending["soonest"] is not None:
                expect(pending["soonest"])

        pending["flush"] = flush
        setattr(connection, PENDING, pending)
        pending["tags"].update(tags)
        pending["soonest"] = soonest
        transaction.on_commit(flush, using=using)
        return
    pending["tags"].update(tags)
    if soonest is not None and (pending["soonest"] is None or soonest < pending["soonest"]):
        pending["soonest"] = soonest


def expect(moment):
    """A record will change on its own at ``moment``: the schedule (``schedule.py``)
    looks then, if that is sooner than it would. While a look is due already (the
    schedule's next moment has passed), the moment is kept for that look to count."""
    with schedule_lock():
        value = cache.get(SCHEDULE)
        if not hasattr(value, "next_at"):
            return
        if value.next_at <= timezone.now():
            value = value._replace(expected=(*value.expected, moment))
        elif moment < value.next_at:
            value = value._replace(next_at=moment)
        else:
            return
        cache.set(SCHEDULE, value, None)


def link_fields(model):
    """The foreign keys of ``model`` (what its records point at)."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and (field.many_to_one or field.one_to_one)
    ]


def change_tags(model, pk, *states, listed=True):
    """What a change of the record ``pk`` of ``model`` changes: its record, its model,
    its model's listing unless the change is not ``listed`` (it changed display-only
    fields alone), and what points at each record that its links name in any of
    ``states`` (mappings of a foreign key's attname to its value: as saved, as it was
    before)."""
    tags = {model_tag(model), record_tag(model, pk)}
    if listed:
        tags.add(listing_tag(model))
    for field in link_fields(model):
        for state in states:
            value = (state or {}).get(field.attname)
            if value is not None:
                tags.add(links_tag(field.related_model, value))
    return tags


# Keys read per query where a change names many records (within SQLite's limit on a
# statement's parameters).
KEYS_PER_QUERY = 500


def records_change_tags(model, pks, using=None, listed=True):
    """``change_tags`` of each of the records ``pks`` of ``model``, as they are stored
    now (a query per ``KEYS_PER_QUERY`` records when the model has foreign keys), for
    changes made without a save of each: a link added, a time passed, a backfill."""
    fields = [field.attname for field in link_fields(model)]
    pks = sorted(pks)
    if not fields:
        return set().union(*(change_tags(model, pk, listed=listed) for pk in pks))
    tags = set()
    manager = model._base_manager.db_manager(using)
    for start in range(0, len(pks), KEYS_PER_QUERY):
        rows = manager.filter(pk__in=pks[start : start + KEYS_PER_QUERY]).values("pk", *fields)
        for row in rows:
            tags |= change_tags(model, row["pk"], row, listed=listed)
    return tags


def _state(instance, fields):
    return {field.attname: getattr(instance, field.attname) for field in fields}


def link_tables(model):
    """(table, column naming a record of ``model``, column naming the other record,
    the other model) for each many-to-many relation of ``model``, either side."""
    tables = []
    fields = [
        *model._meta.local_many_to_many,
        *(rel.field for rel in model._meta.related_objects if rel.many_to_many),
    ]
    for field in fields:
        through = field.remote_field.through
        if field.model is model:
            own, other = field.m2m_column_name(), field.m2m_reverse_name()
            other_model = field.related_model
        else:
            own, other = field.m2m_reverse_name(), field.m2m_column_name()
            other_model = field.model
        tables.append((through, own, other, other_model))
    return tables


def linked_tags(model, *pks):
    """What points at each record linked to the records ``pks`` of ``model`` by a
    many-to-many relation: a query per relation."""
    tags = set()
    for through, own, other, other_model in link_tables(model):
        linked = through.objects.filter(**{f"{own}__in": pks}).values_list(other, flat=True)
        tags.update(links_tag(other_model, other_pk) for other_pk in linked)
    return tags


def _soonest(instance, fields):
    now = timezone.now()
    times = [getattr(instance, name, None) for name in fields]
    later = [t for t in times if isinstance(t, type(now)) and t > now]
    return min(later) if later else None


def listed_fields(model, display_only=()):
    """The concrete fields of ``model`` whose change is a change of its listing: all
    but ``display_only`` (names of fields, or of translated fields, which stand for
    their Korean and English columns) and those stamped on every save (``auto_now``: a
    list sorted by one depends on the model's tag)."""
    for name in display_only:
        model._meta.get_field(name)  # a misspelt name fails at start-up
    suffixes = [f"_{code}" for code, _name in settings.LANGUAGES]
    shown = {*display_only, *(name + suffix for name in display_only for suffix in suffixes)}
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in shown and not getattr(field, "auto_now", False)
    ]


def _listed(before, instance, fields, update_fields):
    """Whether a save of ``instance`` changed any of ``fields`` from ``before`` (the
    row as it was); a field not loaded or not written is unchanged."""
    if before is None:
        return True
    deferred = instance.get_deferred_fields()
    return any(
        getattr(instance, field.attname) != before[field.attname]
        for field in fields
        if field.attname not in deferred
        and (update_fields is None or {field.name, field.attname} & update_fields)
    )


def watch(model, times=(), display_only=()):
    """Invalidate what depends on ``model``'s records whenever one changes, and record
    the ``r:`` tag of each record loaded while a page is made. ``times``: the model's
    datetime fields at which a record changes on its own (for the schedule's
    ``soonest``). ``display_only``: fields that no list selects, sorts or counts by (a
    summary, a description): a save that changes only these leaves the model's listing
    (``s:``) as it is."""
    label = model._meta.label_lower
    fields = link_fields(model)
    listed = listed_fields(model, display_only)
    before_names = sorted({field.attname for field in (*fields, *listed)})

    def before_save(sender, instance, raw=False, using=None, **kwargs):
        if raw or instance._state.adding or instance.pk is None:
            return
        # Unordered: a model's default order may join another table, whose rows the
        # lock would then hold too.
        rows = model._base_manager.db_manager(using).filter(pk=instance.pk).order_by()
        if transaction.get_connection(rows.db).in_atomic_block:
            # Locked until the save commits: a second save of the record waits here and
            # compares with the row as the first left it, not as both found it. As
            # strong as the save's own lock and no stronger: rows that point at this one
            # may still be added meanwhile. (SQLite has no row locks; its transactions,
            # begun IMMEDIATE, wait the same way.)
            rows = rows.select_for_update(no_key=True)
        instance.__dict__["_row_before"] = rows.values(*before_names).first()

    def saved(sender, instance, raw=False, using=None, created=False, update_fields=None, **kwargs):
        if raw:
            return
        before = instance.__dict__.pop("_row_before", None)
        tags = change_tags(
            model,
            instance.pk,
            _state(instance, fields),
            before,
            listed=created or _listed(before, instance, listed, update_fields),
        )
        if not created:  # a new record has no many-to-many links yet
            tags |= linked_tags(model, instance.pk)
        invalidate(tags, using, _soonest(instance, times))

    def before_delete(sender, instance, **kwargs):
        # Django removes the many-to-many rows before post_delete.
        instance.__dict__["_linked_before"] = linked_tags(model, instance.pk)

    def deleted(sender, instance, using=None, **kwargs):
        tags = change_tags(model, instance.pk, _state(instance, fields))
        invalidate(tags | instance.__dict__.pop("_linked_before", set()), using)

    def loaded(sender, instance, **kwargs):
        current = _recording.get()
        if current is not None and instance.pk is not None:
            tag = f"r:{label}:{instance.pk}"
            current.add(tag)
            for field in fields:
                # As loaded: a foreign key the query left out is not read for this.
                value = instance.__dict__.get(field.attname)
                if value is not None:
                    current.add(f"{POINTS}{tag}{POINTS}{links_tag(field.related_model, value)}")

    def links_changed(sender, instance, action, model, pk_set, using=None, **kwargs):
        if action == "pre_clear":
            instance.__dict__[f"_cleared_{sender._meta.label_lower}"] = set(
                sender.objects.filter(**{_side(sender, type(instance)): instance.pk}).values_list(
                    _side(sender, model), flat=True
                )
            )
            return
        if action == "post_clear":
            pk_set = instance.__dict__.pop(f"_cleared_{sender._meta.label_lower}", set())
        elif action not in ("post_add", "post_remove"):
            return
        tags = change_tags(
            type(instance), instance.pk, _state(instance, link_fields(type(instance)))
        )
        tags.add(links_tag(type(instance), instance.pk))
        if pk_set:
            # With what the linked records' foreign keys name: a page may show them by
            # that record's ``l:`` tag alone (``minimal``).
            tags |= records_change_tags(model, pk_set, using)
            tags.update(links_tag(model, pk) for pk in pk_set)
        invalidate(tags, using)

    uid = f"page-cache:{label}"
    pre_save.connect(before_save, sender=model, weak=False, dispatch_uid=f"{uid}:pre")
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"{uid}:save")
    pre_delete.connect(before_delete, sender=model, weak=False, dispatch_uid=f"{uid}:pre-del")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"{uid}:delete")
    post_init.connect(loaded, sender=model, weak=False, dispatch_uid=f"{uid}:load")
    for field in model._meta.local_many_to_many:
        through = field.remote_field.through
        m2m_changed.connect(
            links_changed,
            sender=through,
            weak=False,
            dispatch_uid=f"{uid}:links:{through._meta.label_lower}",
        )


def _side(through, model):
    """The column of ``through`` (a many-to-many table) that points at ``model``."""
    for field in through._meta.concrete_fields:
        if field.is_relation and field.related_model is model:
            return field.attname
    raise LookupError(f"{through} has no link to {model}")
