"""Open-data downloads: rows streamed as CSV or JSON, whatever their number.

CSV is UTF-8 with a byte-order mark (Excel on Korean Windows opens it as UTF-8, not as
cp949), comma-separated, CRLF line ends (RFC 4180); every text cell that a spreadsheet
would take for a formula is neutralised (``csv_cells``). JSON is the shape the Korean
public data portal (data.go.kr) gives its file data: ``fields`` (one ``{"id": name}``
per column) and ``records`` (one object per row, keyed by column name), plus the
licence. Both carry the licence in a ``Link: <…>; rel="license"`` header too.

Rows are written as they are read (``StreamingHttpResponse``): memory stays the size of
one batch. What is read is the caller's concern; the app datasets cap it at
``ROW_LIMIT`` rows.
"""

import csv
import datetime
import decimal
import json
from itertools import islice

from django.http import StreamingHttpResponse
from django.utils import translation

from portal.blocks.csv_cells import neutralise_formula

# The most rows a download holds: the network's scale (50,000 events) in one file.
ROW_LIMIT = 50_000
# Rows written per chunk of the response.
BATCH = 500


class _Line:
    """What csv.writer writes to: hands the line back instead of storing it."""

    def write(self, value):
        return value


def cell(value):
    """A value as a cell: text neutralised, dates in ISO 8601, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (int, float, decimal.Decimal)):
        return value  # a negative longitude is a number, not a formula
    return neutralise_formula(str(value))


def _in_language(language, chunks):
    """``chunks``, each made with ``language`` active: a streamed body is written after
    the view has returned, when the request's language may no longer be."""
    chunks = iter(chunks)
    while True:
        with translation.override(language):
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk


def _batches(rows):
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield batch


def _response(chunks, content_type, filename, licence):
    language = translation.get_language()
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in _in_language(language, chunks)),
        content_type=content_type,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if licence and licence.get("url"):
        response["Link"] = f'<{licence["url"]}>; rel="license"'
    return response


def csv_response(filename, columns, rows, licence=None):
    """``rows`` (sequences, in the order of ``columns``) as a CSV download."""

    def chunks():
        line = csv.writer(_Line())
        yield "\ufeff" + line.writerow(columns)
        for batch in _batches(rows):
            yield "".join(line.writerow([cell(value) for value in row]) for row in batch)

    return _response(chunks(), "text/csv; charset=utf-8", filename, licence)


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return "" if value is None else value


def json_response(filename, columns, rows, licence=None):
    """``rows`` as ``{"license": …, "fields": […], "records": […]}``."""

    def chunks():
        head = {"license": licence or {}, "fields": [{"id": name} for name in columns]}
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "records": ['
        first = True
        for batch in _batches(rows):
            records = ",\n".join(
                json.dumps(
                    {name: _json_value(value) for name, value in zip(columns, row, strict=True)},
                    ensure_ascii=False,
                )
                for row in batch
            )
            yield ("\n" if first else ",\n") + records
            first = False
        yield "\n]}\n"

    return _response(chunks(), "application/json; charset=utf-8", filename, licence)
