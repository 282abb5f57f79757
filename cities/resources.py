"""Spreadsheet import and export of the network list (django-import-export).

The columns are those of the network list staff keep (name_en, name_ko, country,
region, field, year); values may be written as people write them ("Asia and the
Pacific", "Crafts and Folk Art", "Korea, Republic of") or as the codes the site stores.
A row is matched to an existing city by its slug, made from the English name when the
file has no slug column. Any bad row stops the whole import (nothing is written), and
the preview names the row and the column (portal.blocks.spreadsheets.SpreadsheetResource). The
status column is exported; it is imported only for people who may publish.
"""

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from import_export import fields, widgets

from cities.models import City, CreativeField, Region
from portal.blocks.publishing import PublicationStatus
from portal.blocks.spreadsheets import LabelledChoiceWidget, SpreadsheetResource, YearWidget


class CountryWidget(widgets.Widget):
    """An ISO 3166 code (KR, KOR, 410) or the English country name."""

    def clean(self, value, row=None, **kwargs):
        if value is None or not str(value).strip():
            return ""
        text = str(value).strip()
        code = countries.alpha2(text)
        if not code:
            with translation.override("en"):
                code = countries.by_name(text)
        if not code:
            raise ValueError(
                _("“%(value)s” is not a country. Use the two-letter ISO code, e.g. KR.")
                % {"value": value}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        return str(value or "")


class CityResource(SpreadsheetResource):
    identifying_columns = ("name_en",)

    slug = fields.Field(attribute="slug", column_name="slug")
    name_en = fields.Field(attribute="name_en", column_name="name_en")
    name_ko = fields.Field(attribute="name_ko", column_name="name_ko")
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    region = fields.Field(
        attribute="region",
        column_name="region",
        widget=LabelledChoiceWidget(Region, what=gettext_lazy("UNESCO region")),
    )
    field = fields.Field(
        attribute="creative_field",
        column_name="field",
        widget=LabelledChoiceWidget(CreativeField, what=gettext_lazy("creative field")),
    )
    # The network was founded in 2004: no city was designated before that.
    year = fields.Field(
        attribute="designation_year", column_name="year", widget=YearWidget(first=2004)
    )
    status = fields.Field(
        attribute="status",
        column_name="status",
        widget=LabelledChoiceWidget(PublicationStatus, what=gettext_lazy("status")),
    )

    class Meta:
        model = City
        import_id_fields = ("slug",)
        fields = ("slug", "name_en", "name_ko", "country", "region", "field", "year", "status")
        # Run the model's own validation (field choices, home city, …) on every row.
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_import(self, dataset, **kwargs):
        if "slug" not in dataset.headers and "name_en" in dataset.headers:
            position = dataset.headers.index("name_en")
            dataset.append_col(lambda row: slugify(row[position] or ""), header="slug")
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        errors = {}
        if not str(row.get("name_en") or "").strip():
            errors["name_en"] = _("Every city needs its English name.")
        if not slugify(str(row.get("slug") or "")):
            errors["slug"] = _("The slug is empty: give one, or an English name to make it from.")
        for column in ("country", "region", "field"):
            if column in row and not str(row[column] or "").strip():
                errors[column] = _("This column cannot be empty.")
        if errors:
            raise ValidationError(errors)
        super().before_import_row(row, **kwargs)
