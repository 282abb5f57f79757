"""Pagination that stays fast on large tables."""

from collections.abc import Sequence

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from portal.cache import remember


class KeysFirstPaginator(Paginator):
    """Finds a page by its primary keys first, then reads only that page's rows, and
    only if they are used (``PageRows``).

    The keys are sorted in a subquery, on small tuples, usually straight from an index;
    sorting whole rows (every column the list shows) of a large table is what makes a
    naive list page slow. Only the page's rows are read, in the same query, with the
    list's select_related, only/defer and prefetches (``rows_in_range``).

    With a ``count_key`` (what the list is: its address without the page number), the
    total and each page's keys are remembered until content changes
    (``portal.cache.remember``): every visitor asks for the same numbers, and a page
    whose cards are remembered too (``portal.cards``) then reads no row at all.
    """

    def __init__(self, *args, count_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        if self.count_key is None:
            return super().count
        return remember(f"count:{self.count_key}", lambda: Paginator.count.func(self))

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count

        rows = KeysOrRows(self.object_list, bottom, top)
        keys = (rows.keys() if self.count_key is None
                else remember(f"keys:{self.count_key}:{number}", rows.keys))
        return self._get_page(rows.page_rows(keys), number, self)


def rows_in_range(queryset, bottom, top):
    """``queryset[bottom:top]`` in one query that sorts only keys: the subquery picks
    the keys in the queryset's order, and only those rows are read (and sorted again,
    a page of them)."""
    return list(queryset.filter(pk__in=queryset.values("pk")[bottom:top]))


class KeysOrRows:
    """A slice of a list whose keys may be remembered: ``keys()`` reads the rows (one
    query, ``rows_in_range``) when the keys have to be found, and ``page_rows(keys)``
    then hands those rows on instead of reading them again for the cards."""

    def __init__(self, queryset, bottom, top):
        self.queryset = queryset
        self.bottom, self.top = bottom, top
        self.rows = None

    def keys(self):
        self.rows = rows_in_range(self.queryset, self.bottom, self.top)
        return [row.pk for row in self.rows]

    def page_rows(self, keys):
        return PageRows(self.queryset, keys, rows=self.rows)


class PageRows(Sequence):
    """The rows of a queryset with the given keys, in the keys' order, read in one query
    when first used (unless they were read with the keys). ``rows_for(keys)`` reads only
    some of them (the cards that are not remembered), and ``len()`` and truth need no
    rows at all."""

    def __init__(self, queryset, keys, rows=None):
        self.queryset = queryset
        self.keys = list(keys)
        self._rows = rows

    def rows_for(self, keys):
        """{key: row} for ``keys`` (a subset of ``self.keys``), in one query."""
        if self._rows is not None:
            wanted = set(keys)
            return {row.pk: row for row in self._rows if row.pk in wanted}
        return {row.pk: row for row in self.queryset.order_by().filter(pk__in=keys)}

    @property
    def rows(self):
        if self._rows is None:
            found = self.rows_for(self.keys)
            self._rows = [found[key] for key in self.keys if key in found]
        return self._rows

    def __len__(self):
        return len(self.keys)

    def __getitem__(self, index):
        return self.rows[index]

    def __iter__(self):
        return iter(self.rows)


def first_rows(queryset, limit):
    """The first ``limit`` rows of ``queryset`` as ``PageRows`` (one query, keys sorted
    in a subquery), for cards inside a fragment that is itself kept until content
    changes."""
    rows = KeysOrRows(queryset, 0, limit)
    return rows.page_rows(rows.keys())
