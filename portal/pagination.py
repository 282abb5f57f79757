"""Pagination that stays fast on large tables."""

from collections.abc import Sequence

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from portal.cache import remember


class KeysFirstPaginator(Paginator):
    """Finds a page by its primary keys first, then reads only that page's rows, and
    only if they are used (``PageRows``).

    The keys query sorts small tuples, usually straight from an index; sorting whole
    rows (every column the list shows) of a large table is what makes a naive list page
    slow. The rows query keeps the list's select_related, only/defer and prefetches.

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

        def read_keys():
            return list(self.object_list.values_list("pk", flat=True)[bottom:top])

        keys = (read_keys() if self.count_key is None
                else remember(f"keys:{self.count_key}:{number}", read_keys))
        return self._get_page(PageRows(self.object_list, keys), number, self)


class PageRows(Sequence):
    """The rows of a queryset with the given keys, in the keys' order, read in one query
    when first used. ``rows_for(keys)`` reads only some of them (the cards that are not
    remembered), and ``len()`` and truth need no rows at all."""

    def __init__(self, queryset, keys):
        self.queryset = queryset
        self.keys = list(keys)
        self._rows = None

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


def remembered_rows(name, queryset, limit):
    """The first ``limit`` rows of ``queryset`` as ``PageRows``: their keys remembered
    until content changes, the rows read only if used (for cards not yet remembered)."""
    return PageRows(queryset, remember(
        name, lambda: list(queryset.values_list("pk", flat=True)[:limit])))

