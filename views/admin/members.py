"""Member accounts: the portal registration details beside each Flask-AppBuilder user, read-only here."""
from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from models import Member
from views.admin.base import ReadOnlyModelView
from views.admin.history import MemberHistory


class MemberView(MemberHistory, ReadOnlyModelView):
    list_title = _l("Member accounts")
    show_title = _l("Member account")
    show_template = "admin/member_show.html"
    datamodel = SQLAInterface(Member)
    list_columns = ["user.username", "first_name", "family_name", "mobile", "id_type", "id_number", "cr_number",
                    "language", "created_at"]
    search_columns = ["first_name", "family_name", "mobile", "id_type", "id_number", "cr_number", "language",
                      "created_at"]
    show_columns = ["user.username", "user.email", "user.active", "user.last_login", "first_name", "middle_name",
                    "family_name", "mobile", "country", "id_type", "id_number", "cr_number", "language",
                    "email_verified_at", "mobile_verified_at", "created_at", "updated_at"]
    label_columns = {
        "user.username": _l("User name"), "user.email": _l("Email"), "user.active": _l("Active"),
        "user.last_login": _l("Last login"), "first_name": _l("First name"), "middle_name": _l("Middle name"),
        "family_name": _l("Family name"), "mobile": _l("Mobile"), "country": _l("Country"),
        "id_type": _l("ID type"), "id_number": _l("ID number"), "cr_number": _l("CR number"),
        "language": _l("Language"), "email_verified_at": _l("Email verified"),
        "mobile_verified_at": _l("Mobile verified"), "created_at": _l("Created"), "updated_at": _l("Updated"),
    }
