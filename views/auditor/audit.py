"""The audit trail for auditors: an entry's before and after side by side, and a check of the hash chain."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from flask import current_app, flash, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.widgets import RenderTemplateWidget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.domain import labels
from app.extensions import db
from app.services.audit.reading import record_names
from app.services.audit.verification import verify_and_record
from models import AuditEntry
from views import display

# Columns many tables share, and the ones only the services write (no back-office screen names them).
COMMON_FIELDS = {
    "id": _l("Number"), "created_at": _l("Created"), "updated_at": _l("Updated"), "changed_on": _l("Changed"),
    "created_on": _l("Created"), "method": _l("Way of logging in"), "failed_attempts": _l("Failed attempts"),
    "password": _l("Password"), "username": _l("User name"), "email": _l("Email"), "active": _l("Active"),
    "first_name": _l("First name"), "last_name": _l("Last name"), "last_login": _l("Last login"),
    "login_count": _l("Login count"), "fail_login_count": _l("Failed login count"),
}

PROBLEMS = {
    "missing": _l("an entry is missing"),
    "broken link": _l("an entry does not link to the one before it"),
    "altered": _l("an entry was altered after it was written"),
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str | None  # None: the field was not there (a new record, or a removed one)
    after: str | None
    changed: bool


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def side_by_side(before: dict | None, after: dict | None) -> list[FieldChange]:
    """One line per field of either side, in name order.

    `changed` marks an edited field: only an entry with both sides (an update) has edits;
    a created or deleted record shows its values on one side, unmarked.
    """
    edit = bool(before) and bool(after)
    before, after = before or {}, after or {}
    rows = []
    for name in sorted(set(before) | set(after)):
        old = _shown(before[name]) if name in before else None
        new = _shown(after[name]) if name in after else None
        rows.append(FieldChange(name, old, new, edit and old != new))
    return rows


@dataclass(frozen=True)
class ReadableChange:
    field: str
    label: str
    before: Markup | None
    after: Markup | None
    changed: bool


_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _views_of(table: str) -> list:
    return [view for view in current_app.appbuilder.baseviews
            if getattr(getattr(getattr(view, "datamodel", None), "obj", None), "__tablename__", None) == table]


def field_labels(table: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The labels the back office gives a table's columns, and the catalogue family of its coded columns."""
    names: dict[str, Any] = {}
    for view in _views_of(table):
        # The class's own labels: FAB fills the instance's with untranslated names of every column.
        names = {**dict(type(view).label_columns or {}), **names}
    families = {key.split(".", 1)[1]: family for key, family in labels.COLUMN_FAMILIES.items()
                if key.startswith(f"{table}.")}
    return names, families


def _field_label(field: str, names: dict[str, Any]) -> str:
    if field in names:
        return str(names[field])
    if field.endswith("_id") and field[:-3] in names:
        return str(names[field[:-3]])
    return str(COMMON_FIELDS.get(field, field))


def _value(value: Any, family: str | None) -> Markup:
    if family is not None:
        return Markup(display.label(value, family))
    if isinstance(value, bool):
        return Markup(display.yes_no(value))
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        try:
            return display.moment(dt.datetime.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return display.day(dt.date.fromisoformat(value))
    if isinstance(value, (dict, list)):
        return display.ltr(_shown(value))
    return Markup(display.plain(value))


# Coded values the services write into an entry's details.
COMMON_FAMILIES = {"method": "login_method", "language": "language", "status": None}


def readable_changes(table: str, before: dict | None, after: dict | None) -> list[ReadableChange]:
    """side_by_side with the back office's field labels and values as a person reads them."""
    names, families = field_labels(table)
    families = {**{k: v for k, v in COMMON_FAMILIES.items() if v}, **families}
    raw_before, raw_after = before or {}, after or {}
    rows = []
    for row in side_by_side(before, after):
        family = families.get(row.field)
        rows.append(ReadableChange(
            row.field, _field_label(row.field, names),
            None if row.before is None else _value(raw_before[row.field], family),
            None if row.after is None else _value(raw_after[row.field], family),
            row.changed))
    return rows


class ChangesWidget(RenderTemplateWidget):
    template = "auditor/widgets/changes.html"


class AuditTrailMixin:
    """Mixed into the audit log's ModelView: records by name, side-by-side changes on the detail page,
    a verify button on the list."""

    show_template = "auditor/audit_show.html"
    list_template = "auditor/audit_list.html"

    def _get_list_widget(self, filters, **kwargs):
        widgets = super()._get_list_widget(filters, **kwargs)
        args = widgets["list"].template_args
        entries = db.session.query(AuditEntry).filter(AuditEntry.id.in_(args["pks"])).all() if args["pks"] else []
        names = record_names(db.session, entries, display.language())
        rows = list(args["value_columns"])  # FAB hands over a generator
        for item in rows:
            key = (item.get("entity"), item.get("entity_id"))
            if key in names:
                item["entity_id"] = names[key]
        args["value_columns"] = rows
        return widgets

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        widgets = super()._get_show_widget(pk, item, widgets=widgets, actions=actions, show_fieldsets=show_fieldsets)
        args = widgets["show"].template_args
        name = record_names(db.session, [item], display.language()).get((item.entity, item.entity_id))
        if name is not None and "entity_id" in args["include_columns"]:
            args["value_columns"][args["include_columns"].index("entity_id")] = name
        widgets["changes"] = ChangesWidget(changes=readable_changes(item.entity, item.before, item.after),
                                           action=item.action)
        return widgets


def can_verify_audit() -> bool:
    return current_app.appbuilder.sm.has_access("can_verify", "AuditVerifyView")


class AuditVerifyView(BaseView):
    """Runs the chain check from the back office (a POST with its CSRF token) and reports the outcome."""

    route_base = "/audit-trail"
    default_view = "verify"

    @expose("/verify", methods=["POST"])
    @has_access
    def verify(self):
        report = verify_and_record(db.session)
        if report.ok:
            flash(_("Audit log intact: %(count)s entries checked.", count=report.checked), "success")
        elif report.problem == "truncated":
            flash(_("Audit log truncated: entries %(first)s to %(last)s are missing (entry %(last)s was signed in the "
                    "checkpoint of %(at)s). The entries up to %(count)s match the checkpoints.",
                    first=report.first_bad_seq, last=report.last_bad_seq, at=report.checkpoint_at,
                    count=report.checked), "danger")
        elif report.problem == "rewritten":
            flash(_("Audit log rewritten: entries %(first)s to %(last)s no longer match the checkpoint of %(at)s. "
                    "The entries up to %(count)s match the checkpoints.",
                    first=report.first_bad_seq, last=report.last_bad_seq, at=report.checkpoint_at,
                    count=report.checked), "danger")
        elif report.problem == "bad checkpoint file":
            flash(_("The audit checkpoint file was altered at line %(line)s; the checkpoints after it cannot be trusted.",
                    line=report.bad_line), "danger")
        else:
            flash(_("Audit log broken at entry %(seq)s: %(problem)s. The %(count)s entries before it are intact.",
                    seq=report.first_bad_seq, problem=str(PROBLEMS.get(report.problem, report.problem)),
                    count=report.checked), "danger")
        return redirect(url_for("AuditLogView.list"))
