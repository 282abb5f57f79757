"""Shared pieces of the spreadsheet imports and exports (django-import-export) of every
app: the base resource, widgets that explain a bad cell, formula neutralisation and the
CSV format that reads Korean Excel's encoding."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.formats.base_formats import CSV, XLSX

from portal.blocks.roles import can_publish

# A cell starting with one of these is a formula to a spreadsheet program (OWASP "CSV
# injection"); a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Publishing stays with the people allowed to publish, whatever a sheet says.
PUBLICATION_ATTRIBUTES = ("status", "publish_at")


def normal_text(value):
    return " ".join(str(value).split()).casefold()


def neutralise_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_formula_text(value):
    """Undo ``neutralise_formula`` so that an exported sheet imports unchanged."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SpreadsheetCSV(CSV):
    """CSV in UTF-8 (with or without a byte-order mark) or, failing that, in cp949: Korean
    Excel's "CSV" is saved in cp949 (a superset of EUC-KR), and staff should not have to
    know that to upload it.

    Declared binary so that the admin hands over the file's bytes (its temporary storage
    would otherwise decode them as UTF-8 and fail before this class is asked)."""

    FALLBACK_ENCODING = "cp949"

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode(self.encoding or "utf-8-sig")
            except UnicodeDecodeError:
                in_stream = in_stream.decode(self.FALLBACK_ENCODING)
        return super().create_dataset(in_stream, **kwargs)


# What every admin that imports or exports a spreadsheet offers.
IMPORT_FORMATS = [SpreadsheetCSV, XLSX]
EXPORT_FORMATS = [CSV, XLSX]


class LabelledChoiceWidget(widgets.Widget):
    """A choice written as its key, its English label or its Korean label."""

    def __init__(self, choices, what, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.what = what

    def _lookup(self):
        table = {}
        for key, label in self.choices.choices:
            table[normal_text(key)] = key
            for lang in ("en", "ko"):
                with translation.override(lang):
                    table[normal_text(label)] = key
        # "Crafts and Folk Arts" and "&" for "and" are common in the sources.
        for text, key in list(table.items()):
            table.setdefault(text.replace(" and ", " & "), key)
            table.setdefault(text + "s", key)
        return table

    def clean(self, value, row=None, **kwargs):
        if value is None or not str(value).strip():
            return ""
        key = self._lookup().get(normal_text(value))
        if key is None:
            with translation.override("en"):
                options = ", ".join(str(label) for _key, label in self.choices.choices)
            raise ValueError(
                _("“%(value)s” is not a known %(what)s. Use one of: %(options)s.")
                % {"value": value, "what": self.what, "options": options}
            )
        return key

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        with translation.override("en"):
            return str(self.choices(value).label)


class YearWidget(widgets.Widget):
    """A year, between ``first`` and ``last`` (by default the range of
    ``portal.blocks.fields.year_field``)."""

    def __init__(self, first=1000, last=2100, **kwargs):
        super().__init__(**kwargs)
        self.first, self.last = first, last

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        text = str(value).strip()
        if text.endswith(".0"):  # spreadsheets store whole numbers as floats
            text = text[:-2]
        if not text.isdigit() or not self.first <= int(text) <= self.last:
            raise ValueError(
                _("“%(value)s” is not a year between %(first)s and %(last)s.")
                % {"value": value, "first": self.first, "last": self.last}
            )
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DecimalWidget(widgets.DecimalWidget):
    """A decimal number (coordinates). The library's widget lets ``decimal`` raise
    InvalidOperation, which the preview shows as "[<class 'decimal.ConversionSyntax'>]";
    a ValueError becomes a row error naming the cell's value."""

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        if isinstance(value, float):
            value = repr(value)  # an XLSX number: its shortest exact spelling
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(
                _(
                    "“%(value)s” is not a number. Write it with a dot for the "
                    "decimals, e.g. 36.6424."
                )
                % {"value": value}
            )
        return number


class SpreadsheetResource(resources.ModelResource):
    """The base of every app's spreadsheet resource.

    - All or nothing: a row that fails validation rolls the whole file back, on the
      confirming import as in the preview (the library rolls back only rows that raise).
    - The same record twice in one sheet is an error on the later row, naming both rows,
      rather than the second silently overwriting the first.
    - Status and publication time are imported only for people who may publish (an
      Editor's sheet cannot publish or withdraw). Imports run from code without a user
      (``load_demo``) are trusted.
    - Exported text that a spreadsheet program would run as a formula is made text with
      a leading apostrophe, which an import removes again. A widget whose output is
      validated (a phone in E.164) says so with ``formula_safe = True``.
    """

    _may_publish = False
    _first_rows = None

    def get_use_transactions(self):
        # Rolling back needs a transaction, whatever IMPORT_EXPORT_USE_TRANSACTIONS says.
        return True

    def import_data(self, dataset, *args, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        user = kwargs.get("user")
        self._may_publish = user is None or can_publish(user)
        self._first_rows = {}
        return super().import_data(dataset, *args, **kwargs)

    def import_row(self, row, instance_loader, **kwargs):
        # Before any hook reads the row: an exported "'=1+1" is the text "=1+1" again.
        for key, value in row.items():
            row[key] = restore_formula_text(value)
        return super().import_row(row, instance_loader, **kwargs)

    def after_init_instance(self, instance, new, row, **kwargs):
        # The first hook where a row's identity is final (a subclass may make the slug
        # in before_import_row).
        super().after_init_instance(instance, new, row, **kwargs)
        self._refuse_repeated_record(row, kwargs.get("row_number"))

    def _refuse_repeated_record(self, row, number):
        if self._first_rows is None:
            return
        id_fields = [self.fields[name] for name in self.get_import_id_fields()]
        key = tuple(normal_text(row.get(field.column_name) or "") for field in id_fields)
        if not any(key):
            return  # nothing to match on: the row's own validation says what is missing
        first = self._first_rows.setdefault(key, number)
        if first != number:
            field = id_fields[0]
            raise ValidationError(
                {
                    field.attribute: _(
                        "Rows %(first)s and %(second)s are the same record (%(column)s "
                        "“%(value)s”). List each record once."
                    )
                    % {
                        "first": first,
                        "second": number,
                        "column": field.column_name,
                        "value": row.get(field.column_name),
                    }
                }
            )

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute in PUBLICATION_ATTRIBUTES and not self._may_publish:
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if getattr(field.widget, "formula_safe", False):
            return value
        return neutralise_formula(value)
