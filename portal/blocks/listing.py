"""The one list-page base every public directory uses (cities, institutions, events)."""

from django.db.models import Exists, OuterRef
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django_filters.views import FilterView

from portal.blocks.pagination import KeysFirstPaginator


def set_choices(filter_, choices):
    """Give a FilterSet's filter (``self.filters[name]``, in ``__init__``) the choices of
    this request. A form field the filter built earlier is dropped: one built from the
    class's filters (the API schema reads them) would keep the class's empty choices,
    and every value would be refused."""
    filter_.extra["choices"] = choices
    filter_.__dict__.pop("_field", None)


class FilteredListView(FilterView):
    """A django-filter list page.

    Bad filter values never raise: the form is bound, shows its errors, and the page
    answers 200 with no results (strict mode), marked ``no-store`` so that no cache
    keeps what a visitor mistyped. A page number that is not a number or out of range
    is a 404, as for any Django ListView.
    """

    paginate_by = 24
    paginator_class = KeysFirstPaginator
    strict = True

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            add_never_cache_headers(response)
        return response

    def filters_applied(self):
        return any(value for key, value in self.request.GET.items() if key != self.page_kwarg)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        total = self.total_from_facets()
        if total is not None:
            paginator.count = total
        elif self.chosen("q") and not paginator.object_list.query.distinct:
            # Typed words: counting and sorting the matches each read every one of them
            # (docs/decisions.md, "Search"); one reading does both.
            paginator.count_with_page = True
        return paginator

    def total_from_facets(self):
        """The number of results, where the page's facet counts (results per value of
        one filter, under the others) already tell it: one query fewer. None to count
        them."""
        return None

    def chosen(self, name):
        """The valid value chosen for the filter ``name``, or None."""
        return self.filterset.form.cleaned_data.get(name) if self.filterset.is_valid() else None

    def facet_total(self, counts, name):
        """The total from ``counts`` per value of the filter ``name``: the count of the
        chosen value, or the sum of all when none is chosen."""
        chosen = self.chosen(name)
        return counts.get(chosen, 0) if chosen else sum(counts.values())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters_applied"] = self.filters_applied()
        return context


class FirstRows:
    """The first ``limit`` rows of a queryset, and whether it has more (``.more``), for the
    capped lists of a detail page: read with one row more than shown. ``exists=False``
    (the record's own query found none: ``has_related``) reads nothing."""

    def __init__(self, queryset, limit, exists=True):
        self.queryset = queryset
        self.limit = limit
        self.exists = exists

    @cached_property
    def rows(self):
        return list(self.queryset[: self.limit + 1]) if self.exists else []

    @property
    def shown(self):
        return self.rows[: self.limit]

    @property
    def more(self):
        return len(self.rows) > self.limit

    def __iter__(self):
        return iter(self.shown)

    def __len__(self):
        return len(self.shown)

    def __bool__(self):
        return bool(self.rows)

    def __getitem__(self, index):
        return self.shown[index]


def has_related(model, relation, narrow=lambda rows: rows):
    """Whether a record of ``model`` has any of the records of ``relation`` (a foreign
    key or many-to-many of another model pointing at it) that ``narrow`` keeps, as an
    ``Exists`` to annotate on a detail page's own query: most records have no programme,
    documents or gallery, and a list known to be empty costs no query of its own (a
    subquery on an index, instead of a query that Django builds and the database plans).
    ``narrow`` is the list's own filter, so that the two agree."""
    reverse = model._meta.get_field(relation)
    rows = narrow(reverse.related_model._default_manager.all())
    return Exists(rows.filter(**{reverse.field.name: OuterRef("pk")}))
