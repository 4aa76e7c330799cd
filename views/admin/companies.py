"""Companies from the commercial registry, their signatories, and chamber memberships."""
from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import DataRequired

from app.domain.labels import CR_STATUSES
from flask import g
from flask_babel import gettext
from sqlalchemy import inspect
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from app.permissions import ADMIN
from models import Company, Membership, Signatory
from views.admin.archive import ArchiveInsteadOfDelete
from views.admin.reminders import RemindNow
from views.admin.base import ChamberModelView
from views.admin.history import CompanyHistory
from views.admin.scale import COMPANY_LOOKUPS
from views.forms import CR_NUMBER, DIGITS, OCCI_NUMBER, no_markup, not_before

CR_STATUS_CHOICES = [(code, _l(msgid)) for code, msgid in CR_STATUSES.items()]


class SignatoryView(ArchiveInsteadOfDelete, ChamberModelView):
    list_title = _l("Signatories")
    show_title = _l("Signatory")
    add_title = _l("Add signatory")
    edit_title = _l("Edit signatory")
    datamodel = SQLAInterface(Signatory)
    list_columns = ["company", "civil_id", "name_en", "name_ar", "role", "active"]
    search_columns = ["civil_id", "name_en", "name_ar", "company", "active"]
    search_lookups = {"company": COMPANY_LOOKUPS}
    add_columns = edit_columns = show_columns = ["company", "civil_id", "name_en", "name_ar", "role", "active"]
    label_columns = {
        "company": _l("Company"), "civil_id": _l("Civil ID"), "name_en": _l("Name (English)"),
        "name_ar": _l("Name (Arabic)"), "role": _l("Role"), "active": _l("Allowed to act"),
    }
    validators_columns = {"civil_id": [DIGITS], "name_en": [no_markup], "name_ar": [no_markup]}


def _changed_terms(membership: Membership) -> list[str]:
    """Which of the membership's expiry and grade the submitted form changes."""
    state = inspect(membership)
    changed = []
    for name, attr in (("expires_on", "expires_on"), ("grade", "grade")):
        history = state.attrs[attr].history
        if history.added and history.deleted and history.added[0] != history.deleted[0]:
            changed.append(name)
    return changed


def _is_admin() -> bool:
    return any(role.name == ADMIN for role in getattr(g.user, "roles", ()))


class MembershipView(RemindNow, ArchiveInsteadOfDelete, ChamberModelView):
    list_title = _l("Memberships")
    show_title = _l("Membership")
    add_title = _l("Add membership")
    edit_title = _l("Edit membership")
    datamodel = SQLAInterface(Membership)
    list_columns = ["occi_number", "company", "grade", "joined_on", "expires_on", "status_label"]
    search_columns = ["occi_number", "company", "grade", "joined_on", "expires_on"]
    search_lookups = {"company": COMPANY_LOOKUPS}
    add_columns = ["occi_number", "company", "grade", "joined_on", "expires_on"]
    edit_columns = ["occi_number", "company", "grade", "joined_on", "expires_on", "change_reason"]
    show_columns = ["occi_number", "company", "grade", "joined_on", "expires_on", "status_label",
                    "archived_at", "created_at", "updated_at"]
    show_template = "admin/membership_show.html"
    base_permissions = ArchiveInsteadOfDelete.base_permissions + ("can_remind",)
    edit_form_extra_fields = {
        "change_reason": TextAreaField(
            _l("Reason for changing the expiry date or grade"), validators=[Optional(), Length(max=500)],
            description=_l("Required when the expiry date or the grade changes; kept in the audit log.")),
    }
    label_columns = {
        "occi_number": _l("OCCI number"), "company": _l("Company"), "grade": _l("Grade"),
        "joined_on": _l("Joined on"), "expires_on": _l("Expires on"), "status_label": _l("Status"),
        "created_at": _l("Created"), "updated_at": _l("Updated"), "archived_at": _l("Archived"),
        "change_reason": _l("Reason for the change"),
    }
    validators_columns = {
        "occi_number": [OCCI_NUMBER],
        "expires_on": [not_before("joined_on", _l("The expiry date cannot be before the joining date."))],
    }

    def pre_update(self, item: Membership) -> None:
        """Only an admin changes a membership's expiry or grade, and only with a reason (kept in the audit log).

        The certificate in force follows in the same commit (app/services/certificates/lifecycle.py).
        """
        if not _changed_terms(item):
            return
        if not _is_admin():
            raise ValueError(gettext("Only an administrator can change a membership's expiry date or grade."))
        reason = (getattr(item, "change_reason", None) or "").strip()
        if not reason:
            raise ValueError(gettext("Give the reason for changing the expiry date or grade."))
        g.audit_reason = reason


class CompanyView(CompanyHistory, ArchiveInsteadOfDelete, ChamberModelView):
    list_title = _l("Companies")
    show_title = _l("Company")
    add_title = _l("Add company")
    edit_title = _l("Edit company")
    datamodel = SQLAInterface(Company)
    related_views = [SignatoryView, MembershipView]
    show_template = "admin/company_show.html"
    edit_template = "appbuilder/general/model/edit_cascade.html"
    list_columns = ["cr_number", "name_en", "name_ar", "governorate", "registry_grade", "cr_status", "cr_expires_on"]
    search_columns = ["cr_number", "name_en", "name_ar", "governorate", "registry_grade", "cr_status", "cr_expires_on"]
    add_columns = edit_columns = [
        "cr_number", "name_en", "name_ar", "registry_name_en", "registry_name_ar", "address",
        "governorate", "registry_grade", "cr_status", "cr_expires_on",
    ]
    show_columns = add_columns + ["registry_updated_at", "archived_at", "created_at", "updated_at"]
    label_columns = {
        "cr_number": _l("CR number"), "name_en": _l("Name (English)"), "name_ar": _l("Name (Arabic)"),
        "registry_name_en": _l("Registry name (English)"), "registry_name_ar": _l("Registry name (Arabic)"),
        "address": _l("Address"), "governorate": _l("Head office (governorate)"),
        "registry_grade": _l("Registry grade"), "cr_status": _l("CR status"),
        "cr_expires_on": _l("CR expiry"), "registry_updated_at": _l("Updated at the registry"),
        "archived_at": _l("Archived"),
        "created_at": _l("Created"), "updated_at": _l("Updated"),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "cr_status": SelectField(_l("CR status"), choices=CR_STATUS_CHOICES, validators=[DataRequired()]),
    }
    validators_columns = {
        "cr_number": [CR_NUMBER],
        **{name: [no_markup] for name in ("name_en", "name_ar", "registry_name_en", "registry_name_ar", "address")},
    }
