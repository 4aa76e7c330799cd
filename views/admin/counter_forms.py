"""The counter's forms: starting a service for a company, and taking payment."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from views.forms import no_markup

SERVICE_CHOICES = [
    ("new_membership", _l("New membership")), ("renewal", _l("Renewal")),
    ("replacement", _l("Replacement certificate")), ("name_change", _l("Name change")),
    ("grade_change", _l("Grade change")),
]
METHOD_CHOICES = [("cash", _l("Cash")), ("cheque", _l("Cheque")), ("transfer", _l("Bank transfer")),
                  ("card_terminal", _l("Card terminal"))]


class StartServiceForm(FlaskForm):
    service = SelectField(_l("Service"), choices=SERVICE_CHOICES, validators=[DataRequired()])
    membership = SelectField(_l("Membership"), choices=[], validate_choice=False, validators=[Optional()])
    months = SelectField(_l("Renewal period"), choices=[("12", _l("1 year")), ("18", _l("1.5 years")),
                                                        ("24", _l("2 years"))], default="12")
    voucher = StringField(_l("Voucher code"), validators=[Optional(), Length(max=40), no_markup])
    civil_id = StringField(_l("Civil ID number from the card"), validators=[DataRequired(), Length(max=20)])
    id_card_checked = BooleanField(_l("I checked the member's civil ID card, and the number above is on it"))
    email = StringField(_l("Email for the receipt and certificate"),
                        validators=[Optional(), Email(), Length(max=320)])
    mobile = StringField(_l("Mobile for the SMS"), validators=[Optional(), Length(max=20), no_markup])
    language = SelectField(_l("Language of the messages"), choices=[("ar", "العربية"), ("en", "English")],
                           default="ar")
    fingerprint = HiddenField()


class CounterPaymentForm(FlaskForm):
    method = SelectField(_l("Payment method"), choices=METHOD_CHOICES, validators=[DataRequired()])
    cheque_number = StringField(_l("Cheque number"), validators=[Optional(), Length(max=30), no_markup])
    bank = StringField(_l("Bank"), validators=[Optional(), Length(max=80), no_markup])
    transfer_reference = StringField(_l("Transfer reference"), validators=[Optional(), Length(max=60), no_markup])
    terminal_reference = StringField(_l("Terminal reference"), validators=[Optional(), Length(max=60), no_markup])
    card_last4 = StringField(_l("Last four digits of the card (optional)"), validators=[Optional(), Length(max=4)])
