"""What the institution pages show beyond the model fields: the map's data and the
schema.org description for search engines. Both are plain data built here and
serialised by the template (json_script, ``{% json_ld %}``) or as GeoJSON, never HTML
strings."""

from django.utils.translation import get_language

from portal.blocks.maps import point
from portal.blocks.reversing import reverse_slug
from portal.blocks.translation_status import localized


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


def map_features(institutions):
    """GeoJSON features of the institutions a map can place (``on_map``), read as rows
    of the five columns they need: ``n`` the name in the page's language (the other's
    where it has none), ``u`` the page's address."""
    english = get_language() == "en"
    rows = (
        institutions.on_map()
        .order_by()
        .values_list("slug", "name_ko", "name_en", "latitude", "longitude")
    )
    for slug, name_ko, name_en, latitude, longitude in rows:
        name = (name_en or name_ko) if english else (name_ko or name_en)
        yield point(latitude, longitude, n=name, u=reverse_slug("institutions:detail", slug))


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
