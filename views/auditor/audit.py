"""The audit trail for auditors: an entry's before and after side by side, and a check of the hash chain."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import current_app, flash, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.widgets import RenderTemplateWidget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.services.audit.verification import verify_and_record

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


class ChangesWidget(RenderTemplateWidget):
    template = "auditor/widgets/changes.html"


class AuditTrailMixin:
    """Mixed into the audit log's ModelView: side-by-side changes on the detail page, a verify button on the list."""

    show_template = "auditor/audit_show.html"
    list_template = "auditor/audit_list.html"

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        widgets = super()._get_show_widget(pk, item, widgets=widgets, actions=actions, show_fieldsets=show_fieldsets)
        widgets["changes"] = ChangesWidget(changes=side_by_side(item.before, item.after), action=item.action)
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
