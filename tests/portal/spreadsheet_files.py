"""Spreadsheet files as staff's programs save them, for import tests.

``excel_workbook`` writes an .xlsx part by part as Excel on Korean Windows does: shared
strings carrying Korean Excel's phonetic properties (``phoneticPr``), the Malgun Gothic
font, formulas stored with the result Excel computed (or without one, as programs that
write workbooks leave them), error values, and the markup-compatibility attributes
Excel adds. openpyxl cannot write cached formula results, so it is not used here.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter


@dataclass
class Formula:
    text: str  # without the leading "="
    result: str | None = None  # what Excel saved with it; None: never calculated


@dataclass
class ErrorValue:
    code: str  # "#N/A", "#REF!", …


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006"
RELS = f"{OFFICE}/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = (
    f'{XML_DECLARATION}<Types xmlns="{PACKAGE}/content-types">'
    f'<Default Extension="rels" ContentType="application/'
    f'vnd.openxmlformats-package.relationships+xml"/>'
    f'<Default Extension="xml" ContentType="application/xml"/>'
    + "".join(
        f'<Override PartName="{part}" ContentType="{kind}"/>'
        for part, kind in [
            ("/xl/workbook.xml", f"{SPREADSHEETML}.sheet.main+xml"),
            ("/xl/worksheets/sheet1.xml", f"{SPREADSHEETML}.worksheet+xml"),
            ("/xl/styles.xml", f"{SPREADSHEETML}.styles+xml"),
            ("/xl/sharedStrings.xml", f"{SPREADSHEETML}.sharedStrings+xml"),
            (
                "/docProps/app.xml",
                "application/vnd.openxmlformats-officedocument.extended-properties+xml",
            ),
        ]
    )
    + "</Types>"
)


def relationships(*targets):
    return (
        f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE}/relationships">'
        + "".join(
            f'<Relationship Id="rId{number}" Type="{RELS}/{kind}" Target="{target}"/>'
            for number, (kind, target) in enumerate(targets, start=1)
        )
        + "</Relationships>"
    )


ROOT_RELS = relationships(
    ("officeDocument", "xl/workbook.xml"), ("extended-properties", "docProps/app.xml")
)
WORKBOOK_RELS = relationships(
    ("worksheet", "worksheets/sheet1.xml"),
    ("styles", "styles.xml"),
    ("sharedStrings", "sharedStrings.xml"),
)
APP = (
    f'{XML_DECLARATION}<Properties xmlns="{OFFICE}/extended-properties">'
    "<Application>Microsoft Excel</Application><AppVersion>16.0300</AppVersion></Properties>"
)
# Malgun Gothic (맑은 고딕) in Korean Excel's default style, named 표준 ("Normal").
FONT = '<name val="맑은 고딕"/><family val="2"/><charset val="129"/><scheme val="minor"/>'
XF = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"{}><alignment vertical="center"/></xf>'
STYLE_XF, CELL_XF = XF.format(""), XF.format(' xfId="0"')
STYLES = (
    f'{XML_DECLARATION}<styleSheet xmlns="{MAIN}" xmlns:mc="{MC}" mc:Ignorable="x14ac" '
    f'xmlns:x14ac="{X14AC}"><fonts count="2" x14ac:knownFonts="1">'
    f'<font><sz val="11"/><color theme="1"/>{FONT}</font><font><sz val="8"/>{FONT}</font>'
    '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    f'<cellStyleXfs count="1">{STYLE_XF}</cellStyleXfs><cellXfs count="1">{CELL_XF}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="표준" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def excel_workbook(rows, sheet_name="Sheet1", doctype="", readings=None):
    """The bytes of an .xlsx whose first sheet holds ``rows`` (lists of str, numbers,
    Formula, ErrorValue or None). ``readings`` maps a text to the phonetic reading Excel
    keeps with it (Hangul for Hanja, as Korean Excel's conversion leaves). ``doctype``
    goes before the shared strings' root element, for testing what the reader does with
    entity declarations."""
    readings = readings or {}
    strings, index = [], {}
    cells_xml = []
    for row_number, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row, start=1):
            ref = f"{get_column_letter(column)}{row_number}"
            if value is None:
                continue
            if isinstance(value, Formula):
                result = "" if value.result is None else f"<v>{escape(value.result)}</v>"
                cells.append(f'<c r="{ref}" t="str"><f>{escape(value.text)}</f>{result}</c>')
            elif isinstance(value, ErrorValue):
                cells.append(f'<c r="{ref}" t="e"><v>{escape(value.code)}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                if value not in index:
                    index[value] = len(strings)
                    strings.append(value)
                cells.append(f'<c r="{ref}" t="s"><v>{index[value]}</v></c>')
        cells_xml.append(
            f'<row r="{row_number}" spans="1:{max(len(row), 1)}" x14ac:dyDescent="0.3">'
            + "".join(cells)
            + "</row>"
        )
    last = f"{get_column_letter(max(len(r) for r in rows))}{len(rows)}" if rows else "A1"
    sheet = (
        f"{XML_DECLARATION}"
        f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}" xmlns:mc="{MC}" mc:Ignorable="x14ac" '
        f'xmlns:x14ac="{X14AC}"><dimension ref="A1:{last}"/>'
        f'<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="16.5" x14ac:dyDescent="0.3"/>'
        f"<sheetData>{''.join(cells_xml) if rows else ''}</sheetData>"
        f'<phoneticPr fontId="1" type="noConversion"/>'
        f'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        f"</worksheet>"
    )
    shared = (
        f"{XML_DECLARATION}{doctype}"
        f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(
            f'<si><t xml:space="preserve">{escape(text)}</t>'
            + (
                f'<rPh sb="0" eb="{len(text)}"><t>{escape(readings[text])}</t></rPh>'
                if text in readings
                else ""
            )
            + '<phoneticPr fontId="1" type="noConversion"/></si>'
            for text in strings
        )
        + "</sst>"
    )
    workbook = (
        f"{XML_DECLARATION}"
        f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}" xmlns:mc="{MC}" mc:Ignorable="x15">'
        f'<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>'
        f'<workbookPr defaultThemeVersion="166925"/>'
        f'<bookViews><workbookView xWindow="-110" yWindow="-110" windowWidth="19420" '
        f'windowHeight="10300"/></bookViews>'
        f'<sheets><sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets>'
        f'<calcPr calcId="191029"/></workbook>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", ROOT_RELS)
        package.writestr("docProps/app.xml", APP)
        package.writestr("xl/workbook.xml", workbook)
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        package.writestr("xl/sharedStrings.xml", shared)
        package.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8", delimiter=","):
    """Rows as Excel saves a CSV (CRLF line ends) in ``encoding``; "utf-16" gives the
    byte-order mark Excel's "Unicode text" starts with."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)
