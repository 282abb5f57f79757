"""The directory's filters (``/<lang>/institutions/?kind=&discipline=&city=&q=``)."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Count, Exists, OuterRef
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cities.filters import CityByNameForm
from cities.filters import city_suggestions as cities_named
from cities.models import City
from institutions.models import Discipline, Institution, InstitutionKind, on_map_condition
from portal.blocks.listing import set_choices
from portal.blocks.widgets import QuickSelect, SuggestedText


def discipline_choices():
    """(slug, name) of every discipline, in the page's language."""
    return [(d.slug, d.name) for d in Discipline.objects.order_by("name", "slug")]


def city_suggestions():
    """The city field's suggestions: the cities that have a published institution."""
    return cities_named(
        City.objects.published().filter(
            Exists(Institution.objects.published().filter(city=OuterRef("pk")))
        )
    )


class InstitutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search words"),
        method="filter_name",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(
        widget=QuickSelect,
        choices=InstitutionKind.choices,
        label=_("Kind"),
        empty_label=_("All kinds"),
    )
    discipline = django_filters.ChoiceFilter(
        widget=QuickSelect,
        choices=[],
        label=_("Discipline"),
        method="filter_discipline",
        empty_label=_("All disciplines"),
    )
    # A text field with suggestions, not a select: the network has hundreds of cities.
    city = django_filters.CharFilter(
        label=_("City"),
        method="filter_city",
        max_length=120,
        validators=[
            RegexValidator(
                r"^[^<>{}]*$", _("Enter a city name or its web-address name, e.g. icheon.")
            )
        ],
        widget=SuggestedText("institutions:city-suggestions"),
        help_text=_("A city's name, in Korean or English."),
    )

    class Meta:
        model = Institution
        fields = []
        form = CityByNameForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once, for validating and rendering alike (a callable is read for each).
        set_choices(self.filters["discipline"], discipline_choices())

    def filter_name(self, queryset, name, value):
        # The site search's matching (names, summaries, addresses, disciplines, kinds).
        return queryset.search(value) if value.strip() else queryset

    # The hint types the query parameter in the API's schema (drf-spectacular): a slug.
    def filter_discipline(self, queryset, name, value: str):
        return queryset.filter(disciplines__slug=value)

    def filter_city(self, queryset, name, value):
        # Called only once the form is valid: clean_city has found the cities.
        if not value.strip():
            return queryset
        return queryset.filter(city_id__in=self.form.city_ids)

    def kind_counts(self):
        """How many results each kind has under the other filters (one query), for the
        links that narrow the list to a kind. Empty when the filters are invalid."""
        return {kind: count for kind, count, _on_map in self._kind_rows}

    def on_map_counts(self):
        """How many of those results a map can place, per kind (the same query)."""
        return {kind: on_map for kind, _count, on_map in self._kind_rows}

    @cached_property
    def _kind_rows(self):
        if self.is_bound and not self.is_valid():
            return []
        queryset = self.queryset
        data = self.form.cleaned_data if self.is_bound else {}
        for name, value in data.items():
            if name != "kind" and value not in (None, ""):
                queryset = self.filters[name].filter(queryset, value)
        return list(
            queryset.prefetch_related(None)
            .order_by()
            .values("kind")
            .annotate(count=Count("pk"), on_map=Count("pk", filter=on_map_condition()))
            .values_list("kind", "count", "on_map")
        )
