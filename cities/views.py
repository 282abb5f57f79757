from django.db.models import F
from django.utils.functional import cached_property
from django.views.generic import DetailView

from cities.filters import CityFilter
from cities.models import CITY_NAME_FIELDS, City, CreativeField, Partnership
from cities.presentation import map_features, map_legend, map_points
from events.models import LATEST_FIRST, Event
from portal.blocks.caching import cached_page, links, listing
from portal.blocks.listing import FilteredListView, FirstRows
from portal.blocks.maps import FilteredGeoJSONView, MapCount, map_settings
from portal.blocks.publishing import PublishedDetailMixin


@cached_page(params=[CityFilter, "page"], free_text=["q", "year"], depends_on=[listing(City)])
class CityListView(FilteredListView):
    filterset_class = CityFilter
    template_name = "cities/city_list.html"

    def get_queryset(self):
        return City.objects.published().for_listing().by_name()

    @cached_property
    def field_totals(self):
        return self.filterset.field_totals()

    def total_from_facets(self):
        return self.facet_total(self.field_totals, "field")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals = self.field_totals
        context["field_counts"] = [
            (key, label, totals[key]) for key, label in CreativeField.choices if key in totals
        ]
        # The world map (drawn on request, from map.geojson) and its legend.
        on_map = self.filterset.on_map_totals()
        context["map_count"] = MapCount(
            context["paginator"].count, self.facet_total(on_map, "field")
        )
        chosen = self.chosen("field")
        context["map_legend"] = map_legend([chosen] if chosen else [f for f in on_map if on_map[f]])
        context["map"] = map_settings()
        return context


# The cities the network directory's filters match, for its world map.
@cached_page(params=[CityFilter], free_text=["q", "year"], depends_on=[City])
class CityMapView(FilteredGeoJSONView):
    filterset_class = CityFilter

    def get_queryset(self):
        return City.objects.published()

    def features(self, queryset):
        return map_features(queryset)


# The profile lists this many joint events, the latest first (the events list has all).
JOINT_EVENTS_SHOWN = 10
# And this many of its monitoring reports and agreements (the documents page has all).
DOCUMENTS_SHOWN = 10


# The profile lists what points at the city (partnerships, milestones) and the events
# linked to its partnerships; a partnership shows only while both cities are public, so
# any city's publication may change it.
@cached_page(
    depends_on=[
        City,
        lambda view: [
            links(view.object),
            *(links(partnership) for partnership, _city in view.partnerships),
        ],
    ]
)
class CityDetailView(PublishedDetailMixin, DetailView):
    model = City
    template_name = "cities/city_detail.html"

    @cached_property
    def partnerships(self):
        """(partnership, other city) pairs, those with the home city first."""
        city = self.object
        pairs = [
            (partnership, partnership.other_city(city))
            for partnership in Partnership.objects.published().involving(city)
        ]
        return sorted(pairs, key=lambda pair: not pair[1].is_home)

    def home_city(self):
        """The home city, when this profile is another city's: named beside its
        partnerships (from them when they include it, or in one small query)."""
        if self.object.is_home:
            return None
        for _partnership, other in self.partnerships:
            if other.is_home:
                return other
        return City.objects.published().home().only(*CITY_NAME_FIELDS).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        city = self.object
        context["partnerships"] = self.partnerships
        home = self.home_city()
        context["home_city"] = home
        # "Partnerships with <home city>" when that is what they all are.
        context["all_with_home"] = bool(home) and all(
            other.pk == home.pk for _partnership, other in self.partnerships
        )
        # Read only when there is no partnership to show.
        context["peer_cities"] = City.objects.published().peers_of(city).for_listing().by_name()
        context["milestones"] = city.milestones.published()
        # The joint events, latest first; while there are none, the city's own.
        events = list(
            Event.objects.published()
            .joint_with_or_in(
                city,
                JOINT_EVENTS_SHOWN,
                partnerships=[partnership.pk for partnership, _other in self.partnerships],
            )
            .for_compact_listing()
            .order_by(F("is_joint").desc(), *LATEST_FIRST)[:JOINT_EVENTS_SHOWN]
        )
        joint = [event for event in events if event.is_joint]
        context["joint_events"] = joint
        context["city_events"] = [] if joint else events
        context["map_points"] = map_points(city)
        context["map"] = map_settings()

        # By the relation's name: the document library is the site shell's, which the
        # apps do not import.
        context["documents"] = FirstRows(
            city.documents.published().for_city_profile(), DOCUMENTS_SHOWN
        )
        return context


class HomeCity:
    """What the home page shows about the home city: the city, its partner cities or,
    while it has none, its peers (read with it in one query), and its journey (read when
    first used)."""

    def __init__(self, city, partner_cities, peer_cities=()):
        self.city = city
        self.partner_cities = partner_cities
        self.peer_cities = peer_cities

    @classmethod
    def read(cls):
        """The published home city with its partner (or peer) cities, or None."""
        cities = list(City.objects.published().home_with_partners_or_peers().defer("description"))
        home = next((city for city in cities if city.is_home), None)
        if home is None:
            return None
        others = sorted(
            (city for city in cities if not city.is_home), key=lambda city: str(city).casefold()
        )
        partners = [city for city in others if city.is_partner]
        return cls(home, partners, [] if partners else others)

    @cached_property
    def milestones(self):
        return list(self.city.milestones.published())

    @cached_property
    def partner_country_count(self):
        return len({city.country.code for city in self.partner_cities})
