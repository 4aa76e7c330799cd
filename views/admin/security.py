"""FAB's user and role screens as people read them: times, dashes, and what a role may do in words.

A built-in role is a list of patterns over view and permission names (app/permissions.py);
FAB shows those patterns. Here a role's page lists, screen by screen, what it may do,
in the reader's language ("Companies: See the list, See a record, Edit").
"""
from __future__ import annotations

import re

from flask import current_app
from flask_appbuilder.security import views as fab
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.domain import labels
from views import display
from views.admin.base import DisplayMixin


# Screens whose page has no list title of its own, by view name.
SCREEN_TITLES = {
    "UserInfoEditView": _l("Edit own account"),
    "ResetMyPasswordView": _l("Change own password"),
    "ResetPasswordView": _l("Reset passwords"),
    "ReportsView": _l("Reports"),
    "SelfServiceView": _l("E-services"),
    "SelfServiceReceiptView": _l("Service request receipts"),
    "MemberPortalView": _l("E-services dashboard"),
    "MemberCertificateView": _l("Member certificates"),
    "MemberAccountsView": _l("Member registration and accounts"),
    "UtilView": _l("Back button"),
    "SwaggerView": _l("API documentation page"),
    "OpenApi": _l("API description (OpenAPI)"),
    "SecurityApi": _l("API login"),
    "MenuApi": _l("Menu (API)"),
    "PkiView": _l("PKI login"),
    "LocaleView": _l("Language choice"),
    "HomeView": _l("Home page"),
    "ExportView": _l("Exports"),
    "CertificateCheckView": _l("Certificate check"),
    "AuditVerifyView": _l("Audit log check"),
}


def permission_label(name: str) -> Markup | str:
    return display.label(name, "permission")


def screen_title(view_name: str) -> Markup | str:
    """A view (or menu) by the title its page shows, else by its name kept left to right."""
    if view_name in SCREEN_TITLES:
        return str(SCREEN_TITLES[view_name])
    for view in current_app.appbuilder.baseviews:
        if type(view).__name__ == view_name and getattr(view, "resource_name", None):
            table = getattr(getattr(getattr(view, "datamodel", None), "obj", None), "__tablename__", None)
            records = labels.translated("entity", table, gettext) if table else view.resource_name
            return gettext("%(records)s through the API", records=records)
        if type(view).__name__ == view_name:
            title = getattr(view, "list_title", None) or getattr(view, "title", None)
            if title:
                return str(title)
    return gettext(view_name) if gettext(view_name) != view_name else display.ltr(view_name)


def _granted(role) -> dict[str, list[str]]:
    """view name -> permission names the role holds, from its rules or its stored permissions."""
    rules = current_app.appbuilder.sm.builtin_roles.get(role.name)
    granted: dict[str, list[str]] = {}
    if rules is None:
        for pv in role.permissions:
            granted.setdefault(pv.view_menu.name, []).append(pv.permission.name)
        return granted
    for view in current_app.appbuilder.baseviews:
        view_name = type(view).__name__
        for permission in [*(view.base_permissions or ()), "menu_access"]:
            permission = permission if permission == "menu_access" or permission.startswith("can_") \
                else f"can_{permission}"
            if any(re.match(v, view_name) and re.match(p, permission) for v, p in rules):
                granted.setdefault(view_name, []).append(permission)
    return granted


def role_permissions(role) -> Markup:
    granted = _granted(role)
    if not granted:
        return display.dash()
    lines = []
    for view_name in sorted(granted, key=lambda name: str(screen_title(name))):
        wanted = [p for p in labels.PERMISSIONS if p in granted[view_name]]
        wanted += sorted(set(granted[view_name]) - set(wanted))
        lines.append(Markup("<li><strong>%s</strong>: %s</li>") % (
            screen_title(view_name), Markup("، " if display.language() == "ar" else ", ").join(
                permission_label(p) for p in wanted)))
    return Markup('<ul class="ghurfa-role-permissions">%s</ul>') % Markup("").join(lines)


# Each class keeps FAB's name: permissions, endpoints and FAB's own links are by class name.
class UserDBModelView(DisplayMixin, fab.UserDBModelView):
    # FAB's descriptions speak of OpenID and LDAP, which Ghurfa does not use.
    description_columns = {}
    label_columns = {
        **fab.UserDBModelView.label_columns,
        "login_count": _l("Login count"), "fail_login_count": _l("Failed login count"),
        "created_on": _l("Created"), "changed_on": _l("Changed"), "created_by": _l("Created by"),
        "changed_by": _l("Changed by"),
    }


class UserStatsChartView(fab.UserStatsChartView):
    # FAB names its two charts in English only.
    definitions = [
        {"label": _l("Login count"), "group": "username", "series": ["login_count"]},
        {"label": _l("Failed login count"), "group": "username", "series": ["fail_login_count"]},
    ]


class RoleModelView(DisplayMixin, fab.RoleModelView):
    # FAB's role widgets print a built-in role's patterns; the plain ones print the readable list.
    list_widget = ListWidget
    show_widget = ShowWidget
    formatters_columns = {"permissions": lambda value: value}

    def _get_list_widget(self, filters, **kwargs):
        widgets = super()._get_list_widget(filters, **kwargs)
        args = widgets["list"].template_args
        roles = {role.name: role for role in self.appbuilder.sm.get_all_roles()}
        rows = list(args["value_columns"])
        for item in rows:
            if item.get("name") in roles:
                item["permissions"] = role_permissions(roles[item["name"]])
        args["value_columns"] = rows
        return widgets

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        widgets = super()._get_show_widget(pk, item, widgets=widgets, actions=actions, show_fieldsets=show_fieldsets)
        args = widgets["show"].template_args
        if "permissions" in args["include_columns"]:
            args["value_columns"][args["include_columns"].index("permissions")] = role_permissions(item)
        return widgets


class PermissionModelView(DisplayMixin, fab.PermissionModelView):
    formatters_columns = {"name": permission_label}


class ViewMenuModelView(DisplayMixin, fab.ViewMenuModelView):
    formatters_columns = {"name": screen_title}


class PermissionViewModelView(DisplayMixin, fab.PermissionViewModelView):
    formatters_columns = {"permission": lambda pv: permission_label(pv.name),
                          "view_menu": lambda menu: screen_title(menu.name)}
