"""The streaming XLSX writer: a file openpyxl reads back cell for cell, with Excel's types and limits."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from app.infrastructure import xlsx_stream as x
from app.services.exports.cells import neutralise, omr_text


def _book(header, rows, **kwargs) -> bytes:
    return b"".join(x.stream_xlsx(header, rows, sheet_name="Test", **kwargs))


def test_a_streamed_sheet_reads_back_with_its_types():
    rows = [
        [x.text_cell("المشاريع الواعدة"), x.number_cell(42), x.money_cell(37_500),
         x.date_cell(dt.date(2025, 1, 15)), x.datetime_cell(dt.datetime(2024, 12, 31, 21, 0, 59))],
        [x.text_cell("a < b & c > d"), None, x.money_cell(-5_000), None, None],
    ]
    data = _book(["Name", "Count", "Amount", "Day", "When"], rows)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Name", "Count", "Amount", "Day", "When")
    assert values[1][:4] == ("المشاريع الواعدة", 42, 37.5, dt.datetime(2025, 1, 15))
    assert abs(values[1][4] - dt.datetime(2024, 12, 31, 21, 0, 59)) < dt.timedelta(milliseconds=5)
    assert values[2] == ("a < b & c > d", None, -5.0, None, None)
    assert sheet["C2"].number_format == "#,##0.000"
    assert sheet["D2"].number_format == "yyyy\\-mm\\-dd"
    assert sheet.freeze_panes == "A2"


def test_the_file_starts_before_the_rows_are_read():
    """The first piece (workbook parts and the header) is handed out before any row is asked for."""
    asked = []

    def rows():
        for i in range(3):
            asked.append(i)
            yield [x.number_cell(i)]

    pieces = x.stream_xlsx(["n"], rows(), sheet_name="S")
    first = next(pieces)
    assert first.startswith(b"PK") and asked == []
    rest = b"".join(pieces)
    assert asked == [0, 1, 2]
    assert [r[0] for r in openpyxl.load_workbook(io.BytesIO(first + rest)).active.iter_rows(values_only=True)] == \
        ["n", 0, 1, 2]


def test_arabic_sheets_read_right_to_left():
    data = _book(["الاسم"], [[x.text_cell("غرفة")]], right_to_left=True)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert b'rightToLeft="1"' in book.read("xl/worksheets/sheet1.xml")
    assert openpyxl.load_workbook(io.BytesIO(data)).active.sheet_view.rightToLeft


def test_control_characters_and_overlong_text_still_make_a_valid_file():
    long_text = "x" * (x.MAX_CELL_CHARS + 10)
    data = _book(["a", "b"], [[x.text_cell("bell\x07 and nul\x00"), x.text_cell(long_text)]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "bell_x0007_ and nul_x0000_"
    assert len(sheet["B2"].value) == x.MAX_CELL_CHARS


def test_column_letters_follow_excel():
    letters = x.column_letters(30)
    assert letters[:3] == ["A", "B", "C"] and letters[25:28] == ["Z", "AA", "AB"]
    assert x.column_letters(703)[-1] == "AAA"


@pytest.mark.parametrize("text, shown", [
    ("=1+1", "'=1+1"), ("+971", "'+971"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"), ("plain", "plain"), ("", ""), ("a=b", "a=b"),
    ("المشاريع", "المشاريع"),
])
def test_text_a_spreadsheet_would_run_is_neutralised(text, shown):
    assert neutralise(text) == shown


@pytest.mark.parametrize("baisa, text", [(25_000, "25.000"), (37_500, "37.500"), (-5_000, "-5.000"), (1, "0.001"),
                                         (0, "0.000")])
def test_amounts_are_exact_rials(baisa, text):
    assert omr_text(baisa) == text
    assert x.money_cell(baisa)[0] == text
