import functools

from django.db.models import F
from django.utils.functional import cached_property
from django.views.generic import DetailView

from cities.filters import CityFilter
from cities.models import City, CreativeField, Partnership
from events.models import Event
from portal.cache import remember
from portal.listing import FilteredListView
from portal.publishing import PublishedDetailMixin


class CityListView(FilteredListView):
    filterset_class = CityFilter
    template_name = "cities/city_list.html"
    results_template_name = "cities/_results.html"

    def get_queryset(self):
        return City.objects.published().for_listing().by_name()

    @cached_property
    def field_totals(self):
        # Remembered like the list's total: the counts change only with content.
        return remember(f"field-totals:{self.list_key()}", self.filterset.field_totals)

    def total_from_facets(self):
        return self.facet_total(self.field_totals, "field")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals = self.field_totals
        context["field_counts"] = [
            (key, label, totals[key]) for key, label in CreativeField.choices if key in totals
        ]
        return context


# The profile lists this many joint events, the latest first (the events list has all).
JOINT_EVENTS_SHOWN = 10


class CityDetailView(PublishedDetailMixin, DetailView):
    model = City
    template_name = "cities/city_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        city = self.object
        # Called only when the page's fragment (kept until content changes) is made:
        # building the queries costs too.
        context["partnerships"] = functools.cache(lambda: [
            (partnership, partnership.other_city(city))
            for partnership in Partnership.objects.published().involving(city)
        ])
        context["milestones"] = functools.cache(lambda: list(city.milestones.published()))
        context["joint_events"] = functools.cache(lambda: list(
            Event.objects.published().joint_with(city).for_listing()
            .order_by(F("start_date").desc(nulls_last=True), "-pk")[:JOINT_EVENTS_SHOWN]))
        return context


def home_city_context():
    """What the home page shows about the home city: the city (remembered until content
    changes) and ``home``, its journey and partner cities, read only when first used
    (the page renders them inside a fragment kept until content changes). Without a
    home city, just ``home_city = None``."""
    home_city = remember(
        "home-city", lambda: City.objects.published().home().defer("description").first())
    if home_city is None:
        return {"home_city": None}
    return {"home_city": home_city, "home": HomeCityParts(home_city)}


class HomeCityParts:
    def __init__(self, city):
        self.city = city

    @cached_property
    def milestones(self):
        return list(self.city.milestones.published())

    @cached_property
    def partner_cities(self):
        partners = {}
        for partnership in Partnership.objects.published().involving(self.city):
            other = partnership.other_city(self.city)
            partners[other.pk] = other
        return sorted(partners.values(), key=lambda city: str(city).casefold())

    @cached_property
    def partner_country_count(self):
        return len({city.country.code for city in self.partner_cities})
