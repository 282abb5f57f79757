"""Cells of the CSV files the site writes, safe to open in a spreadsheet program: the
formula neutralisation the spreadsheet exports use (``portal.blocks.spreadsheets``),
and a CSV response Excel opens as UTF-8. Kept apart from the spreadsheet module so
that a public page offering a CSV does not load django-import-export and tablib."""

import csv

from django.http import HttpResponse

# A cell starting with one of these is a formula to a spreadsheet program (OWASP "CSV
# injection"); a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_formula_text(value):
    """Undo ``neutralise_formula`` so that an exported sheet imports unchanged."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def csv_response(filename, header, rows):
    """A CSV download of ``header`` and ``rows``: UTF-8 with a byte-order mark (Excel
    reads Korean text right only with one), every text cell neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([neutralise_formula(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([neutralise_formula(cell) for cell in row])
    return response
