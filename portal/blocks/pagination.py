"""Pagination that stays fast on large tables."""

from django.core.paginator import Paginator


class KeysFirstPaginator(Paginator):
    """Finds a page by its primary keys first, then reads only that page's rows.

    The keys are sorted in a subquery, on small tuples, usually straight from an index;
    sorting whole rows (every column the list shows) of a large table is what makes a
    naive list page slow. Only the page's rows are read, in the same query, with the
    list's select_related, only/defer and prefetches (``rows_in_range``).
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows_in_range(self.object_list, bottom, top), number, self)


def rows_in_range(queryset, bottom, top):
    """``queryset[bottom:top]`` in one query that sorts only keys: the subquery picks
    the keys in the queryset's order, and only those rows are read (and sorted again,
    a page of them)."""
    return list(queryset.filter(pk__in=queryset.values("pk")[bottom:top]))
