"""The network directory as an open-data CSV: one row per published city, the columns
named in the address's language."""

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.blocks.opendata import ROW_LIMIT
from portal.blocks.reversing import reverse_slug
from portal.blocks.translation_status import localized


def city_columns():
    return [
        _("Identifier"),
        _("Name"),
        _("Name in Korean"),
        _("Name in English"),
        _("Country"),
        _("Country code (ISO 3166)"),
        _("UNESCO region"),
        _("Creative field"),
        _("Year of designation"),
        _("Population"),
        _("Summary"),
        _("Website"),
        _("Latitude"),
        _("Longitude"),
        _("Page on this site"),
        _("Data as of"),
    ]


def for_dataset(cities):
    return cities.defer(
        *(f"{name}_{code}" for name in ("description",) for code in ("ko", "en")),
        "description",
    )[:ROW_LIMIT]


def city_rows(cities, request):
    """Rows in ``city_columns()`` order for ``cities``, a filtered queryset of published
    cities: one query."""
    for city in for_dataset(cities).iterator(chunk_size=2000):
        yield [
            city.slug,
            localized(city, "name").text,
            city.name_ko,
            city.name_en,
            city.country.name,
            city.country.code,
            city.get_region_display(),
            city.get_creative_field_display(),
            city.designation_year,
            city.population,
            localized(city, "summary").text,
            city.website,
            city.latitude,
            city.longitude,
            request.build_absolute_uri(reverse_slug("cities:detail", city.slug)),
            timezone.localdate(city.updated_at),
        ]
