"""The account forms of the portal: register, verification codes, forgot and reset password."""
from __future__ import annotations

import unicodedata

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.domain.errors import DomainError
from app.domain.identifiers import (
    ID_TYPE_LABELS,
    IdType,
    normalise_cr_number,
    normalise_id_number,
    normalise_mobile_number,
)
from app.domain.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from app.domain.passwords import check_confirmation
from app.services.accounts.passwords import check_password_policy
from views.forms import user_message

REQUIRED = _l("This field is required")
NAME_LENGTH = 64
EMAIL_LENGTH = 254  # the longest address SMTP can carry (RFC 5321 path limit)
# Codes other than ISO 3166-1 countries that CLDR lists among its territories.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
_ID_TYPE_ORDER = (IdType.CIVIL_ID, IdType.RESIDENT_CARD, IdType.PASSPORT)


def _too_long(limit: int):
    return Length(max=limit, message=_l("Use at most %(max)d characters.", max=limit))


def country_choices() -> list[tuple[str, str]]:
    """ISO country codes with names in the page's language, Oman first."""
    locale = get_locale() or Locale("en")
    names = {code: name for code, name in locale.territories.items()
             if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES}
    oman = ("OM", names.pop("OM", "Oman"))
    return [oman] + sorted(names.items(), key=lambda item: item[1])


def password_advice() -> str:
    return gettext("At least %(min)s characters, no other rules. A few unrelated words make a good password.",
                   min=int(current_app.config.get("PASSWORD_MIN_LENGTH", 12)))


def a_person_name(form, field) -> None:
    """Names are free text, shown escaped; control characters (line breaks in headers) are not text."""
    value = field.data or ""
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value):
        raise ValidationError(_l("Use letters, spaces and punctuation only."))


def strip(value):
    return value.strip() if isinstance(value, str) else value


def domain_check(normalise):
    """A WTForms validator from a domain normaliser: its refusal becomes the field's message."""

    def check(form, field) -> None:
        if not field.data:
            return
        try:
            normalise(field.data)
        except DomainError as error:
            raise ValidationError(user_message(error)) from None

    return check


def an_email(form, field) -> None:
    try:
        validate_email(field.data or "", check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(_l("Enter an email address like name@example.om.")) from None


class NewPasswordChecks:
    """The password policy and the confirmation, for a form with `password` and `confirm_password`."""

    _email: str | None = None

    def account_email(self) -> str | None:
        """The account's email, which a password may not contain."""
        return self._email

    def validate_password(self, field) -> None:
        if not field.data or len(field.data) > PASSWORD_MAX_LENGTH:
            return
        try:
            check_password_policy(field.data, self.account_email())
        except DomainError as error:
            raise ValidationError(user_message(error)) from None

    def validate_confirm_password(self, field) -> None:
        try:
            check_confirmation(self.password.data or "", field.data or "")
        except DomainError as error:
            raise ValidationError(user_message(error)) from None


class RegistrationForm(NewPasswordChecks, FlaskForm):
    first_name = StringField(_l("First name"), filters=[strip],
                             validators=[DataRequired(REQUIRED), _too_long(NAME_LENGTH), a_person_name])
    middle_name = StringField(_l("Middle name"), filters=[strip],
                              validators=[Optional(), _too_long(NAME_LENGTH), a_person_name])
    family_name = StringField(_l("Family name"), filters=[strip],
                              validators=[Optional(), _too_long(NAME_LENGTH), a_person_name])
    email = StringField(_l("Email"), filters=[strip],
                        validators=[DataRequired(REQUIRED), _too_long(EMAIL_LENGTH), an_email])
    mobile = StringField(_l("Mobile phone"), filters=[strip],
                         description=_l("An Omani number of 8 digits, or + and the country code for another country."),
                         validators=[DataRequired(REQUIRED), _too_long(20)])
    cr_number = StringField(_l("Commercial registration (CR) number"), filters=[strip],
                            validators=[Optional(), _too_long(12), domain_check(normalise_cr_number)])
    country = SelectField(_l("Country"), validators=[InputRequired(REQUIRED)], validate_choice=True)
    id_type = SelectField(_l("ID type"), validators=[InputRequired(REQUIRED)], validate_choice=True)
    id_number = StringField(_l("ID number"), filters=[strip], validators=[DataRequired(REQUIRED), _too_long(20)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED), _too_long(PASSWORD_MAX_LENGTH)])
    confirm_password = PasswordField(_l("Confirm password"), validators=[DataRequired(REQUIRED)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        if not self.country.data:
            self.country.data = "OM"
        self.id_type.choices = [(kind.value, gettext(ID_TYPE_LABELS[kind])) for kind in _ID_TYPE_ORDER]
        self.password.description = password_advice()

    def validate_mobile(self, field) -> None:
        if not field.data or self.country.data is None:
            return
        try:
            normalise_mobile_number(field.data, allow_international=self.country.data != "OM")
        except DomainError as error:
            raise ValidationError(user_message(error)) from None

    def validate_id_number(self, field) -> None:
        if not field.data or self.id_type.data not in {kind.value for kind in IdType}:
            return
        try:
            normalise_id_number(self.id_type.data, field.data)
        except DomainError as error:
            raise ValidationError(user_message(error)) from None

    def account_email(self) -> str | None:
        return self.email.data


class CodeForm(FlaskForm):
    code = StringField(_l("Verification code"), filters=[strip],
                       validators=[DataRequired(REQUIRED), _too_long(20)])


class ForgotPasswordForm(FlaskForm):
    email = StringField(_l("Email"), filters=[strip],
                        validators=[DataRequired(REQUIRED), _too_long(EMAIL_LENGTH), an_email])


class ResetPasswordForm(NewPasswordChecks, FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED), _too_long(PASSWORD_MAX_LENGTH)])
    confirm_password = PasswordField(_l("Confirm password"), validators=[DataRequired(REQUIRED)])

    def __init__(self, *args, email: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._email = email
        self.password.description = password_advice()



class ChangePasswordForm(ResetPasswordForm):
    """A new password for the logged-in member, who proves the current one."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED),
                                                                         _too_long(PASSWORD_MAX_LENGTH)])


class ChangeEmailForm(FlaskForm):
    email = StringField(_l("New email address"), filters=[strip],
                        validators=[DataRequired(REQUIRED), _too_long(EMAIL_LENGTH), an_email])


class ChangeMobileForm(FlaskForm):
    mobile = StringField(_l("New mobile number"), filters=[strip],
                         description=_l("An Omani number of 8 digits, or + and the country code for another country."),
                         validators=[DataRequired(REQUIRED), _too_long(20)])

    def __init__(self, *args, international: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._international = international

    def validate_mobile(self, field) -> None:
        if not field.data:
            return
        try:
            normalise_mobile_number(field.data, allow_international=self._international)
        except DomainError as error:
            raise ValidationError(user_message(error)) from None


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language of emails and text messages"), validators=[InputRequired(REQUIRED)],
                           choices=[("ar", "العربية"), ("en", "English")], validate_choice=True)
