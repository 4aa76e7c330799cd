"""How each kind of value is written into an export cell: CSV text (in Python or by the database) and XLSX cells.

Text a spreadsheet would run as a formula (= + - @, tab, carriage return) gets a leading
apostrophe; amounts are exact rials; numbers and dates stay numbers and dates.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from flask_babel import gettext
from sqlalchemy import Numeric, Select, String, case, cast, func, literal, literal_column

from app.infrastructure import xlsx_stream
from app.services.exports.catalogue import BOOL, DATE, DATETIME, JSON, MONEY, NUMBER
from app.services.exports.catalogue import TEXT as TEXT_KIND

FORMULA_START = frozenset("=+-@\t\r")


def neutralise(text: str | None) -> str | None:
    """Text that a spreadsheet would run as a formula is kept as text by a leading apostrophe."""
    if text and text[0] in FORMULA_START:
        return "'" + text
    return text


def omr_text(baisa: int | None) -> str | None:
    """25000 -> '25.000': exact decimal text of rials, for CSV."""
    if baisa is None:
        return None
    if baisa < 0:
        rials, rest = divmod(-baisa, 1000)
        return f"-{rials}.{rest:03d}"
    rials, rest = divmod(baisa, 1000)
    return f"{rials}.{rest:03d}"


# Every converter takes None (an empty cell) and gives None back.
def datetime_text(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat(" ", "seconds")


def json_text(value: Any) -> str | None:
    return None if value is None else neutralise(json.dumps(value, ensure_ascii=False, sort_keys=True))


def csv_converter(kind: str) -> Callable[[Any], Any] | None:
    if kind == MONEY:
        return omr_text
    if kind == DATETIME:
        return datetime_text
    if kind == BOOL:
        yes, no = gettext("Yes"), gettext("No")
        return lambda v: None if v is None else (yes if v else no)
    if kind == JSON:
        return json_text
    if kind in (NUMBER, DATE):
        return None  # the csv module writes ints and ISO dates as they are
    return neutralise


def xlsx_converter(kind: str) -> Callable[[Any], Any]:
    cell = {MONEY: xlsx_stream.money_cell, NUMBER: xlsx_stream.number_cell, DATE: xlsx_stream.date_cell,
            DATETIME: xlsx_stream.datetime_cell}.get(kind)
    if cell is None:
        text = csv_converter(kind)
        cell = lambda v: xlsx_stream.text_cell(text(v))  # noqa: E731
    return lambda v: None if v is None else cell(v)


def sql_formatted(expression, kind: str, dialect: str):
    """The CSV text of a column computed by the database, or None where Python must do it.

    Same rules as the Python converters (formula neutralising, exact rials, timestamps to
    the second); letting the database do them keeps a million-row CSV export from spending
    its time in per-cell Python calls.
    """
    if kind == TEXT_KIND:
        first = func.substr(expression, 1, 1)
        return case((first.in_(sorted(FORMULA_START)), literal("'", String).concat(expression)), else_=expression)
    if kind == DATETIME and dialect == "postgresql":
        return func.to_char(expression, literal_column("'YYYY-MM-DD HH24:MI:SS'"))
    if kind == DATETIME and dialect == "sqlite":
        return func.strftime(literal_column("'%Y-%m-%d %H:%M:%S'"), expression)
    if kind == MONEY and dialect == "postgresql":
        return cast(func.round(cast(expression, Numeric) / literal_column("1000"), 3), String)
    if kind == MONEY and dialect == "sqlite":
        magnitude = case((expression < 0, -expression), else_=expression)
        text = func.printf(literal_column("'%d.%03d'"), magnitude / literal_column("1000"),
                           magnitude % literal_column("1000"))
        return case((expression < 0, literal("-", String).concat(text)), else_=text)
    return None


def format_in_database(statement: Select, columns, dialect: str) -> tuple[Select, set[int]]:
    """Rewrites the CSV columns the database can format; returns the statement and their positions."""
    done, selected = set(), []
    for index, (column, selected_column) in enumerate(zip(columns, statement.selected_columns)):
        formatted = None if column.derive else sql_formatted(selected_column.element, column.kind, dialect)
        if formatted is None:
            selected.append(selected_column)
        else:
            selected.append(formatted.label(column.key))
            done.add(index)
    return statement.with_only_columns(*selected, maintain_column_froms=True), done


def chain(first: Callable, then: Callable | None) -> Callable:
    if then is None:
        return first
    return lambda v: then(first(v))
