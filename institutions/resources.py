"""Spreadsheet import and export of the institution directory (django-import-export).

The columns are those of the tables city offices publish ("Related institutions":
name, homepage, address, contact number), in both languages, plus kind, city and
disciplines. Values may be written as people write them: a phone as "+82 -31-645-6501",
a homepage as "www.kicet.re.kr/english.web", a kind as its English label, a city as its
slug or English name. A row is matched to an existing institution by its slug, made
from the English name when the sheet has no slug column.

Any bad row stops the whole import (portal.blocks.spreadsheets.SpreadsheetResource): the
preview names the row and the column, and nothing is written. Imported institutions
start as drafts; publishing is a separate decision, so the status is exported but never
imported, even from a Publisher's sheet.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from cities.models import City
from institutions.contact import normalise_homepage, parse_phone
from institutions.models import Discipline, Institution, InstitutionKind
from portal.blocks.spreadsheets import (
    DecimalWidget,
    LabelledChoiceWidget,
    SpreadsheetResource,
    YearWidget,
)


class HomepageWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return normalise_homepage(super().clean(value, row, **kwargs)) or ""


class PhoneWidget(widgets.Widget):
    # Rendered as validated E.164 ("+82…"): digits after the plus, nothing a spreadsheet
    # could run, so it is exported without the apostrophe.
    formula_safe = True

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a spreadsheet that took the number for a number
        return parse_phone(value) or ""

    def render(self, value, obj=None, **kwargs):
        return value.as_e164 if value else ""


class CityWidget(widgets.ForeignKeyWidget):
    """A city by its slug ("icheon") or its name in either language."""

    def __init__(self, **kwargs):
        super().__init__(City, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        city = City.objects.filter(
            Q(slug__iexact=text) | Q(name_en__iexact=text) | Q(name_ko=text)
        ).first()
        if city is None:
            raise ValueError(
                _(
                    "“%(value)s” is not a city in the network. Use its web-address name "
                    "(e.g. icheon) or its English name."
                )
                % {"value": text}
            )
        return city


class DisciplinesWidget(widgets.ManyToManyWidget):
    """Disciplines separated by commas, each by its slug or its name in either language."""

    def __init__(self, **kwargs):
        super().__init__(Discipline, separator=",", field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        names = [part.strip() for part in str(value or "").split(self.separator)]
        names = [name for name in names if name]
        if not names:
            return Discipline.objects.none()
        found, unknown = [], []
        for name in names:
            discipline = Discipline.objects.filter(
                Q(slug__iexact=name) | Q(name_en__iexact=name) | Q(name_ko=name)
            ).first()
            (found if discipline else unknown).append(discipline or name)
        if unknown:
            known = ", ".join(Discipline.objects.values_list("slug", flat=True))
            raise ValueError(
                _("Unknown discipline: %(names)s. Known disciplines: %(known)s.")
                % {"names": ", ".join(unknown), "known": known or "—"}
            )
        return Discipline.objects.filter(pk__in=[d.pk for d in found])


def _field(name, widget=None, **kwargs):
    return fields.Field(attribute=name, column_name=name, widget=widget, **kwargs)


class InstitutionResource(SpreadsheetResource):
    identifying_columns = ("slug", "name_en")

    slug = _field("slug")
    name_en = _field("name_en")
    name_ko = _field("name_ko")
    homepage = _field("homepage", HomepageWidget())
    address_en = _field("address_en")
    address_ko = _field("address_ko")
    postal_code = _field("postal_code")
    phone = _field("phone", PhoneWidget())
    email = _field("email")
    kind = _field("kind", LabelledChoiceWidget(InstitutionKind, gettext_lazy("kind")))
    city = _field("city", CityWidget())
    disciplines = _field("disciplines", DisciplinesWidget())
    founded_year = _field("founded_year", YearWidget())
    latitude = _field("latitude", DecimalWidget())
    longitude = _field("longitude", DecimalWidget())
    summary_en = _field("summary_en")
    summary_ko = _field("summary_ko")
    description_en = _field("description_en")
    description_ko = _field("description_ko")
    status = _field("status", readonly=True)

    class Meta:
        model = Institution
        fields = (
            "slug",
            "name_en",
            "name_ko",
            "homepage",
            "address_en",
            "address_ko",
            "postal_code",
            "phone",
            "email",
            "kind",
            "city",
            "disciplines",
            "founded_year",
            "latitude",
            "longitude",
            "summary_en",
            "summary_ko",
            "description_en",
            "description_ko",
            "status",
        )
        export_order = fields
        import_id_fields = ("slug",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_import(self, dataset, **kwargs):
        # Sheets copied from a city's web page have no slug column: one is made per row.
        if "slug" not in (dataset.headers or []):
            dataset.append_col([""] * len(dataset), header="slug")
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        slug = str(row.get("slug") or "").strip()
        if not slug:
            slug = slugify(str(row.get("name_en") or ""))
            if not slug and str(row.get("name_ko") or "").strip():
                raise ValidationError(
                    {"slug": _("Give an English name or a slug: the web address is made from it.")}
                )
        row["slug"] = slug
        super().before_import_row(row, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        # django-import-export checks many-to-many cells only when it saves them, after
        # validation: an unknown discipline would surface as a crash, not a row error.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        field = self.fields["disciplines"]
        if field.column_name in row:
            try:
                field.clean(row)
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged rows are skipped (no save, no history entry). Unlike the default,
        an empty cell equals an empty translation whether it is stored as "" or NULL
        (modeltranslation keeps NULL for a language never filled in)."""
        if import_validation_errors or original is None or original.pk is None:
            return False
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            if isinstance(field.widget, widgets.ManyToManyWidget):
                new = sorted(item.pk for item in field.clean(row))
                old = sorted(item.pk for item in field.get_value(original).all())
            else:
                new, old = field.get_value(instance), field.get_value(original)
            if (new if new is not None else "") != (old if old is not None else ""):
                return False
        return True
