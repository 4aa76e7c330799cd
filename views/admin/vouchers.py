"""Vouchers in the back office: amounts typed and shown in rials, limits by service, grade and company,
each voucher's status and remaining uses, and every redemption on its page."""
from __future__ import annotations

from flask import current_app, g
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Optional

from app.domain.errors import DomainError
from app.domain.labels import SERVICES as SERVICE_LABELS
from app.domain.labels import translated
from app.domain.money import format_omr, parse_omr
from app.domain.vouchers import validate_voucher_definition, voucher_status
from app.extensions import db
from app.infrastructure.clock import today
from app.services.membership import fee_schedules
from app.services.membership.quotes import domain_voucher
from models import Grade, Voucher, VoucherRedemption
from views.admin.base import ChamberModelView, ReadOnlyModelView, omr
from views.admin.chamber import domain_rules
from views.admin.scale import ChamberInterface
from views.forms import no_markup, user_message

KIND_CHOICES = [("fixed", _l("Fixed amount")), ("percent", _l("Percent"))]
REDEMPTION_STATUS_LABELS = {"reserved": _l("Reserved by an unpaid request"), "used": _l("Used"),
                            "released": _l("Released (request closed unpaid)")}


def service_choices():
    return [(code, _l(label)) for code, label in SERVICE_LABELS.items() if code in ("new_membership", "renewal")]


def grade_choices():
    return [(grade.code, grade.name_en) for grade in db.session.scalars(select(Grade).order_by(Grade.rank))]


class DiscountField(StringField):
    """RO typed for a fixed voucher (5 or 2.500), a whole percent for a percent voucher; kept as typed here."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        shown = getattr(self, "shown", None)
        if shown is not None:
            return shown
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist) -> None:
        self.data = valuelist[0].strip() if valuelist and valuelist[0].strip() else None


def discount_in_units(form, field) -> None:
    """Turns the typed discount into baisa (fixed) or a whole percent, by the chosen kind."""
    if field.data is None or isinstance(field.data, int):
        return
    if form["kind"].data == "percent":
        if not field.data.isdigit():
            raise ValidationError(_l("A percent discount is a whole number from 1 to 100."))
        field.data = int(field.data)  # over 100 is the domain's refusal (VOUCHER_RULES)
        return
    try:
        field.data = parse_omr(field.data)
    except DomainError as error:
        raise ValidationError(user_message(error)) from error


def discount_label(voucher: Voucher) -> str:
    if voucher.kind == "percent":
        return f"{voucher.value}%"
    return format_omr(voucher.value)


def _today():
    if "ghurfa_today" not in g:
        g.ghurfa_today = today(current_app.config)
    return g.ghurfa_today


def status_label(voucher: Voucher) -> str:
    return translated("voucher_status", voucher_status(domain_voucher(voucher), _today()).value, gettext)


def remaining_label(voucher: Voucher) -> str:
    remaining = domain_voucher(voucher).remaining_uses
    return gettext("No limit") if remaining is None else str(remaining)


def limits_label(voucher: Voucher) -> str:
    parts = []
    if voucher.services:
        parts.append(", ".join(str(_l(SERVICE_LABELS[s])) for s in voucher.services if s in SERVICE_LABELS))
    if voucher.grades:
        parts.append(", ".join(voucher.grades))
    if voucher.once_per_company:
        parts.append(gettext("Once per company"))
    return " · ".join(parts) or gettext("Any service and grade")


def _check_voucher(form, pk: int | None) -> None:
    definition = {name: form[name].data for name in ("code", "kind", "value", "valid_from", "valid_to", "use_limit")}
    if any(definition[name] is None or name == "value" and not isinstance(definition[name], int)
           for name in ("code", "kind", "value", "valid_from", "valid_to")):
        return  # the field's own validator says what is missing
    fee_schedules.check_voucher_save(db.session, voucher_id=pk, definition=definition)


VOUCHER_RULES = domain_rules(_check_voucher, fallback="code")


class VoucherInterface(ChamberInterface):
    """Status, remaining uses, discount and limits are columns worked out from the voucher itself."""

    COMPUTED = ("status", "remaining", "discount", "limits")

    @staticmethod
    def _get_attr_value(item, col):
        if col in VoucherInterface.COMPUTED:
            return item
        return ChamberInterface._get_attr_value(item, col)


class VoucherRedemptionView(ReadOnlyModelView):
    list_title = _l("Redemptions")
    show_title = _l("Redemption")
    datamodel = SQLAInterface(VoucherRedemption)
    list_columns = ["order", "company", "status", "discount", "created_at", "used_at"]
    show_columns = ["voucher", "order", "company", "status", "discount", "created_at", "used_at", "released_at"]
    search_columns = ["status"]
    label_columns = {"voucher": _l("Voucher"), "order": _l("Request"), "company": _l("Company"),
                     "status": _l("Status"), "discount": _l("Discount"), "created_at": _l("Date"),
                     "used_at": _l("Paid at"), "released_at": _l("Released at")}
    formatters_columns = {"discount": omr, "status": lambda s: str(REDEMPTION_STATUS_LABELS.get(s, s))}


class VoucherView(ChamberModelView):
    list_title = _l("Vouchers")
    show_title = _l("Voucher")
    add_title = _l("Add voucher")
    edit_title = _l("Edit voucher")
    datamodel = VoucherInterface(Voucher)
    related_views = [VoucherRedemptionView]
    show_template = "appbuilder/general/model/show_cascade.html"
    list_columns = ["code", "discount", "valid_from", "valid_to", "status", "use_limit", "remaining", "limits"]
    search_columns = ["code", "kind", "valid_from", "valid_to"]
    add_columns = edit_columns = ["code", "description", "kind", "value", "valid_from", "valid_to", "use_limit",
                                  "services", "grades", "once_per_company"]
    show_columns = ["code", "description", "discount", "valid_from", "valid_to", "status", "use_limit",
                    "times_used", "times_reserved", "remaining", "limits", "created_at"]
    label_columns = {
        "code": _l("Code"), "description": _l("Description"), "kind": _l("Discount type"),
        "value": _l("Discount"), "discount": _l("Discount"), "valid_from": _l("Valid from"),
        "valid_to": _l("Valid to"), "use_limit": _l("Use limit"), "times_used": _l("Times used"),
        "times_reserved": _l("Held by unpaid requests"), "remaining": _l("Remaining uses"),
        "status": _l("Status"), "services": _l("Services"), "grades": _l("Grades"),
        "once_per_company": _l("Once per company"), "limits": _l("Limited to"), "created_at": _l("Created"),
    }
    description_columns = {
        "value": _l("In Omani rials for a fixed discount (e.g. 5 or 2.500); a whole percent for a percent discount."),
        "use_limit": _l("Empty for no limit."),
        "services": _l("Empty: every service that takes a voucher."),
        "grades": _l("Empty: every grade."),
    }
    formatters_columns = {"discount": discount_label, "status": status_label, "remaining": remaining_label,
                          "limits": limits_label,
                          "use_limit": lambda limit: gettext("No limit") if limit is None else limit}
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": SelectField(_l("Discount type"), choices=KIND_CHOICES, validators=[DataRequired()]),
        "value": DiscountField(_l("Discount"), validators=[InputRequired(), discount_in_units, VOUCHER_RULES]),
        "use_limit": IntegerField(_l("Use limit"), validators=[Optional(), VOUCHER_RULES]),
        "services": SelectMultipleField(_l("Services"), choices=service_choices, validators=[Optional()],
                                        widget=Select2ManyWidget()),
        "grades": SelectMultipleField(_l("Grades"), choices=grade_choices, validators=[Optional()],
                                      widget=Select2ManyWidget()),
        "once_per_company": BooleanField(_l("Once per company")),
    }
    validators_columns = {
        "code": [DataRequired(), VOUCHER_RULES],
        "valid_from": [VOUCHER_RULES],
        "valid_to": [VOUCHER_RULES],
        "description": [no_markup],
    }

    def prefill_form(self, form, pk) -> None:
        voucher = self.datamodel.get(pk)
        if voucher is not None and voucher.kind == "fixed" and isinstance(voucher.value, int):
            form.value.shown = f"{voucher.value // 1000}.{voucher.value % 1000:03d}"

    def pre_add(self, item: Voucher) -> None:
        item.services = list(item.services) or None if item.services else None
        item.grades = list(item.grades) or None if item.grades else None
        item.once_per_company = bool(item.once_per_company)
        item.times_used = item.times_used or 0
        item.times_reserved = item.times_reserved or 0
        try:
            validate_voucher_definition(domain_voucher(item))
        except DomainError as error:
            raise ValueError(user_message(error)) from error

    pre_update = pre_add



