"""What keeps back-office screens fast over 100,000 rows: eager loading, lean counts, typed lookups, cheap rows.

Flask-AppBuilder's ModelView, left alone, has habits whose cost grows with the table:
- a relation shown in a list column (a membership's company) is loaded row by row;
- a relation in the search form (the company a membership belongs to) becomes a
  select holding every row of the related table, loaded and rendered on every list page;
- every list page counts the whole table, and each small select box (five grades)
  costs a COUNT query before its rows;
- every row's show, edit and delete buttons are built from scratch (three URLs, six translations).
ChamberInterface, TableCounts, ChamberListWidget and LargeTableMixin replace those habits;
the views only declare which relations are searched by a typed key (`search_lookups`).
"""
from __future__ import annotations

import enum
import threading
import time
from dataclasses import dataclass

from flask import current_app
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.widgets import ListWidget
from flask_babel import lazy_gettext as _l
from sqlalchemy import Delete, Insert, event, func, or_
from sqlalchemy.engine import Engine
from sqlalchemy.orm import joinedload
from wtforms import StringField

from app.domain.digits import to_ascii_digits


class ChamberInterface(SQLAInterface):
    """FAB's SQLAlchemy interface with many-to-one relations joined into the page query and leaner counts."""

    def __init__(self, obj, session=None, eager: tuple[str, ...] = ()) -> None:
        super().__init__(obj, session)
        self.eager = eager

    def apply_all(self, query, *args, **kwargs):
        # Used for list pages and for show (get): the relations the page prints arrive in the same query.
        if self.eager:
            query = query.options(*(joinedload(getattr(self.obj, name)) for name in self.eager))
        return super().apply_all(query, *args, **kwargs)

    @staticmethod
    def _get_attr_value(item, col):
        # FAB reads a column three times (hasattr, a callable test, the value): once here, which
        # matters for computed columns such as a membership's status.
        try:
            value = getattr(item, col)
        except AttributeError:
            return SQLAInterface._get_attr_value(item, col)  # a dotted column
        if callable(value):
            return value()
        return value.value if isinstance(value, enum.Enum) else value

    def get_related_interface(self, col_name: str) -> SQLAInterface:
        # FAB builds a new interface (a walk over the mapper) for every option of a select box.
        cache = self.__dict__.setdefault("_related_interfaces", {})
        if col_name not in cache:
            cache[col_name] = super().get_related_interface(col_name)
        return cache[col_name]

    def query_count(self, query, filters=None, select_columns=None) -> int:
        if not (filters and filters.filters) and not select_columns:
            return table_counts.get(self.session, self.obj.__table__.name, lambda: self._count(query, None, None))
        return self._count(query, filters, select_columns)

    def _count(self, query, filters, select_columns) -> int:
        # count(id) rather than FAB's count(*) over a subquery: needing the key stops PostgreSQL from
        # answering a "contains" count by filtering a whole btree with ILIKE (its cost model thinks
        # that cheap; it is 30 times slower than the trigram index at 100,000 rows).
        inner = self._apply_inner_all(query, filters, select_columns=select_columns, aliases_mapping={})
        return inner.order_by(None).with_entities(func.count(self.get_pk())).scalar()

    def query(self, filters=None, order_column="", order_direction="", page=None, page_size=None,
              select_columns=None, outer_default_load=False):
        if page_size is None and not select_columns:
            # Unpaginated (the options of a relation's select box): the count is the number of rows.
            items = self.apply_all(self.session.query(self.obj), filters, order_column, order_direction).all()
            return len(items), items
        return super().query(filters, order_column, order_direction, page, page_size, select_columns,
                             outer_default_load)


class TableCounts:
    """Row counts of whole tables kept for LIST_COUNT_CACHE_SECONDS in this process (0: always count).

    An unfiltered list of 100,000 companies would otherwise count them all for its "Record
    Count" and page links on every page (an index scan of about 10 ms). Filtered lists are
    always counted. Inserts and deletes committed through this process's sessions drop the
    table's count (ORM or Core); another process's show within the TTL.
    """

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], tuple[int, float]] = {}
        self._lock = threading.Lock()

    def get(self, session, table: str, count) -> int:
        ttl = current_app.config.get("LIST_COUNT_CACHE_SECONDS", 0)
        if ttl <= 0:
            return count()
        key = (str(session.get_bind().url), table)
        now = time.monotonic()
        cached = self._counts.get(key)
        if cached is not None and cached[1] > now:
            return cached[0]
        value = count()
        with self._lock:
            self._counts[key] = (value, now + ttl)
        return value

    def forget(self, url: str, tables: set[str]) -> None:
        with self._lock:
            for table in tables:
                self._counts.pop((url, table), None)

    def install(self) -> None:
        """Drops a table's counts when a connection commits an INSERT or DELETE on it (ORM or Core)."""
        if not event.contains(Engine, "after_execute", _note_counted_change):
            event.listen(Engine, "after_execute", _note_counted_change)
            event.listen(Engine, "commit", _forget_committed_changes)
            event.listen(Engine, "rollback", _drop_noted_changes)


table_counts = TableCounts()


def _note_counted_change(conn, clauseelement, multiparams, params, execution_options, result) -> None:
    if isinstance(clauseelement, (Insert, Delete)):
        conn.info.setdefault("ghurfa_counted_changes", set()).add(clauseelement.table.name)


def _forget_committed_changes(conn) -> None:
    changed = conn.info.pop("ghurfa_counted_changes", None)
    if changed:
        table_counts.forget(str(conn.engine.url), changed)


def _drop_noted_changes(conn) -> None:
    conn.info.pop("ghurfa_counted_changes", None)


class ChamberListWidget(ListWidget):
    """FAB's list widget; the row buttons' links and labels are made once per page (admin/list_widget.html)."""

    template = "admin/list_widget.html"


@dataclass(frozen=True)
class Lookup:
    """One way to find records by a related record: its key typed exactly, or a part of its name."""

    label: object  # the operator's name in the search menu (a lazy string)
    columns: tuple[str, ...]  # columns of the related table compared with what was typed
    contains: bool = False

    def filter_class(self) -> type[BaseFilter]:
        lookup = self

        class LookupFilter(BaseFilter):
            name = lookup.label

            def apply(self, query, value):
                relation = getattr(self.model, self.column_name)
                return query.filter(relation.has(lookup.condition(relation.property.mapper.class_, value)))

        return LookupFilter

    def condition(self, target, value):
        text = str(value or "").strip()
        if self.contains:
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return or_(*(getattr(target, name).ilike(f"%{escaped}%", escape="\\") for name in self.columns))
        # Keys are digits; staff may type them on an Arabic keyboard.
        key = to_ascii_digits(text)
        return or_(*(getattr(target, name) == key for name in self.columns))


class LargeTableMixin:
    """For a ModelView over a large table: ChamberInterface, ChamberListWidget, and relations searched by typed text.

    `search_lookups = {"company": COMPANY_LOOKUPS}` gives the "company" search a text box
    with the operators "CR number is" and "Name contains" instead of a select of every company.
    """

    search_lookups: dict[str, tuple[Lookup, ...]] = {}
    list_widget = ChamberListWidget

    def _init_properties(self) -> None:
        table_counts.install()
        if not isinstance(self.datamodel, ChamberInterface):
            self.datamodel = ChamberInterface(self.datamodel.obj, self.datamodel._session)
        super()._init_properties()
        shown = dict.fromkeys([*(self.list_columns or ()), *(self.show_columns or ())])
        self.datamodel.eager = tuple(name for name in shown if self.datamodel.is_relation_many_to_one(name))
        for column, lookups in self.search_lookups.items():
            if column not in self.search_columns:
                raise ValueError(f"{type(self).__name__}: search lookup {column!r} is not a search column")
            # FAB resolves _flt_<index>_<column> against _all_filters and lists _search_filters in the menu.
            filters = [lookup.filter_class()(column, self.datamodel) for lookup in lookups]
            self._filters._search_filters[column] = filters
            self._filters._all_filters[column] = filters

    def _init_forms(self) -> None:
        extra = dict(self.search_form_extra_fields or {})
        for column in self.search_lookups:
            extra.setdefault(column, StringField(self.label_columns.get(column, column)))
        self.search_form_extra_fields = extra
        super()._init_forms()


# The relations back-office searches find by a typed key, shared by the views that search them.
COMPANY_LOOKUPS = (
    Lookup(_l("CR number is"), ("cr_number",)),
    Lookup(_l("Name contains"), ("name_en", "name_ar"), contains=True),
)
MEMBERSHIP_LOOKUPS = (Lookup(_l("OCCI number is"), ("occi_number",)),)
ORDER_LOOKUPS = (Lookup(_l("Reference is"), ("reference",)),)
USER_LOOKUPS = (Lookup(_l("User name or email is"), ("username", "email")),)
