"""Shared settings for back-office ModelViews: stable ordering, page size, read-only variants, speed at scale."""
from __future__ import annotations

from flask import abort, current_app, request
from flask_appbuilder import ModelView
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import Optional

from app.domain import labels
from views import display
from views.admin.scale import LargeTableMixin


def omr(value):
    return display.money(value)


def _labelled(family: str):
    return lambda value: display.label(value, family)


def _or_dash(formatter):
    """A view's own formatter (it may say something for an empty value); a dash when it says nothing."""
    def formatted(value):
        result = formatter(value)
        return display.dash() if result is None or result == "" else result

    return formatted


class DisplayMixin:
    """Every shown column of a back-office screen formatted for people.

    Coded columns (labels.COLUMN_FAMILIES, or a view's own `label_families`) show their
    labels in lists, detail pages and search boxes. Other columns are
    formatted by type (Muscat times with the zone, dates, yes/no, related records by
    name, numbers and codes isolated); an empty value is a dash; a view's own formatters
    come first.
    """

    label_families: dict[str, str] = {}

    def _families(self) -> dict[str, str]:
        table = getattr(self.datamodel.obj, "__tablename__", "")
        found = {column.key: family for column in self.datamodel.obj.__table__.columns
                 if (family := labels.column_family(table, column.key))} if table else {}
        return {**found, **self.label_families}

    def _column_formatter(self, column: str):
        families = self._families()
        if column in families:
            return _labelled(families[column])
        model = self.datamodel
        if model.is_datetime(column):
            return display.moment
        if model.is_date(column):
            return display.day
        if model.is_boolean(column):
            return display.yes_no
        if model.is_relation_many_to_one(column) or model.is_relation_one_to_one(column):
            return display.record
        return display.plain

    def _init_properties(self) -> None:
        super()._init_properties()
        own = dict(self.formatters_columns or {})
        shown = dict.fromkeys([*(self.list_columns or ()), *(self.show_columns or ())])
        self.formatters_columns = {
            column: _or_dash(own[column]) if column in own else self._column_formatter(column)
            for column in shown
        }

    def _init_forms(self) -> None:
        extra = dict(self.search_form_extra_fields or {})
        for column, family in self._families().items():
            if column in (self.search_columns or ()) and column not in extra:
                extra[column] = SelectField(
                    self.label_columns.get(column, column), validators=[Optional()],
                    choices=[(code, _l(msgid)) for code, msgid in labels.FAMILIES[family].items()])
        self.search_form_extra_fields = extra
        super()._init_forms()


class ChamberModelView(DisplayMixin, LargeTableMixin, ModelView):
    page_size = 25
    # Every list has a fixed order, so pages never shuffle.
    base_order = ("id", "desc")
    # FAB's list with export buttons (views/auditor) that carry the list's filters.
    list_template = "auditor/list.html"


class ReadOnlyModelView(ChamberModelView):
    """Records that only the services write: staff and auditors list and show them."""

    base_permissions = ["can_list", "can_show"]


AMOUNT_DESCRIPTION = _l("In Omani rials, for example 25 or 37.500")


def refuse_unknown_actions() -> None:
    """FAB answers an unknown bulk-action name with a server error; it is a request for nothing."""
    if request.endpoint and request.endpoint.endswith(".action_post"):
        view = getattr(current_app.view_functions.get(request.endpoint), "__self__", None)
        if view is not None and request.form.get("action") not in getattr(view, "actions", {}):
            abort(404)
