"""What the institution pages show beyond the model fields: the map's data and the
schema.org description for search engines. Both are plain data built here and
serialised by the template (json_script, ``{% json_ld %}``), never HTML strings."""

from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import get_language

from portal.blocks.translation_status import localized


def map_settings():
    """The tile server and the marker images for institutions-map.js (data- attributes)."""
    return {
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "icon_url": static("vendor/leaflet/images/marker-icon.png"),
        "icon_retina_url": static("vendor/leaflet/images/marker-icon-2x.png"),
        "shadow_url": static("vendor/leaflet/images/marker-shadow.png"),
    }


def map_points(institutions):
    """Markers for the institutions that have coordinates."""
    return [
        {
            "name": localized(institution, "name").text,
            "url": institution.get_absolute_url(),
            "lat": float(institution.latitude),
            "lng": float(institution.longitude),
        }
        for institution in institutions
        if institution.has_coordinates
    ]


def organization_data(institution, request):
    """schema.org Organization for the institution page (JSON-LD)."""
    lang = get_language()
    other = "en" if lang == "ko" else "ko"
    name = localized(institution, "name").text
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": request.build_absolute_uri(institution.get_absolute_url()) + "#organization",
        "name": name,
        "url": institution.homepage or request.build_absolute_uri(institution.get_absolute_url()),
        "mainEntityOfPage": request.build_absolute_uri(institution.get_absolute_url()),
    }
    alternate = getattr(institution, f"name_{other}", "") or ""
    if alternate and alternate != name:
        data["alternateName"] = alternate
    summary = localized(institution, "summary").text
    if summary:
        data["description"] = summary
    if institution.phone:
        data["telephone"] = institution.phone.as_e164
    if institution.email:
        data["email"] = institution.email
    if institution.founded_year:
        data["foundingDate"] = str(institution.founded_year)
    address = localized(institution, "address").text
    city = institution.public_city
    if address or institution.postal_code:
        postal = {"@type": "PostalAddress"}
        if city:
            postal["addressCountry"] = str(city.country)
        if address:
            postal["streetAddress"] = address
        if institution.postal_code:
            postal["postalCode"] = institution.postal_code
        if city:
            postal["addressLocality"] = localized(city, "name").text
        data["address"] = postal
    if institution.has_coordinates:
        data["location"] = {
            "@type": "Place",
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": float(institution.latitude),
                "longitude": float(institution.longitude),
            },
        }
    if institution.image:
        data["image"] = request.build_absolute_uri(institution.image.url)
    disciplines = [str(d) for d in institution.disciplines.all()]
    if disciplines:
        data["knowsAbout"] = disciplines
    return data
