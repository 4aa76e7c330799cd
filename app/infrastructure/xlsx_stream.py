"""A streaming XLSX writer: one worksheet, written row by row into a zip that is sent as it grows.

XlsxWriter (even in constant_memory mode) and openpyxl finish the whole file before the
first byte can leave, so a million-row export would make the browser wait for the full
build. An XLSX is a zip of XML parts; Python's zipfile writes to an unseekable sink with
data descriptors, so the worksheet can be compressed and handed out while rows arrive.
Strings are inline (no shared-string table to hold in memory); numbers, dates and
money are real numbers with a number format, so Excel can sum and sort them.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from xml.sax.saxutils import escape

# Excel's own limits.
MAX_ROWS = 1_048_576
MAX_CELL_CHARS = 32_767

# Cell styles (indexes into cellXfs below).
STYLE_TEXT, STYLE_HEADER, STYLE_DATE, STYLE_DATETIME, STYLE_MONEY = 0, 1, 2, 3, 4

_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk folded in)
# XML 1.0 forbids these control characters even when escaped; Excel writes them as _xHHHH_.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="3">'
    '<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/>'
    '<numFmt numFmtId="166" formatCode="#,##0.000"/>'
    "</numFmts>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _workbook(sheet_name: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet_name[:31], {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )


def _core(title: str, created: dt.datetime) -> str:
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        "</cp:coreProperties>"
    )


def column_letters(count: int) -> list[str]:
    """A, B, ... Z, AA, AB ... for the first `count` columns."""
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def xml_text(value: str) -> str:
    if len(value) > MAX_CELL_CHARS:
        value = value[:MAX_CELL_CHARS]
    value = escape(value)
    if _INVALID_XML.search(value):
        value = _INVALID_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value


def date_serial(value: dt.date) -> str:
    return str((value - _EPOCH).days)


def datetime_serial(value: dt.datetime) -> str:
    days = (value.date() - _EPOCH).days
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    # Ten decimals of a day are within a millisecond: the stored second survives a round trip.
    return f"{days}.{(seconds * 10**10 + 43_200) // 86_400:010d}" if seconds else str(days)


class _Sink:
    """The bytes the zip writer produced since the last drain."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def stream_xlsx(
    header: Sequence[str],
    rows: Iterable[Sequence[tuple[str, str] | None]],
    *,
    sheet_name: str,
    right_to_left: bool = False,
    created: dt.datetime | None = None,
    widths: Sequence[int] | None = None,
    compresslevel: int = 1,
) -> Iterator[bytes]:
    """Yields an XLSX file in pieces. Each cell of `rows` is None (empty) or a cell from the `*_cell` helpers.

    The header row is bold and frozen; `right_to_left` turns the sheet for Arabic readers.
    """
    created = created or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    sink = _Sink()
    book = zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
    for name, text in (
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _ROOT_RELS),
        ("docProps/core.xml", _core(sheet_name, created)),
        ("xl/workbook.xml", _workbook(sheet_name)),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ("xl/styles.xml", _STYLES),
    ):
        book.writestr(name, text)
    letters = column_letters(len(header))
    direction = ' rightToLeft="1"' if right_to_left else ""
    sheet = book.open("xl/worksheets/sheet1.xml", mode="w")
    head = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetViews><sheetView workbookViewId="0"{direction}>'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
    ]
    if widths:
        head.append("<cols>")
        head.extend(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
        head.append("</cols>")
    head.append('<sheetData><row r="1">')
    head.extend(
        f'<c r="{letter}1" s="{STYLE_HEADER}" t="inlineStr"><is><t>{xml_text(str(title))}</t></is></c>'
        for letter, title in zip(letters, header)
    )
    head.append("</row>")
    sheet.write("".join(head).encode("utf-8"))
    yield sink.drain()

    row_number = 1
    buffer: list[str] = []
    for row in rows:
        row_number += 1
        if row_number > MAX_ROWS:
            raise ValueError("more rows than an Excel sheet can hold")
        number = str(row_number)
        buffer.append(f'<row r="{number}">')
        for letter, cell in zip(letters, row):
            if cell is not None:
                buffer.append(cell_xml(letter + number, cell))
        buffer.append("</row>")
        if len(buffer) > 20_000:
            sheet.write("".join(buffer).encode("utf-8"))
            buffer.clear()
            data = sink.drain()
            if data:
                yield data
    buffer.append("</sheetData></worksheet>")
    sheet.write("".join(buffer).encode("utf-8"))
    sheet.close()
    book.close()
    yield sink.drain()


# A prepared cell: its value as XML text and how to write it.
TEXT, NUMBER, DATE, DATETIME, MONEY = "s", "n", "d", "t", "m"
_STYLE_OF = {NUMBER: None, DATE: STYLE_DATE, DATETIME: STYLE_DATETIME, MONEY: STYLE_MONEY}


def text_cell(value: str) -> tuple[str, str]:
    return xml_text(value), TEXT


def number_cell(value: int) -> tuple[str, str]:
    return str(int(value)), NUMBER


def date_cell(value: dt.date) -> tuple[str, str]:
    return date_serial(value), DATE


def datetime_cell(value: dt.datetime) -> tuple[str, str]:
    return datetime_serial(value), DATETIME


def money_cell(baisa: int) -> tuple[str, str]:
    """Rials with three decimals, written as decimal text: the baisa count is never a float here."""
    sign = "-" if baisa < 0 else ""
    rials, rest = divmod(abs(baisa), 1000)
    return f"{sign}{rials}.{rest:03d}", MONEY


def cell_xml(ref: str, cell: tuple[str, str]) -> str:
    value, kind = cell
    if kind == TEXT:
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    style = _STYLE_OF[kind]
    if style is None:
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
