"""Open data: the downloads (events as the national cultural-festival standard dataset,
in CSV and JSON; institutions and cities in CSV) and the page that lists them.

Each download follows its list page's filters (the same FilterSet; invalid values are
a 400 that says which), holds published records only, and carries the licence the
office chose (``SiteIdentity.open_data_licence``, KOGL Type 1 unless changed). It is
streamed, at most ``ROW_LIMIT`` rows, in a fixed number of queries. Downloads are not
kept by the page cache (a streamed response is never stored); each is a few indexed
queries over the columns it writes.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cities.filters import CityFilter
from cities.models import City
from cities.opendata import city_columns, city_rows
from events.filters import EventFilter
from events.models import Event
from events.opendata import FESTIVAL_COLUMNS, festival_rows
from institutions.filters import InstitutionFilter
from institutions.models import Institution
from institutions.opendata import institution_columns, institution_rows
from portal.blocks.caching import cached_page
from portal.blocks.gallery import LICENCE_URLS, Licence
from portal.blocks.opendata import ROW_LIMIT, csv_response, json_response
from portal.models import IDENTITY_PK, SiteIdentity


def open_data_licence():
    """The licence of the site's open data as ``{"id", "name", "url"}``: one query."""
    chosen = (
        SiteIdentity.objects.filter(pk=IDENTITY_PK)
        .values_list("open_data_licence", flat=True)
        .first()
    )
    licence = Licence(chosen or Licence.KOGL_1)
    return {"id": licence.value, "name": str(licence.label), "url": LICENCE_URLS.get(licence, "")}


def invalid_filters(filterset):
    return HttpResponse(
        "\n".join(
            [
                _("The filters are not valid:"),
                *(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()),
            ]
        )
        + "\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def _events(request):
    """The events list's filters over published events, its default included (what is
    on now and next): the list's link downloads what it shows. ``?when=all`` is every
    event, most recent first (the open data page links that)."""
    return EventFilter(request.GET, queryset=Event.objects.published(), request=request)


def events_csv(request):
    filterset = _events(request)
    if not filterset.is_valid():
        return invalid_filters(filterset)
    rows = festival_rows(filterset.qs, request)
    return csv_response("events.csv", FESTIVAL_COLUMNS, rows, open_data_licence())


def events_json(request):
    filterset = _events(request)
    if not filterset.is_valid():
        return invalid_filters(filterset)
    rows = festival_rows(filterset.qs, request)
    return json_response("events.json", FESTIVAL_COLUMNS, rows, open_data_licence())


def institutions_csv(request):
    filterset = InstitutionFilter(
        request.GET, queryset=Institution.objects.published().by_name(), request=request
    )
    if not filterset.is_valid():
        return invalid_filters(filterset)
    rows = institution_rows(filterset.qs, request)
    return csv_response("institutions.csv", institution_columns(), rows, open_data_licence())


def cities_csv(request):
    filterset = CityFilter(request.GET, queryset=City.objects.published().by_name())
    if not filterset.is_valid():
        return invalid_filters(filterset)
    rows = city_rows(filterset.qs, request)
    return csv_response("cities.csv", city_columns(), rows, open_data_licence())


@cached_page(depends_on=[SiteIdentity])
class OpenDataView(TemplateView):
    template_name = "portal/open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["licence"] = open_data_licence()
        context["row_limit"] = ROW_LIMIT
        context["festival_columns"] = FESTIVAL_COLUMNS
        return context
