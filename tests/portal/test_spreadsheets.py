"""Reading spreadsheet files (portal.blocks.spreadsheets): the encodings and separators
Excel saves CSV in, workbooks as Excel on Korean Windows saves them, formulas, and
files that must be refused with a message rather than imported as something else."""

import io
import zipfile

import openpyxl
import pytest
from defusedxml import EntitiesForbidden
from django.utils import translation

from portal.blocks.spreadsheets import SpreadsheetCSV, SpreadsheetError, SpreadsheetXLSX
from tests.portal.spreadsheet_files import ErrorValue, Formula, csv_bytes, excel_workbook

HEADER = ["name_ko", "name_en", "kind", "city", "address_ko"]
KOREAN_ROWS = [
    ["한국도자재단", "Korea Ceramic Foundation", "재단", "이천", "경기도 이천시 경충대로"],
    ["한국도예고등학교", "Korea Ceramic Art High School", "학교", "이천", "경기도 이천시 신둔면"],
]
FRENCH_HEADER = ["name_en", "address_en", "kind", "city"]
FRENCH_ROWS = [
    [
        "Musée national Adrien Dubouché",
        "8 bis place Winston Churchill, 87000 Limoges",
        "Museum or gallery",
        "limoges",
    ],
    [
        "École nationale supérieure d'art de Limoges",
        "19 avenue Martin Luther King, 87000 Limoges",
        "University",
        "limoges",
    ],
]
# Every accented letter here is followed by another: the bytes are valid cp949 too, and
# read that way the name becomes "Th羽tre de l'Union".
THEATRE_ROWS = [["Théâtre de l'Union", "Public agency", "limoges"]]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def read_csv(data):
    dataset = SpreadsheetCSV().create_dataset(data)
    return [dataset.headers, *[list(row) for row in dataset]]


def read_xlsx(data):
    dataset = SpreadsheetXLSX().create_dataset(data)
    return [dataset.headers, *[list(row) for row in dataset]]


# --- CSV encodings and separators ----------------------------------------------------


@pytest.mark.parametrize(
    "encoding, delimiter",
    [
        ("utf-8", ","),  # Excel's "CSV UTF-8"
        ("utf-8-sig", ","),  # the same with the byte-order mark Excel writes
        ("cp949", ","),  # Excel's "CSV" on Korean Windows
        ("euc-kr", ","),
        ("utf-16", "\t"),  # Excel's "Unicode text"
    ],
)
def test_korean_rows_in_every_encoding_excel_saves(encoding, delimiter):
    data = csv_bytes([HEADER, *KOREAN_ROWS], encoding, delimiter)
    assert read_csv(data) == [HEADER, *KOREAN_ROWS]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_french_rows_separated_by_semicolons(encoding):
    """French Excel separates cells with semicolons; its "CSV" is in cp1252."""
    data = csv_bytes([FRENCH_HEADER, *FRENCH_ROWS], encoding, ";")
    assert read_csv(data) == [FRENCH_HEADER, *FRENCH_ROWS]


def test_cp1252_that_is_also_valid_cp949_is_read_as_cp1252():
    header = ["name_en", "kind", "city"]
    data = csv_bytes([header, *THEATRE_ROWS], "cp1252", ";")
    assert data.decode("cp949").splitlines()[1].startswith("Th羽tre")  # the old misreading
    assert read_csv(data) == [header, *THEATRE_ROWS]


@pytest.mark.parametrize(
    "data",
    [
        # Two Hangul syllables are as plausible in cp949 as "°ø¹æ" is in cp1252.
        "name_ko\r\n공방\r\n".encode("cp949"),
        # UTF-16 without its byte-order mark.
        "name_ko\r\n공방\r\n".encode("utf-16-le"),
        # Not text at all: the start of a PNG image.
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06",
    ],
)
def test_an_encoding_that_cannot_be_told_is_refused_not_guessed(data):
    with pytest.raises(SpreadsheetError, match="could not be read with certainty"):
        read_csv(data)


def test_blank_rows_and_unnamed_empty_columns_are_left_out_and_short_rows_padded():
    data = csv_bytes([["name_en", "city", ""], ["A", "icheon", ""], ["", ""], ["", "", ""], ["B"]])
    assert read_csv(data) == [["name_en", "city"], ["A", "icheon"], ["B", None]]


def test_values_under_no_column_name_refuse_the_file():
    data = csv_bytes([["name_en", "city"], ["A", "icheon", "lost value"]])
    with pytest.raises(SpreadsheetError, match="Column 3 has values but no name"):
        read_csv(data)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "The file is empty"),
        (b"\r\n\r\n", "The file is empty"),
        (csv_bytes([HEADER]), "column names but no rows"),
        (csv_bytes([HEADER, ["", "", "", "", ""]]), "column names but no rows"),
    ],
)
def test_an_empty_csv_or_one_with_only_column_names_is_refused(data, message):
    with pytest.raises(SpreadsheetError, match=message):
        read_csv(data)


# --- Row limit ---------------------------------------------------------------------


def test_more_rows_than_the_limit_are_refused_and_not_all_read(settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [[f"Studio {n}", "icheon"] for n in range(5)]
    assert len(read_csv(csv_bytes([["name_en", "city"], *rows]))) == 6
    with pytest.raises(SpreadsheetError, match="more than 5 rows"):
        read_csv(csv_bytes([["name_en", "city"], *rows, ["Studio 6", "icheon"]]))

    # A workbook far over the limit is refused after reading one row more than it.
    consumed = []

    def rows_of_a_large_sheet():
        yield ["name_en", "city"]
        for number in range(50_000):
            consumed.append(number)
            yield [f"Studio {number}", "icheon"]

    from portal.blocks.spreadsheets import read_rows

    with pytest.raises(SpreadsheetError, match="more than 5 rows"):
        read_rows(rows_of_a_large_sheet())
    assert len(consumed) == 6


# --- Workbooks ---------------------------------------------------------------------


def test_a_workbook_saved_by_excel_on_korean_windows():
    header = ["name_ko", "name_en", "postal_code", "phone"]
    rows = [
        ["한국도자재단", "Korea Ceramic Foundation", 17379, "031-645-6501"],
        ["利川陶瓷", "Icheon Ceramics", 17383, "031-638-6842"],
    ]
    data = excel_workbook(
        [header, *rows], sheet_name="기관 목록", readings={"利川陶瓷": "이천도자"}
    )
    # The reading Excel keeps with a Hanja name is not part of the cell's value.
    assert read_xlsx(data) == [header, *rows]


def test_a_formula_counts_as_the_value_excel_saved_with_it():
    data = excel_workbook(
        [
            ["name_ko", "name_en"],
            [
                "이천시립월전미술관",
                Formula('"Icheon City "&"Woljeon Museum"', "Icheon City Woljeon Museum"),
            ],
        ]
    )
    assert read_xlsx(data)[1] == ["이천시립월전미술관", "Icheon City Woljeon Museum"]


def test_a_formula_without_a_saved_result_is_refused_naming_the_cell():
    data = excel_workbook([["name_ko", "name_en"], ["한국도자재단", Formula("UPPER(A2)")]])
    with pytest.raises(SpreadsheetError, match="Cell B2 of sheet “Sheet1” holds a formula"):
        read_xlsx(data)


def test_an_error_value_is_refused_naming_the_cell():
    data = excel_workbook([["name_ko", "city"], ["한국도자재단", ErrorValue("#N/A")]])
    with pytest.raises(SpreadsheetError, match=r"Cell B2 of sheet “Sheet1” shows an error \(#N/A"):
        read_xlsx(data)


def test_a_workbook_with_a_wrong_used_range_is_read_in_full():
    # Some programs declare the used range as A1 only; every cell is read regardless.
    data = excel_workbook([["name_en", "city"], ["Studio", "icheon"]])
    data = _replace_in_part(data, "xl/worksheets/sheet1.xml", b'ref="A1:B2"', b'ref="A1"')
    assert read_xlsx(data) == [["name_en", "city"], ["Studio", "icheon"]]


@pytest.mark.parametrize(
    "rows, message",
    [
        ([], "The file is empty"),
        ([["name_en", "city"]], "column names but no rows"),
    ],
)
def test_an_empty_workbook_or_one_with_only_column_names_is_refused(rows, message):
    with pytest.raises(SpreadsheetError, match=message):
        read_xlsx(excel_workbook(rows))


def test_a_workbook_written_by_openpyxl_with_blank_formatted_rows():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name_en", "city"])
    sheet.append(["Studio", "icheon"])
    sheet["A40"].number_format = "@"  # a formatted, empty cell far below the data
    sheet["A40"].value = None
    out = io.BytesIO()
    book.save(out)
    assert read_xlsx(out.getvalue()) == [["name_en", "city"], ["Studio", "icheon"]]


def test_entity_declarations_in_a_workbook_are_refused_before_expansion():
    """openpyxl parses through defusedxml when it is installed: a "billion laughs"
    workbook is refused at once rather than expanded in memory."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
    laughs = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    data = excel_workbook([["name_en"], ["&lol9;"]], doctype=f"<!DOCTYPE sst [{laughs}]>")
    with pytest.raises(SpreadsheetError, match="could not be read as an Excel workbook") as refused:
        read_xlsx(data)
    causes, error = [], refused.value
    while error is not None:
        causes.append(type(error))
        error = error.__cause__ or error.__context__
    assert EntitiesForbidden in causes


@pytest.mark.parametrize(
    "data", [b"this is not a workbook", csv_bytes([HEADER, *KOREAN_ROWS], "cp949"), b""]
)
def test_anything_else_chosen_as_xlsx_is_refused(data):
    with pytest.raises(SpreadsheetError, match="could not be read as an Excel workbook"):
        read_xlsx(data)


def _replace_in_part(data, part, old, new):
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, content.replace(old, new) if item.filename == part else content)
    return out.getvalue()
