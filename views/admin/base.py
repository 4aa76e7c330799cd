"""Shared settings for back-office ModelViews: stable ordering, page size, read-only variants, speed at scale."""
from __future__ import annotations

from flask import abort, current_app, request
from flask_appbuilder import ModelView
from flask_babel import lazy_gettext as _l

from app.domain.money import format_omr
from views.admin.scale import LargeTableMixin


def omr(value) -> str:
    return format_omr(value) if isinstance(value, int) else ""


class ChamberModelView(LargeTableMixin, ModelView):
    page_size = 25
    # Every list has a fixed order, so pages never shuffle.
    base_order = ("id", "desc")
    # FAB's list with export buttons (views/auditor) that carry the list's filters.
    list_template = "auditor/list.html"


class ReadOnlyModelView(ChamberModelView):
    """Records that only the services write: staff and auditors list and show them."""

    base_permissions = ["can_list", "can_show"]


AMOUNT_DESCRIPTION = _l("In Omani rials, e.g. 25 or 37.500")


def refuse_unknown_actions() -> None:
    """FAB answers an unknown bulk-action name with a server error; it is a request for nothing."""
    if request.endpoint and request.endpoint.endswith(".action_post"):
        view = getattr(current_app.view_functions.get(request.endpoint), "__self__", None)
        if view is not None and request.form.get("action") not in getattr(view, "actions", {}):
            abort(404)
