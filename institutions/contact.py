"""How an institution is reached: homepage, phone and "open in map" links.

Each rule is written once here and used by the model, the admin form, the spreadsheet
import and the pages alike.
"""

import re
from urllib.parse import quote, urlencode

import phonenumbers
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber, to_python

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def normalise_homepage(value):
    """A homepage as a working link: "www.kicet.re.kr/english.web" (as the seed tables
    write it) becomes "https://www.kicet.re.kr/english.web". Anything else is left for
    the URL validator to judge."""
    if value is None:
        return value
    text = str(value).strip()
    if not text:
        return ""
    if text.startswith("//"):
        return "https:" + text
    if not _SCHEME.match(text):
        return "https://" + text
    return text


class HomepageFormField(forms.URLField):
    """Form field for homepages: the same normalisation as the model and the import
    (Django's own URLField would guess http:// for a bare address)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(normalise_homepage(value))


def parse_phone(value):
    """A phone number as people write it ("+82 -31-645-6501", "031-645-6501") parsed
    with the default region (Korea); ``None`` for an empty value. Raises ValueError
    for something that is not a valid number."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    number = to_python(text)
    if not isinstance(number, PhoneNumber) or not number.is_valid():
        raise ValueError(
            _(
                "“%(value)s” is not a valid phone number. Write it with the area code, "
                "e.g. 031-645-6501 or +82 31-645-6501."
            )
            % {"value": text}
        )
    return number


def readable_phone(number):
    """As people read it: the national format for a number in the portal's own country
    (031-645-6501), the international one otherwise (+33 1 45 68 10 00)."""
    if not number or not getattr(number, "is_valid", lambda: False)():
        return str(number or "")
    home_code = phonenumbers.country_code_for_region(settings.PHONENUMBER_DEFAULT_REGION)
    if number.country_code == home_code:
        return number.as_national
    return number.as_international


def map_links(*, name, address="", latitude=None, longitude=None):
    """Links that open a place in OpenStreetMap, Kakao Map and Naver Map: at its
    coordinates when they are known, otherwise a search for its address (or its name,
    when there is no address). Returns a list of (service name, URL)."""
    query = (address or name or "").strip()
    if latitude is not None and longitude is not None:
        lat, lng = f"{float(latitude):.6f}", f"{float(longitude):.6f}"
        return [
            (
                _("OpenStreetMap"),
                f"https://www.openstreetmap.org/?{urlencode({'mlat': lat, 'mlon': lng})}"
                f"#map=17/{lat}/{lng}",
            ),
            # Kakao's link format is name,lat,lng: a comma in the name would shift them.
            (
                _("Kakao Map"),
                f"https://map.kakao.com/link/map/{quote(name.replace(',', ' '), safe='')},"
                f"{lat},{lng}",
            ),
            (
                _("Naver Map"),
                f"https://map.naver.com/?{urlencode({'lat': lat, 'lng': lng, 'title': name})}",
            ),
        ]
    if not query:
        return []
    return [
        (_("OpenStreetMap"), f"https://www.openstreetmap.org/search?{urlencode({'query': query})}"),
        (_("Kakao Map"), f"https://map.kakao.com/link/search/{quote(query, safe='')}"),
        (_("Naver Map"), f"https://map.naver.com/p/search/{quote(query, safe='')}"),
    ]
