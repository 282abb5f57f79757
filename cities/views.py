from django.db.models import F
from django.utils.functional import SimpleLazyObject
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

    def get_queryset(self):
        return City.objects.published().for_listing().by_name()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Remembered like the list's total: the counts change only with content.
        totals = remember(f"field-totals:{self.list_key()}", self.filterset.field_totals)
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
        # Lazy, like the querysets below: the template renders these lists inside a
        # fragment kept until content changes, so they are read only to make it.
        context["partnerships"] = SimpleLazyObject(lambda: [
            (partnership, partnership.other_city(city))
            for partnership in Partnership.objects.published().involving(city)
        ])
        context["milestones"] = city.milestones.published()
        context["joint_events"] = (
            Event.objects.published().joint_with(city).for_listing()
            .order_by(F("start_date").desc(nulls_last=True), "-pk")[:JOINT_EVENTS_SHOWN])
        return context


def home_city_context():
    """What the home page shows about the home city: the city, its journey and its
    partner cities (three queries, then none until content changes). Without a home
    city, just ``home_city = None``."""
    return remember("home-city", build_home_city_context)


def build_home_city_context():
    home_city = City.objects.published().home().defer("description").first()
    if home_city is None:
        return {"home_city": None}
    partners = {}
    for partnership in Partnership.objects.published().involving(home_city):
        other = partnership.other_city(home_city)
        partners[other.pk] = other
    return {
        "home_city": home_city,
        "milestones": list(home_city.milestones.published()),
        "partner_cities": sorted(partners.values(), key=lambda city: str(city).casefold()),
        "partner_country_count": len({city.country.code for city in partners.values()}),
    }
