"""Pagination that stays fast on large tables."""

from django.core.paginator import Paginator
from django.db.models import Count, Window


class KeysFirstPaginator(Paginator):
    """Finds a page by its primary keys first, then reads only that page's rows.

    The keys are sorted in a subquery, on small tuples, usually straight from an index;
    sorting whole rows (every column the list shows) of a large table is what makes a
    naive list page slow. Only the page's rows are read, in the same query, with the
    list's select_related, only/defer and prefetches (``rows_in_range``).

    With ``count_with_page`` (a list filtered by typed words, whose every match is read
    both to count them and to sort them), the count comes with the page's keys, in one
    reading of the matches rather than two (``keys_and_total``).
    """

    count_with_page = False

    def page(self, number):
        keys = None
        if self.count_with_page and "count" not in self.__dict__:
            keys = self._keys_and_count(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if keys is not None:
            rows = rows_of_keys(self.object_list, keys[: top - bottom])
        else:
            rows = rows_in_range(self.object_list, bottom, top)
        return self._get_page(rows, number, self)

    def _keys_and_count(self, number):
        """The keys of page ``number`` (and its orphans), the count cached on the way;
        None where the page has none (the count is then left to be counted)."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            return None
        if number < 1:
            return None
        bottom = (number - 1) * self.per_page
        keys, total = keys_and_total(
            self.object_list, bottom, bottom + self.per_page + self.orphans
        )
        if keys or not bottom:
            self.__dict__["count"] = total
            return keys
        return None


def rows_in_range(queryset, bottom, top):
    """``queryset[bottom:top]`` in one query that sorts only keys: the subquery picks
    the keys in the queryset's order, and only those rows are read (and sorted again,
    a page of them)."""
    return list(queryset.filter(pk__in=queryset.values("pk")[bottom:top]))


def keys_and_total(queryset, bottom, top):
    """The keys of ``queryset[bottom:top]`` and how many rows ``queryset`` has, in one
    query (a window count: every row is read, as sorting them all reads them anyway):
    ``(keys, total)``, the total 0 when there are no keys."""
    counted = queryset.prefetch_related(None).annotate(rows_total=Window(Count("pk")))
    found = list(counted.values_list("pk", "rows_total")[bottom:top])
    return [key for key, _ in found], (found[0][1] if found else 0)


def rows_of_keys(queryset, keys):
    """The rows of ``queryset`` with those keys, in the queryset's order."""
    return list(queryset.filter(pk__in=keys)) if keys else []
