"""What keeps back-office screens fast over 100,000 rows: eager loading, lean counts, typed lookups, cheap rows.

Flask-AppBuilder's ModelView, left alone, has habits whose cost grows with the table:
- a relation shown in a list column (a membership's company) is loaded row by row;
- a relation in the search form (the company a membership belongs to) becomes a
  select holding every row of the related table, loaded and rendered on every list page;
- every list page counts the whole table, and each small select box (five grades)
  costs a COUNT query before its rows;
- every row's show, edit and delete buttons are built from scratch (three URLs, six translations);
- a page far down a long list joins every row before it (views/admin/paging.py reads its keys first).
ChamberInterface, the table cache (views/admin/table_cache.py), the list widgets (views/admin/widgets.py)
and LargeTableMixin replace those habits;
the views only declare which relations are searched by a typed key (`search_lookups`).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import partial
from operator import attrgetter

from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.validators import Unique
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload
from wtforms import StringField
from wtforms.validators import DataRequired, Optional

from app.domain.digits import to_ascii_digits
from views.display import display_name
from views.admin.db_errors import NOT_SAVED, UniqueMessage, last_refusal, refuse
from views.admin.paging import DEEP_PAGE_ROWS, deep_page
from views.admin.table_cache import table_cache, tables_read
from views.admin.widgets import ChamberListWidget, ChamberSearchWidget, ChamberShowWidget


class RememberingFilterConverter(SQLAFilterConverter):
    """FAB's filter converter, remembering each column's filters: FAB works them out for every
    column of the table whenever it builds a Filters object, several times a page."""

    def convert(self, col_name):
        known = self.datamodel.__dict__.setdefault("_column_filters", {})
        if col_name not in known:
            known[col_name] = super().convert(col_name)
        # Filter instances hold no request state; the list is copied because FAB may extend it.
        return None if known[col_name] is None else list(known[col_name])


class ChamberInterface(SQLAInterface):
    """FAB's SQLAlchemy interface with many-to-one relations joined into the page query and leaner counts."""

    filter_converter_class = RememberingFilterConverter

    def __init__(self, obj, session=None, eager: tuple[str, ...] = ()) -> None:
        super().__init__(obj, session)
        self.eager = eager
        self.field_labels: dict = {}

    # A constraint the database refuses becomes a sentence naming the field (views/admin/db_errors.py).
    def add(self, item, commit: bool = True) -> None:
        try:
            super().add(item, commit)
        except SQLAlchemyError as error:
            refuse(error, self.obj.__table__, self.field_labels)

    def edit(self, item, commit: bool = True) -> None:
        try:
            super().edit(item, commit)
        except DatabaseException as error:
            refuse(error.__cause__ if isinstance(error.__cause__, SQLAlchemyError) else SQLAlchemyError(),
                   self.obj.__table__, self.field_labels)

    def delete(self, item, commit: bool = True) -> None:
        try:
            super().delete(item, commit)
        except DatabaseException as error:
            refuse(error.__cause__ if isinstance(error.__cause__, SQLAlchemyError) else SQLAlchemyError(),
                   self.obj.__table__, self.field_labels, deleting=True)

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
        if select_columns:
            return self._count(query, filters, select_columns)
        # Every count is kept in the table cache, keyed by the filters and their values, until a commit
        # changes a table it read: an unfiltered list's count is shown on every page, and paging through
        # a search's results (a membership by part of its company's name: 16 ms at 100,000) counts once.
        applied = list(zip(filters.filters, filters.values)) if filters else []
        kind = ("count",) + tuple((id(type(f)), f.column_name, repr(value)) for f, value in applied)
        tables = tables_read(self, [f.column_name for f, _ in applied])
        return table_cache.get(self.session, tables, kind, lambda: self._count(query, filters, None))

    def _count(self, query, filters, select_columns) -> int:
        # count(id) rather than FAB's count(*) over a subquery: needing the key stops PostgreSQL from
        # answering a "contains" count by filtering a whole btree with ILIKE (its cost model thinks
        # that cheap; it is 30 times slower than the trigram index at 100,000 rows).
        inner = self._apply_inner_all(query, filters, select_columns=select_columns, aliases_mapping={})
        return inner.order_by(None).with_entities(func.count(self.get_pk())).scalar()

    def query(self, filters=None, order_column="", order_direction="", page=None, page_size=None,
              select_columns=None, outer_default_load=False):
        if select_columns:
            return super().query(filters, order_column, order_direction, page, page_size, select_columns,
                                 outer_default_load)
        query = self.session.query(self.obj)
        if page_size is None:
            # Unpaginated (the options of a relation's select box): the count is the number of rows.
            items = (self.apply_all(query, filters, order_column, order_direction) if filters or order_column
                     else query).all()
            return len(items), items
        if (page or 0) * page_size >= DEEP_PAGE_ROWS:
            return deep_page(self, filters, order_column, order_direction, page, page_size)
        # The page first: when it is not full it is the last one, and the count follows from it
        # (a company's memberships on its page, a search that finds a few).
        items = self.apply_all(query, filters, order_column, order_direction, page, page_size,
                               outer_default_load=outer_default_load).all()
        if len(items) < page_size and (items or not page):
            return (page or 0) * page_size + len(items), items
        return self.query_count(self.session.query(self.obj), filters), items


@dataclass(frozen=True)
class Choice:
    """An option of a select box over a small table, kept apart from any session."""

    pk: str
    label: str


def reference_choices(interface: SQLAInterface) -> list[Choice]:
    """The rows of a small table as select options, from the table cache."""
    def load() -> list[Choice]:
        items = interface.session.query(interface.obj).order_by(interface.get_pk()).all()
        # Named as the reader reads them: a governorate or grade by its name in the page's language.
        return [Choice(str(interface.get_pk_value(item)), display_name(item)) for item in items]

    return table_cache.get(interface.session, interface.obj.__table__.name, ("choices", str(get_locale())), load)


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
    Any other relation in the search form is taken for a small table (grades, governorates):
    its select box is FAB's, with options from the table cache.
    """

    search_lookups: dict[str, tuple[Lookup, ...]] = {}
    list_widget = ChamberListWidget
    search_widget = ChamberSearchWidget
    show_widget = ChamberShowWidget

    def _init_properties(self) -> None:
        table_cache.install()
        if not isinstance(self.datamodel, ChamberInterface):
            self.datamodel = ChamberInterface(self.datamodel.obj, self.datamodel._session)
        super()._init_properties()
        self.datamodel.field_labels = self.label_columns
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
        filtered = self.search_form_query_rel_fields or {}
        for column in self.search_columns:
            label = self.label_columns.get(column, column)
            if column in extra or column in filtered:
                continue
            if column in self.search_lookups:
                extra[column] = StringField(label)
            elif self.datamodel.is_relation_many_to_one(column):
                # The select FAB would build, its options read from the table cache instead of a query.
                nullable = self.datamodel.is_nullable(column)
                extra[column] = QuerySelectField(
                    label, validators=[Optional() if nullable else DataRequired()], allow_blank=nullable,
                    query_func=partial(reference_choices, self.datamodel.get_related_interface(column)),
                    get_pk_func=attrgetter("pk"), get_label=attrgetter("label"), widget=Select2Widget())
        self.search_form_extra_fields = extra
        super()._init_forms()
        for form in (self.add_form, self.edit_form):
            for name, unbound in vars(form).items():
                validators = (getattr(unbound, "kwargs", None) or {}).get("validators")
                if not validators:
                    continue
                # FAB adds its Unique check once per unique constraint and index on the column
                # ("Already exists. Already exists."): one, naming the field, is enough.
                uniques = [v for v in validators if isinstance(v, Unique)]
                for extra in uniques[1:]:
                    validators.remove(extra)
                if uniques:
                    uniques[0].message = UniqueMessage(self.label_columns.get(name, name))

    @property
    def database_error_message(self):
        # FAB flashes this when an edit fails; the reason was worked out when the database refused.
        return last_refusal(NOT_SAVED)


# The relations back-office searches find by a typed key, shared by the views that search them.
COMPANY_LOOKUPS = (
    Lookup(_l("CR number is"), ("cr_number",)),
    Lookup(_l("Name contains"), ("name_en", "name_ar"), contains=True),
)
MEMBERSHIP_LOOKUPS = (Lookup(_l("OCCI number is"), ("occi_number",)),)
ORDER_LOOKUPS = (Lookup(_l("Reference is"), ("reference",)),)
USER_LOOKUPS = (Lookup(_l("User name or email is"), ("username", "email")),)
