"""The one list-page base every public directory uses (cities, institutions, events)."""

from django_filters.views import FilterView

from portal.pagination import KeysFirstPaginator


class FilteredListView(FilterView):
    """A django-filter list page.

    Bad filter values never raise: the form is bound, shows its errors, and the page
    answers 200 with no results (strict mode). A page number that is not a number or out
    of range is a 404, as for any Django ListView.
    """

    paginate_by = 24
    paginator_class = KeysFirstPaginator
    strict = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters_applied"] = any(
            value for key, value in self.request.GET.items() if key != "page"
        )
        return context
