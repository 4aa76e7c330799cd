"""Exports of any (filtered) list as CSV or XLSX, streamed from a server-side cursor and logged in the audit trail.

Rows leave in small batches as the cursor yields them, so memory stays flat whatever
the row count. CSV starts with a UTF-8 byte order mark so Excel reads Arabic correctly;
text cells that Excel would take for a formula (= + - @, tab, carriage return) get a
leading apostrophe, while numbers, amounts and dates stay numbers. When the stream ends
(finished, cut off by the client, or failed) one audit entry says who exported what,
with which filter, and how many rows left.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale, gettext
from sqlalchemy import Date, DateTime, Select, func, select
from sqlalchemy.orm import Session

from app.domain.times import ZONE_LABEL
from app.services.audit import trail as audit
from app.infrastructure import xlsx_stream
from app.services.exports.cells import chain, csv_converter, format_in_database, xlsx_converter
from app.services.exports.errors import (
    InvalidDateRange,
    NoDateToFilterOn,
    TooManyRowsForExcel,
    UnknownEntity,
    UnknownFormat,
)
from app.infrastructure.clock import now_utc, today
from app.services.settings import policies
from app.services.exports.catalogue import DATETIME, ENTITIES, DeriveContext, Entity

FORMATS = ("csv", "xlsx")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_CSV_FLUSH_CHARS = 64 * 1024


@dataclass
class ExportRequest:
    entity: str
    fmt: str
    language: str = "en"
    # Applies the list's filters to the statement (Flask-AppBuilder filters work on a Select).
    criteria: Callable[[Select], Select] | None = None
    # The filters as the log should show them: [(column, operation, value), ...].
    filter_summary: list = field(default_factory=list)
    order_by: tuple[str, str] | None = None  # (column of the entity's table, "asc" | "desc")
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class Export:
    """A prepared export: `chunks()` streams the file once and writes the audit entry at its end."""

    entity: Entity
    request: ExportRequest
    filename: str
    mimetype: str
    header: list[str]
    title: str
    _session: Session
    statement: Select
    _converters: list[Callable[[Any], Any] | None]
    rows_written: int = 0
    complete: bool = False

    def chunks(self, batch: int = 2000) -> Iterator[bytes]:
        result = None
        try:
            result = self._session.connection().execute(
                self.statement.execution_options(stream_results=True, yield_per=batch)
            )
            body = self._csv(result) if self.request.fmt == "csv" else self._xlsx(result)
            yield from body
            self.complete = True
        finally:
            if result is not None:
                result.close()
            self._log()

    def _rows(self, result) -> Iterator[list]:
        converters = [(i, f) for i, f in enumerate(self._converters) if f is not None]
        for part in result.partitions():
            if converters:
                # Column by column: one map() per converted column instead of a Python loop per cell.
                columns = list(zip(*part))
                for i, convert in converters:
                    columns[i] = map(convert, columns[i])
                part = list(zip(*columns))
            self.rows_written += len(part)
            yield part

    def _csv(self, result) -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(self.header)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        for rows in self._rows(result):
            writer.writerows(rows)
            if buffer.tell() >= _CSV_FLUSH_CHARS:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue().encode("utf-8")

    def _xlsx(self, result) -> Iterator[bytes]:
        def rows():
            for part in self._rows(result):
                yield from part

        yield from xlsx_stream.stream_xlsx(
            self.header, rows(), sheet_name=self.title,
            right_to_left=self.request.language == "ar", widths=[18] * len(self.header),
        )

    def _log(self) -> None:
        # A failed or cut-off read leaves nothing to keep; the log entry goes in on its own.
        self._session.rollback()
        req = self.request
        audit.record(self._session, "export", self.entity.name, None, {
            "format": req.fmt,
            "language": req.language,
            "filters": [list(map(_plain, f)) for f in req.filter_summary],
            "from": req.date_from.isoformat() if req.date_from else None,
            "to": req.date_to.isoformat() if req.date_to else None,
            "order": list(req.order_by) if req.order_by else None,
            "rows": self.rows_written,
            "complete": self.complete,
        })
        self._session.commit()


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def _order(entity: Entity, statement: Select, order_by: tuple[str, str] | None) -> Select:
    table = entity.model.__table__
    pk = list(table.primary_key.columns)
    direction = "asc"
    columns = []
    if order_by and order_by[0] in table.columns:
        direction = "desc" if order_by[1] == "desc" else "asc"
        columns.append(table.columns[order_by[0]])
    columns.extend(c for c in pk if c not in columns)
    return statement.order_by(*(c.desc() if direction == "desc" else c.asc() for c in columns))


def _date_range(entity: Entity, statement: Select, start: dt.date | None, end: dt.date | None) -> Select:
    if start is None and end is None:
        return statement
    if entity.date_column is None:
        raise NoDateToFilterOn(name=entity.name)
    if start and end and start > end:
        raise InvalidDateRange(start=start.isoformat(), end=end.isoformat())
    column = entity.date_column
    if isinstance(column.type, DateTime):
        # Stored in UTC; a period of whole days runs from the first midnight to the one after the last day.
        if start:
            statement = statement.where(column >= dt.datetime.combine(start, dt.time()))
        if end:
            statement = statement.where(column < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    elif isinstance(column.type, Date):
        if start:
            statement = statement.where(column >= start)
        if end:
            statement = statement.where(column <= end)
    return statement


def open_export(session: Session, request: ExportRequest, config: Mapping) -> Export:
    """Checks the request and builds the query; nothing is read or logged until `chunks()` runs.

    Raises UnknownEntity, UnknownFormat, InvalidDateRange, NoDateToFilterOn or (for XLSX)
    TooManyRowsForExcel.
    """
    entity = ENTITIES.get(request.entity)
    if entity is None:
        raise UnknownEntity(name=request.entity)
    if request.fmt not in FORMATS:
        raise UnknownFormat(format=request.fmt)
    statement, columns = entity.build(request.language)
    in_database: set[int] = set()
    dialect = session.get_bind().dialect.name
    if request.fmt == "csv" and dialect in ("postgresql", "sqlite"):
        statement, in_database = format_in_database(statement, columns, dialect)
    if request.criteria is not None:
        statement = request.criteria(statement)
    statement = _date_range(entity, statement, request.date_from, request.date_to)
    if request.fmt == "xlsx":
        count = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
        if count >= xlsx_stream.MAX_ROWS:
            raise TooManyRowsForExcel(limit=xlsx_stream.MAX_ROWS - 1, count=count)
    statement = _order(entity, statement, request.order_by)

    make = csv_converter if request.fmt == "csv" else xlsx_converter
    converters = []
    # Headers and every translated cell (statuses, yes/no) are fixed now, in the reader's language.
    with force_locale(request.language):
        context = DeriveContext(today=today(config), grace_days=policies.grace_days(config), gettext=gettext)
        for index, column in enumerate(columns):
            convert = None if index in in_database else make(column.kind)
            converters.append(chain(column.derive(context), convert) if column.derive else convert)
        zone = gettext(ZONE_LABEL)
        header = [f"{c.label} ({zone})" if c.kind == DATETIME else str(c.label) for c in columns]
        title = str(entity.title)
    stamp = now_utc(config).strftime("%Y%m%d-%H%M")
    return Export(
        entity=entity, request=request, filename=f"{entity.name}-{stamp}.{request.fmt}",
        mimetype=MIMETYPES[request.fmt], header=header, title=title,
        _session=session, statement=statement, _converters=converters,
    )
