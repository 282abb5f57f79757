from django.utils.functional import cached_property
from django.views.generic import DetailView

from cities.models import City
from events.models import LATEST_FIRST, Event
from institutions.filters import InstitutionFilter, city_suggestions
from institutions.models import Discipline, Institution, InstitutionKind
from institutions.presentation import map_features, map_points, organization_data
from portal.blocks.caching import cached_page, links, listing
from portal.blocks.listing import FilteredListView
from portal.blocks.maps import FilteredGeoJSONView, MapCount, map_settings
from portal.blocks.publishing import PublishedDetailMixin
from portal.blocks.suggestions import SuggestionsView

# The institution page lists this many of the events it hosts or organises.
EVENTS_ON_DETAIL = 20


# The city filter matches only published cities (a city's publication changes it).
@cached_page(
    params=[InstitutionFilter, "page"],
    free_text=["q", "city"],
    depends_on=[listing(Institution), listing(Discipline), listing(City)],
)
class InstitutionListView(FilteredListView):
    filterset_class = InstitutionFilter
    template_name = "institutions/institution_list.html"

    def get_queryset(self):
        return Institution.objects.published().for_listing().by_name()

    @cached_property
    def kind_counts(self):
        return self.filterset.kind_counts()

    def total_from_facets(self):
        return self.facet_total(self.kind_counts, "kind")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = self.kind_counts
        selected = self.chosen("kind")
        context["kind_counts"] = [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "selected": value == selected,
            }
            for value, label in InstitutionKind.choices
        ]
        context["kind_total"] = sum(counts.values())
        # The map (drawn on request, from map.geojson) shows every match it can place;
        # the page says how many it leaves out.
        context["map_count"] = MapCount(
            context["paginator"].count, self.facet_total(self.filterset.on_map_counts(), "kind")
        )
        context["map"] = map_settings()
        return context


# The directory's city suggestions: the cities that have a published institution.
@cached_page(depends_on=[listing(City), listing(Institution)])
class CitySuggestionsView(SuggestionsView):
    suggestions = staticmethod(city_suggestions)


# The institutions the directory's filters match, for its map.
@cached_page(
    params=[InstitutionFilter],
    free_text=["q", "city"],
    depends_on=[Institution, Discipline, "m:cities.city"],
)
class InstitutionMapView(FilteredGeoJSONView):
    filterset_class = InstitutionFilter

    def get_queryset(self):
        return Institution.objects.published()

    def features(self, queryset):
        return map_features(queryset)


# The page lists the events held at or organised by the institution.
@cached_page(depends_on=[lambda view: [links(view.object)]])
class InstitutionDetailView(PublishedDetailMixin, DetailView):
    model = Institution
    template_name = "institutions/institution_detail.html"

    def get_queryset(self):
        # The page and its structured data both name the disciplines.
        return super().get_queryset().select_related("city").prefetch_related("disciplines")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution = self.object
        context["events"] = (
            Event.objects.published()
            .at_or_by(institution)
            .for_compact_listing()
            .order_by(*LATEST_FIRST)[:EVENTS_ON_DETAIL]
        )
        context["map_points"] = map_points([institution])
        context["map"] = map_settings()
        context["structured_data"] = organization_data(institution, self.request)
        return context
