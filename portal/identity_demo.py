"""The demo's site identity, made from the home city that the demo loaded: its name and
creative field give the site's name, and a Korean home city's site is marked as the
city government's official website (the portal is the city's own program office).

The sources give no postal address, phone, e-mail, opening hours, social media
accounts or logos of any office, so those stay empty and the site shows its defaults
for them. Idempotent: a second run writes nothing.
"""

from django.utils import translation

from cities.models import City
from portal.models import IDENTITY_PK, SiteIdentity


def identity_values(city):
    fields = {}
    for code in ("ko", "en"):
        with translation.override(code):
            fields[code] = str(city.get_creative_field_display())
    name_ko, name_en = city.name_ko or city.name_en, city.name_en
    korean = city.country.code == "KR"
    return {
        "site_name_ko": f"{name_ko} 유네스코 {fields['ko']} 창의도시",
        "site_name_en": f"{name_en} UNESCO Creative City of {fields['en']}",
        "office_name_ko": f"{name_ko}시" if korean else "",
        "office_name_en": f"{name_en} City" if korean else "",
        "is_government_site": korean,
    }


def load(*, log, **kwargs):
    city = City.objects.home().first()
    if city is None:
        return
    values = identity_values(city)
    identity = SiteIdentity.objects.filter(pk=IDENTITY_PK).first()
    if identity is None:
        SiteIdentity.objects.create(**values)
        log("  created the site identity")
        return
    changed = [key for key, value in values.items() if getattr(identity, key) != value]
    if changed:
        for key in changed:
            setattr(identity, key, values[key])
        identity.save()
        log("  updated the site identity")
