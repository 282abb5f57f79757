"""What the network's maps show: each creative field's symbol, the GeoJSON of the
directory's cities and a profile's own point. Plain data, serialised by the templates
(json_script, the legend) or as GeoJSON."""

from django.utils.translation import get_language

from cities.models import CreativeField
from portal.blocks.maps import point
from portal.blocks.reversing import reverse_slug
from portal.blocks.translation_status import localized

# Each creative field's marker: a shape of its own and a colour (Okabe and Ito's
# palette, told apart with any colour vision), outlined in near-black, so that the
# shape alone tells the fields apart (WCAG 1.4.1). SVG paths in a 20-unit square.
FIELD_SYMBOLS = {
    CreativeField.CRAFTS_AND_FOLK_ART: ("#e69f00", "M10 2a8 8 0 1 1 0 16a8 8 0 1 1 0-16z"),
    CreativeField.DESIGN: ("#56b4e9", "M3 3h14v14H3z"),
    CreativeField.FILM: ("#009e73", "M10 2l8.5 15.5h-17z"),
    CreativeField.GASTRONOMY: ("#f0e442", "M10 1l9 9-9 9-9-9z"),
    CreativeField.LITERATURE: (
        "#0072b2",
        "M10 1l2.6 5.9 6.4.6-4.8 4.3 1.4 6.3L10 14.8l-5.6 3.3 1.4-6.3L1 7.5l6.4-.6z",
    ),
    CreativeField.MEDIA_ARTS: ("#d55e00", "M5.5 2h9l4.5 8-4.5 8h-9L1 10z"),
    CreativeField.MUSIC: ("#cc79a7", "M1.5 2.5h17L10 18z"),
    CreativeField.ARCHITECTURE: ("#bbbbbb", "M7 2h6v5h5v6h-5v5H7v-5H2V7h5z"),
}


def map_legend(fields):
    """The legend entries of ``fields`` (creative field keys), in the fields' order."""
    shown = set(fields)
    return [
        {
            "field": key,
            "label": label,
            "colour": FIELD_SYMBOLS[key][0],
            "path": FIELD_SYMBOLS[key][1],
        }
        for key, label in CreativeField.choices
        if key in shown
    ]


def map_features(cities):
    """GeoJSON features of the cities a map can place, read as rows of the six columns
    they need: ``n`` the name in the page's language (the other's, or the slug, where
    it has none), ``u`` the profile's address, ``f`` the creative field."""
    english = get_language() == "en"
    rows = (
        cities.on_map()
        .order_by()
        .values_list("slug", "name_ko", "name_en", "creative_field", "latitude", "longitude")
    )
    for slug, name_ko, name_en, field, latitude, longitude in rows:
        name = ((name_en or name_ko) if english else (name_ko or name_en)) or slug
        yield point(latitude, longitude, n=name, u=reverse_slug("cities:detail", slug), f=field)


def map_points(city):
    """A profile's own point, for its small map (none without coordinates)."""
    if city.latitude is None or city.longitude is None:
        return []
    return [
        {
            "name": localized(city, "name").text,
            "url": city.get_absolute_url(),
            "lat": float(city.latitude),
            "lng": float(city.longitude),
        }
    ]
