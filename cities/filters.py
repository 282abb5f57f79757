import django_filters
from django import forms
from django.db.models import Count, Q
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cities.models import ON_MAP, City, CreativeField, Region
from portal.blocks.listing import set_choices
from portal.blocks.widgets import QuickSelect


def city_suggestions(cities):
    """(name in the page's language, name in the other language) of ``cities`` (published
    ones), in the page's alphabetical order, for a city field's suggestions: a visitor
    picks a city by its name (``CityByNameForm`` also takes the other language's name, and
    the slug of older links). Rows, not model instances (a network has hundreds of
    cities)."""
    english = get_language() == "en"
    suggestions = []
    for name_ko, name_en in cities.by_name().values_list("name_ko", "name_en"):
        own, other = (name_en, name_ko) if english else (name_ko, name_en)
        shown = own or other
        suggestions.append((shown, other if other and other != shown else ""))
    return suggestions


class CityByNameForm(forms.Form):
    """A filter form whose ``city`` is a city's name in either language, or its slug."""

    def clean_city(self):
        """An unknown city is an error on the form, not an empty list. Only published
        cities count: a draft city is not public, so neither is filtering by it. One
        query, and only when a city is given; the list then filters on the city's key
        (``self.city_ids``), with no join."""
        value = (self.cleaned_data.get("city") or "").strip()
        self.city_ids = []
        if not value:
            return value
        self.city_ids = list(
            City.objects.published()
            .filter(Q(slug__iexact=value) | Q(name_ko=value) | Q(name_en__iexact=value))
            .values_list("pk", flat=True)
        )
        if not self.city_ids:
            raise forms.ValidationError(
                _(
                    "No city in the network is called “%(value)s”. Pick one from the "
                    "suggestions, or use its web-address name, e.g. icheon."
                ),
                code="unknown_city",
                params={"value": value},
            )
        return value


class YearFilter(django_filters.NumberFilter):
    # NumberFilter's DecimalField would accept "2019.5"; a year is a whole number.
    field_class = forms.IntegerField


class CityFilter(django_filters.FilterSet):
    """The network directory's filters (also what a feed or the API would reuse).

    Every control is a short select or a text box: the country select lists only the
    countries that have a published city (a few dozen).
    """

    q = django_filters.CharFilter(method="filter_q", label=_("Search words"), max_length=100)
    field = django_filters.ChoiceFilter(
        widget=QuickSelect,
        field_name="creative_field",
        choices=CreativeField.choices,
        label=_("Creative field"),
        empty_label=_("All fields"),
    )
    region = django_filters.ChoiceFilter(
        widget=QuickSelect, choices=Region.choices, label=_("Region"), empty_label=_("All regions")
    )
    country = django_filters.ChoiceFilter(
        widget=QuickSelect, choices=[], label=_("Country"), empty_label=_("All countries")
    )
    year = YearFilter(
        field_name="designation_year",
        label=_("Year of designation"),
        min_value=2004,
        max_value=2100,
    )

    class Meta:
        model = City
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data=data, queryset=queryset, **kwargs)
        # Set before the form is built, so that validating and rendering share them.
        set_choices(
            self.filters["country"],
            sorted(
                (
                    (code, countries.name(code))
                    for code in set(City.objects.published().countries())
                ),
                key=lambda choice: choice[1],
            ),
        )

    def filter_q(self, queryset, name, value):
        return queryset.search(value.strip()) if value.strip() else queryset

    def queryset_without(self, excluded):
        """The queryset with every filter applied except ``excluded``: what the facet
        counts for that filter are computed over."""
        queryset = self.queryset
        if self.is_bound and not self.form.is_valid():
            return queryset.none()
        cleaned = self.form.cleaned_data if self.is_bound else {}
        for name, value in cleaned.items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def field_totals(self):
        """{creative field: number of cities} among the results of the other filters:
        one aggregate query."""
        return {field: count for field, count, _on_map in self._field_rows}

    def on_map_totals(self):
        """{creative field: how many of those cities a map can place} (the same query)."""
        return {field: on_map for field, _count, on_map in self._field_rows}

    @cached_property
    def _field_rows(self):
        return list(
            self.queryset_without("field")
            .order_by()
            .values("creative_field")
            .annotate(count=Count("pk"), on_map=Count("pk", filter=ON_MAP))
            .values_list("creative_field", "count", "on_map")
        )
