"""The institution directory as an open-data CSV: one row per published institution,
the columns named in the address's language."""

from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.models import Institution
from portal.blocks.opendata import ROW_LIMIT
from portal.blocks.reversing import reverse_slug
from portal.blocks.translation_status import localized


def institution_columns():
    return [
        _("Identifier"),
        _("Name"),
        _("Name in Korean"),
        _("Name in English"),
        _("Kind"),
        _("Disciplines"),
        _("City"),
        _("Address"),
        _("Postal code"),
        _("Phone"),
        _("E-mail"),
        _("Homepage"),
        _("Founded"),
        _("Summary"),
        _("Latitude"),
        _("Longitude"),
        _("Page on this site"),
        _("Data as of"),
    ]


def _translated(*names):
    return [f"{name}_{code}" for name in names for code in ("ko", "en")]


def for_dataset(institutions):
    return (
        institutions.select_related("city")
        .only(
            "slug",
            "kind",
            "postal_code",
            "phone",
            "email",
            "homepage",
            "founded_year",
            "latitude",
            "longitude",
            "updated_at",
            "status",
            "publish_at",
            *_translated("name", "address", "summary"),
            "city__slug",
            "city__status",
            "city__publish_at",
            *_translated("city__name"),
        )
        .prefetch_related(None)[:ROW_LIMIT]
    )


def discipline_names(institutions):
    """``{institution pk: [discipline names]}``: one query."""
    links = (
        Institution.disciplines.through.objects.filter(institution_id__in=institutions.values("pk"))
        .select_related("discipline")
        .only("institution_id", *(f"discipline__{f}" for f in ("slug", "name_ko", "name_en")))
        .order_by("institution_id", "discipline__slug")
    )
    names = {}
    for link in links:
        names.setdefault(link.institution_id, []).append(localized(link.discipline, "name").text)
    return names


def institution_rows(institutions, request):
    """Rows in ``institution_columns()`` order for ``institutions``, a filtered queryset
    of published institutions: two queries."""
    institutions = for_dataset(institutions)
    disciplines = discipline_names(institutions)
    for institution in institutions.iterator(chunk_size=2000):
        city = institution.public_city
        yield [
            institution.slug,
            localized(institution, "name").text,
            institution.name_ko,
            institution.name_en,
            institution.get_kind_display(),
            ", ".join(disciplines.get(institution.pk, ())),
            localized(city, "name").text if city else "",
            localized(institution, "address").text,
            institution.postal_code,
            institution.phone_display,
            institution.email,
            institution.homepage,
            institution.founded_year,
            localized(institution, "summary").text,
            institution.latitude,
            institution.longitude,
            request.build_absolute_uri(reverse_slug("institutions:detail", institution.slug)),
            timezone.localdate(institution.updated_at),
        ]
