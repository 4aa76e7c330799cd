"""Registry flags for staff: CRs the registry lists as cancelled or expired, or no longer lists; open until handled."""
from __future__ import annotations

from flask import current_app, flash, g, redirect
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.services.registry.sync import mark_flags_handled
from models import RegistryFlag
from views.admin.base import ChamberModelView

FLAG_LABELS = {"cr_cancelled": _l("CR cancelled at the registry"), "cr_expired": _l("CR expired at the registry"),
               "cr_missing": _l("CR no longer listed at the registry")}


def flag_label(kind) -> str:
    return str(FLAG_LABELS.get(kind, kind))


def flag_detail(detail) -> str:
    """The sync writes its details as message ids (app/services/registry/batch.py: FLAG_DETAILS)."""
    return _(detail) if detail else ""


class RegistryFlagView(ChamberModelView):
    """Listed and shown to staff; the only change they make is marking a flag handled."""

    list_title = _l("Registry flags")
    show_title = _l("Registry flag")
    datamodel = SQLAInterface(RegistryFlag)
    base_permissions = ["can_list", "can_show"]
    # Marking handled counts as editing the flag (Staff has can_edit on its views; Auditor has not).
    method_permission_name = {"mark_handled": "edit"}
    base_order = ("detected_at", "desc")
    list_columns = ["company", "kind", "detected_at", "resolved_at", "resolved_by"]
    search_columns = ["company", "kind", "detected_at", "resolved_at"]
    show_columns = ["company", "kind", "detail", "detected_at", "resolved_at", "resolved_by"]
    label_columns = {
        "company": _l("Company"), "kind": _l("Flag"), "detail": _l("Details"), "detected_at": _l("Detected"),
        "resolved_at": _l("Handled"), "resolved_by": _l("Handled by"),
    }
    formatters_columns = {"kind": flag_label, "detail": flag_detail}

    @action("mark_handled", _l("Mark as handled"), _l("Mark the selected flags as handled?"), "fa-check")
    def mark_handled(self, items):
        flags = items if isinstance(items, list) else [items]
        count = mark_flags_handled(db.session, [f.id for f in flags if f is not None], g.user.username,
                                   current_app.config)
        flash(_("Flags marked as handled: %(count)d.", count=count), "success")
        return redirect(self.get_redirect())
