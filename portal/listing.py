"""The one list-page base every public directory uses (cities, institutions, events)."""

import hashlib

from django.utils.functional import cached_property
from django_filters.views import FilterView

from portal.cache import remember
from portal.pagination import KeysFirstPaginator


class FilteredListView(FilterView):
    """A django-filter list page.

    Bad filter values never raise: the form is bound, shows its errors, and the page
    answers 200 with no results (strict mode). A page number that is not a number or out
    of range is a 404, as for any Django ListView.

    The results (the filter form, the counts, the cards and the pagination) are rendered
    by ``results_template_name`` and kept per address until content changes, as a
    detail page's body is: every visitor asking for the same address sees the same
    results, so a repeated request builds no filter form, queryset or paginator, and
    only the page around the results (``template_name``, with ``results`` in its
    context and what ``get_page_context`` adds) is rendered.
    """

    paginate_by = 24
    paginator_class = KeysFirstPaginator
    strict = True
    results_template_name = None

    def get(self, request, *args, **kwargs):
        # The page number as asked (hashed: it is whatever the visitor typed).
        page = hashlib.sha256(request.GET.get(self.page_kwarg, "").encode()).hexdigest()
        results = remember(f"list-results:{self.list_key()}:{page}", self.render_results)
        return self.render_to_response(self.get_page_context(results=results))

    def get_template_names(self):
        # Named by every list (ListView would guess from object_list, which a repeated
        # request never builds).
        return [self.template_name]

    def render_results(self):
        """The results as HTML: django-filter's view, rendered with the results
        template. A bad page number raises Http404 here, so it is never remembered."""
        response = super().get(self.request, *self.args, **self.kwargs)
        response.template_name = [self.results_template_name]
        return response.rendered_content

    def get_page_context(self, **kwargs):
        """The context of the page around the results: only what costs nothing to work
        out, since it is made on every request."""
        return {"view": self, "filters_applied": self.filters_applied(), **kwargs}

    def filters_applied(self):
        return any(value for key, value in self.request.GET.items() if key != self.page_kwarg)

    def list_key(self):
        """What this list is, whatever page of it is shown: the path (language prefix
        included) and the filters, in a stable order. Keys the remembered counts."""
        params = self.request.GET.copy()
        params.pop("page", None)
        address = f"{self.request.path}?{'&'.join(sorted(params.urlencode().split('&')))}"
        return hashlib.sha256(address.encode()).hexdigest()

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, count_key=self.list_key(), **kwargs)
        total = self.total_from_facets()
        if total is not None:
            paginator.count = total
        return paginator

    def total_from_facets(self):
        """The number of results, where the page's facet counts (results per value of
        one filter, under the others) already tell it: one query fewer after content
        changes. None to count them."""
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
    capped lists of a detail page. Read when first used, and then with one row more than
    shown: a template fragment kept until content changes may never use it at all."""

    def __init__(self, queryset, limit):
        self.queryset = queryset
        self.limit = limit

    @cached_property
    def rows(self):
        return list(self.queryset[: self.limit + 1])

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
