"""Archive instead of delete: lists hide archived records unless asked, and two actions archive and restore."""
from __future__ import annotations

from flask import current_app, flash, redirect, request
from flask_appbuilder.actions import action
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.infrastructure.clock import now_utc
from app.services.records.archive import archive, restore


class NotArchived(BaseFilter):
    name = _l("Not archived")

    def apply(self, query, value):
        return query.filter(self.model.archived_at.is_(None))


def showing_archived() -> bool:
    return request.args.get("archived") == "1"


class ArchiveInsteadOfDelete:
    """Mixed into CompanyView, MembershipView and SignatoryView: no delete, archive (can_archive) instead."""

    base_permissions = ("can_list", "can_show", "can_add", "can_edit", "can_archive")
    method_permission_name = {"archive": "archive", "restore": "archive"}
    list_template = "admin/archivable_list.html"

    def __init__(self, **kwargs):
        # FAB appends to base_permissions: each view gets a list of its own.
        self.base_permissions = list(self.base_permissions)
        super().__init__(**kwargs)

    def _get_list_widget(self, filters, *args, **kwargs):
        if not showing_archived():
            hidden = self.datamodel.get_filters().add_filter("archived_at", NotArchived, None)
            filters = filters.get_joined_filters(hidden)
        return super()._get_list_widget(filters, *args, **kwargs)

    def _records(self, items) -> list:
        return [item for item in (items if isinstance(items, list) else [items]) if item is not None]

    @action("archive", _l("Archive"), _l("Archive the selected records? They stay in history and exports."),
            "fa-archive")
    def archive(self, items):
        count = archive(db.session, self._records(items), now=now_utc(current_app.config))
        flash(gettext("Records archived: %(count)d.", count=count), "success")
        return redirect(self.get_redirect())

    @action("restore", _l("Restore from the archive"), _l("Show the selected records in the lists again?"),
            "fa-undo")
    def restore(self, items):
        count = restore(db.session, self._records(items))
        flash(gettext("Records restored: %(count)d.", count=count), "success")
        return redirect(self.get_redirect())
