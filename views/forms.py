"""Form fields and validators shared by the back-office screens."""
from __future__ import annotations

import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import StringField, ValidationError
from wtforms.validators import Regexp

from app.domain.errors import DomainError
from app.domain.money import parse_omr

DIGITS = Regexp(r"^[0-9]+$", message=_l("Digits only, please."))
CR_NUMBER = Regexp(r"^[0-9]{4,10}$", message=_l("A CR number is 4 to 10 digits."))
OCCI_NUMBER = Regexp(r"^[0-9]{1,10}$", message=_l("An OCCI number is 1 to 10 digits."))
CODE = Regexp(r"^[a-z0-9_]{2,20}$", message=_l("Use 2 to 20 lower-case letters, digits or _."))


def user_message(error: DomainError) -> str:
    """A rule's refusal in the user's language."""
    return error.message.translate(gettext)


class AmountField(StringField):
    """An amount typed in Omani rials (e.g. 25 or 37.500) and stored as integer baisa."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, int):
            return f"{self.data // 1000}.{self.data % 1000:03d}"
        return ""

    def process_formdata(self, valuelist) -> None:
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = parse_omr(valuelist[0].strip())
        except DomainError as error:
            self.data = None
            raise ValueError(user_message(error)) from error


def not_before(other_field: str, message):
    """Refuses a date earlier than another field's date on the same form."""

    def check(form, field) -> None:
        other = form[other_field].data
        if field.data and other and field.data < other:
            raise ValidationError(message)

    return check


def no_markup(form, field) -> None:
    if field.data and re.search(r"[<>]", field.data):
        raise ValidationError(_l("Angle brackets are not allowed here."))
