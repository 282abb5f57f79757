"""Pagination that stays fast on large tables."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from portal.cache import remember


class KeysFirstPaginator(Paginator):
    """Finds a page by its primary keys first, then reads only that page's rows.

    The keys query sorts small tuples, usually straight from an index; sorting whole
    rows (every column the list shows) of a large table is what makes a naive list page
    slow. The rows query keeps the list's select_related, only/defer and prefetches.
    One query more than Django's Paginator, whatever the table's size.

    With a ``count_key`` (what the list is: its address without the page number), the
    total is remembered until content changes (``portal.cache.remember``): counting tens
    of thousands of rows costs more than the rest of the page, and every page of one
    list, and every visitor, asks for the same number.
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
        return self._get_page(rows_by_keys(self.object_list, bottom, top), number, self)


def rows_by_keys(queryset, start, stop):
    """``list(queryset[start:stop])`` in two queries: the keys in the queryset's order,
    then those rows (with its select_related, only/defer and prefetches)."""
    keys = list(queryset.values_list("pk", flat=True)[start:stop])
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)}
    return [rows[key] for key in keys if key in rows]
