"""Shared pieces of the spreadsheet imports and exports (django-import-export) of every
app: the base resource, widgets that explain a bad cell, formula neutralisation
(``portal.blocks.csv_cells``), and the CSV and XLSX formats that read what staff's
spreadsheet programs save.

Reading a file is where most of what can go wrong with an upload shows: its encoding,
its separator, formulas without a saved result, blank rows, unnamed columns, too many
rows. Each is a ``SpreadsheetError`` whose message says what to do; the admin
(``portal.blocks.spreadsheet_admin``) shows it instead of importing anything.
"""

import codecs
import csv
import io
import logging
import time
from decimal import Decimal, InvalidOperation

import charset_normalizer
import tablib
from diff_match_patch import diff_match_patch
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.formats.base_formats import CSV, XLSX

from portal.blocks.csv_cells import (  # noqa: F401  (named here for the importers)
    FORMULA_STARTS,
    neutralise_formula,
    restore_formula_text,
)
from portal.blocks.roles import can_publish

logger = logging.getLogger(__name__)

# Publishing stays with the people allowed to publish, whatever a sheet says.
PUBLICATION_ATTRIBUTES = ("status", "publish_at")

# What Excel saves as "CSV" on Korean Windows (cp949, a superset of EUC-KR) and on
# Western European Windows (cp1252), besides UTF-8 and UTF-16 (which carry a mark).
LEGACY_ENCODINGS = ("cp949", "cp1252")
SEPARATORS = (",", ";", "\t")


class SpreadsheetError(Exception):
    """A file that cannot be imported as a whole. The message is for staff: it says what
    is wrong and what to do."""


def normal_text(value):
    return " ".join(str(value).split()).casefold()


def decode_text(data):
    """The text of a CSV file: UTF-8 or UTF-16 when the bytes say so (a byte-order mark,
    or valid UTF-8), otherwise cp949 or cp1252 when charset-normalizer finds exactly one
    of them plausible. Anything else is refused rather than guessed."""
    unsure = SpreadsheetError(
        _(
            "The characters of this file could not be read with certainty. In Excel, "
            "save it as “CSV UTF-8 (comma delimited) (*.csv)” and upload that file."
        )
    )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif b"\0" in data:
        raise unsure  # UTF-16 without its mark, or not text at all
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        matches = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS))
        if len(matches) != 1:
            raise unsure
        encoding = matches.best().encoding
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise unsure from None


def read_rows(rows):
    """A dataset from rows of cells, the first non-blank one being the column names.

    Blank rows are left out, as are columns with neither a name nor a value (spreadsheet
    programs save both around the data); a value under no name, or more rows than
    ``IMPORT_MAX_ROWS``, refuses the file. The rows are read lazily, so a file far over
    the limit costs no more than one just over it."""
    limit = settings.IMPORT_MAX_ROWS
    rows = (list(row) for row in rows if any(not _blank(cell) for cell in row))
    header = next(rows, None)
    if header is None:
        raise SpreadsheetError(_("The file is empty: it has neither column names nor rows."))
    names = ["" if _blank(cell) else str(cell).strip() for cell in header]
    body = []
    for row in rows:
        if len(body) == limit:
            raise SpreadsheetError(
                _(
                    "This file has more than %(limit)s rows, more than one import can "
                    "take. Split it into files of at most %(limit)s rows and import them "
                    "one after the other."
                )
                % {"limit": number_format(limit, force_grouping=True)}
            )
        body.append(row + [None] * (len(names) - len(row)))
    if not body:
        raise SpreadsheetError(_("The file has column names but no rows to import."))
    width = max(len(names), *(len(row) for row in body))
    names += [""] * (width - len(names))
    keep = []
    for position, name in enumerate(names):
        filled = any(position < len(row) and not _blank(row[position]) for row in body)
        if name:
            keep.append(position)
        elif filled:
            raise SpreadsheetError(
                _(
                    "Column %(number)s has values but no name in the first row. Give it "
                    "one of the column names below, or delete it."
                )
                % {"number": position + 1}
            )
    dataset = tablib.Dataset(headers=[names[position] for position in keep])
    for row in body:
        dataset.append([row[position] if position < len(row) else None for position in keep])
    return dataset


def _blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


class SpreadsheetCSV(CSV):
    """CSV as Excel saves it: in UTF-8 (with or without a byte-order mark), UTF-16
    ("Unicode text"), cp949 (Korean Windows) or cp1252 (Western European Windows); its
    cells separated by commas, semicolons (French Excel) or tabs ("Unicode text").

    Declared binary so that the admin hands over the file's bytes (it would otherwise
    decode them as UTF-8 and fail before this class is asked)."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text = decode_text(in_stream) if isinstance(in_stream, bytes) else in_stream
        first_line = text.lstrip("\ufeff").split("\n", 1)[0]
        separator = max(SEPARATORS, key=first_line.count)
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=separator)
        try:
            return read_rows(reader)
        except csv.Error as error:
            raise SpreadsheetError(
                _("This file is not a CSV table: %(problem)s.") % {"problem": error}
            ) from error


class SpreadsheetXLSX(XLSX):
    """The sheet an Excel workbook opens on. A formula counts as the value Excel saved
    with it; a formula without one (a workbook written by a program rather than saved
    by a spreadsheet program) or an error value (#N/A, #REF!, …) refuses the file,
    naming the cell, rather than importing an empty cell or the error's text.

    openpyxl parses the workbook's XML through defusedxml, which refuses entity tricks
    (billion laughs, external entities) before anything is read."""

    def create_dataset(self, in_stream, **kwargs):
        try:
            return read_rows(self._rows(in_stream))
        except SpreadsheetError:
            raise
        except Exception as error:
            # openpyxl and zipfile raise many kinds of error for a damaged or foreign
            # file; to staff they all mean the same.
            logger.info("Unreadable workbook: %r", error)
            raise SpreadsheetError(
                _(
                    "This file could not be read as an Excel workbook (.xlsx). Open it in "
                    "Excel, save it as “Excel Workbook (*.xlsx)” and upload it again."
                )
            ) from error

    def _rows(self, data):
        import openpyxl
        from openpyxl.utils import get_column_letter

        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = values.active
        if sheet is None or not hasattr(sheet, "iter_rows"):
            raise SpreadsheetError(_("The workbook opens on a sheet without cells."))
        formula_sheet = formulas[sheet.title]
        # The used range a file declares may be wrong; read every cell there is.
        sheet.reset_dimensions()
        formula_sheet.reset_dimensions()
        for number, (cells, formula_cells) in enumerate(
            zip(sheet.iter_rows(), formula_sheet.iter_rows(), strict=True), start=1
        ):
            row = []
            for column, (cell, formula_cell) in enumerate(
                zip(cells, formula_cells, strict=True), start=1
            ):
                where = {"cell": f"{get_column_letter(column)}{number}", "sheet": sheet.title}
                if cell.data_type == "e":
                    raise SpreadsheetError(
                        _(
                            "Cell %(cell)s of sheet “%(sheet)s” shows an error (%(value)s). "
                            "Correct it, or clear the cell, and upload the file again."
                        )
                        % {**where, "value": cell.value}
                    )
                if formula_cell.data_type == "f" and cell.value is None:
                    raise SpreadsheetError(
                        _(
                            "Cell %(cell)s of sheet “%(sheet)s” holds a formula whose result "
                            "was not saved with the file. Open the file in Excel and save it "
                            "again, or replace the formula with its value."
                        )
                        % where
                    )
                row.append(cell.value)
            yield row


# What every admin that imports or exports a spreadsheet offers.
IMPORT_FORMATS = [SpreadsheetCSV, SpreadsheetXLSX]
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


class PreviewDiff(resources.Diff):
    """A previewed row's changes, each marked ``<ins>``, ``<del>`` or ``<span>`` with no
    inline style: the library writes its colours into ``style`` attributes, which the
    site's Content-Security-Policy refuses (import-export's stylesheet colours them)."""

    TAGS = {diff_match_patch.DIFF_INSERT: "ins", diff_match_patch.DIFF_DELETE: "del"}

    def as_html(self):
        differ = diff_match_patch()
        cells = []
        for old, new in zip(self.left, self.right, strict=True):
            if old != new and self.new:
                old = ""
            changes = differ.diff_main(force_str(old), force_str(new))
            differ.diff_cleanupSemantic(changes)
            cells.append(
                format_html_join(
                    "",
                    "<{0}>{1}</{0}>",
                    ((self.TAGS.get(operation, "span"), text) for operation, text in changes),
                )
            )
        return cells


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
    - The sheet's columns are checked before any row: column names are matched without
      regard to case or surrounding spaces; a column the resource does not know (a typo
      would otherwise drop its values silently), a column named twice, or a sheet
      without any of ``identifying_columns`` refuses the file.
    - Given a ``deadline`` (a ``time.monotonic()`` value, as the admin does), an import
      still running then stops and writes nothing, rather than outliving the request.
    - A problem with the file as a whole (``SpreadsheetError``) is returned as the
      result's error, with its message for staff, unless ``raise_errors`` is set.
    """

    # A sheet needs at least one of these columns to tell which record a row is.
    identifying_columns = ()

    _may_publish = False
    _first_rows = None
    _total_rows = 0

    def get_use_transactions(self):
        # Rolling back needs a transaction, whatever IMPORT_EXPORT_USE_TRANSACTIONS says.
        return True

    def get_diff_class(self):
        return PreviewDiff

    def import_data(self, dataset, *args, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        user = kwargs.get("user")
        self._may_publish = user is None or can_publish(user)
        self._first_rows = {}
        self._total_rows = len(dataset)
        try:
            self._check_columns(dataset)
            return super().import_data(dataset, *args, **kwargs)
        except SpreadsheetError as error:
            if kwargs.get("raise_errors"):
                raise
            result = self.get_result_class()()
            result.append_base_error(self.get_error_result_class()(error))
            return result

    def _check_columns(self, dataset):
        columns = [field.column_name for field in self.fields.values()]
        by_normal_name = {normal_text(column): column for column in columns}
        headers = [
            by_normal_name.get(normal_text(header), str(header).strip())
            for header in dataset.headers or []
        ]
        listing = {"columns": ", ".join(columns)}
        unknown = [header for header in headers if header not in columns]
        if unknown:
            raise SpreadsheetError(
                _(
                    "This sheet has columns this import does not know: %(unknown)s. "
                    "Rename them to one of the known columns or delete them; nothing is "
                    "imported from a column with another name. Known columns: %(columns)s."
                )
                % {**listing, "unknown": ", ".join(unknown)}
            )
        repeated = sorted({header for header in headers if headers.count(header) > 1})
        if repeated:
            raise SpreadsheetError(
                _("These columns appear more than once: %(repeated)s. Keep one of each.")
                % {"repeated": ", ".join(repeated)}
            )
        if self.identifying_columns and not set(self.identifying_columns) & set(headers):
            raise SpreadsheetError(
                _(
                    "This sheet has none of the columns that say which record a row is "
                    "(%(needed)s). Is it the right sheet for this list? Known columns: "
                    "%(columns)s."
                )
                % {**listing, "needed": ", ".join(self.identifying_columns)}
            )
        if headers:
            dataset.headers = headers

    def import_row(self, row, instance_loader, **kwargs):
        deadline = kwargs.get("deadline")
        if deadline is not None and time.monotonic() > deadline:
            raise SpreadsheetError(
                _(
                    "The import took too long and was stopped after %(done)s of %(total)s "
                    "rows, so nothing was imported. Split the file into smaller files and "
                    "import them one after the other."
                )
                % {"done": kwargs["row_number"] - 1, "total": self._total_rows}
            )
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


def import_template(resource):
    """An Excel workbook to fill in for ``resource``: its columns on the first sheet,
    and on a second what each column accepts (the choices in English and Korean, the
    range of a year), so nobody guesses the words an import takes."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("Data")
    fields = resource.get_import_fields()
    sheet.append([str(field.column_name) for field in fields])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    help_sheet = book.create_sheet(_("Allowed values"))
    help_sheet.append([_("Column"), _("Allowed values")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for field in fields:
        help_sheet.append([str(field.column_name), _allowed_values(field.widget)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _allowed_values(widget):
    if isinstance(widget, LabelledChoiceWidget):
        labels = []
        for key, label in widget.choices.choices:
            with translation.override("en"):
                english = str(label)
            with translation.override("ko"):
                korean = str(label)
            labels.append(f"{english} / {korean} ({key})")
        return "; ".join(labels)
    if isinstance(widget, YearWidget):
        return _("A year from %(first)s to %(last)s") % {
            "first": widget.first,
            "last": widget.last,
        }
    if isinstance(widget, widgets.ForeignKeyWidget):
        return _("The %(field)s of a record that exists") % {"field": widget.field}
    if isinstance(widget, widgets.ManyToManyWidget):
        return _("The %(field)s of existing records, separated by commas") % {"field": widget.field}
    return ""
