"""Maps: what static/js/maps.js needs to draw one, and the GeoJSON the directory maps
load (``/<lang>/institutions/map.geojson``, ``/<lang>/cities/map.geojson``).

A directory map shows every record its filters match, not one page of the list, so its
points come from a GeoJSON endpoint that reads the list's own filters. At thousands of
records it must stay small: coordinates rounded to five decimals (about a metre), one-
letter property names, no indentation, UTF-8 rather than escaped Hangul. The list stays
the complete text; the map is drawn only when a visitor asks for it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.utils.cache import add_never_cache_headers
from django.views import View

from portal.blocks.compact_json import compact_json_response

GEOJSON = "application/geo+json"

# Decimal places kept: 5 is about 1.1 m at the equator, finer than any address.
PRECISION = 5


def map_settings():
    """The tile server and the files maps.js loads on request (its data- attributes)."""
    return {
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "icon_url": static("vendor/leaflet/images/marker-icon.png"),
        "icon_retina_url": static("vendor/leaflet/images/marker-icon-2x.png"),
        "shadow_url": static("vendor/leaflet/images/marker-shadow.png"),
        "leaflet_js": static("vendor/leaflet/leaflet.js"),
        "leaflet_css": static("vendor/leaflet/leaflet.css"),
        "cluster_js": static("vendor/leaflet.markercluster/leaflet.markercluster.js"),
        "cluster_css": static("vendor/leaflet.markercluster/MarkerCluster.css"),
    }


@dataclass(frozen=True)
class MapCount:
    """How many of a list's ``total`` results its map ``shown``s."""

    total: int
    shown: int

    @property
    def missing(self):
        return self.total - self.shown


def point(latitude, longitude, **properties):
    """A GeoJSON Point feature (longitude first, as GeoJSON orders them)."""
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(float(longitude), PRECISION), round(float(latitude), PRECISION)],
        },
        "properties": properties,
    }


def geojson_response(data, status=200):
    return compact_json_response(data, content_type=GEOJSON, status=status)


class FilteredGeoJSONView(View):
    """The points of a directory's records under the directory's filters.

    Subclasses give ``filterset_class``, ``get_queryset()`` (the published records, as
    the list reads them) and ``features(queryset)`` (read as rows, only the columns the
    map needs). Invalid filters answer 400 with the form's errors, never stored by any
    cache; they never raise.
    """

    filterset_class = None

    def get_queryset(self):
        raise NotImplementedError

    def features(self, queryset):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        filterset = self.filterset_class(
            request.GET or None, queryset=self.get_queryset(), request=request
        )
        if filterset.is_bound and not filterset.is_valid():
            response = geojson_response(
                {
                    "type": "FeatureCollection",
                    "features": [],
                    "errors": filterset.form.errors.get_json_data(),
                },
                status=400,
            )
            add_never_cache_headers(response)
            return response
        return geojson_response(
            {"type": "FeatureCollection", "features": list(self.features(filterset.qs))}
        )
