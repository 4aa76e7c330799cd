"""Typed errors of the chamber's rules, each with a translatable message.

Every class names its English msgid in `message_id` (with %(name)s placeholders);
an instance keeps the values in `params` and offers `message`, a `Message` the web
layer renders with `err.message.translate(gettext)` (or `gettext(err.message_id) %
err.params` when no parameter is itself a Message). Family base classes
(`InvalidFeeSchedule`, `InvalidVoucher`, ...) let a caller catch a whole group.
"""
from __future__ import annotations

from typing import Any, ClassVar

from app.domain.messages import Message, N_


class TranslatableError(Exception):
    """A refusal whose message is shown to a person in their language; nothing has been changed.

    The one base of every refusal in the portal: the chamber's rules (`DomainError`),
    refusals that depend on stored records (`ServiceRefusal`), the auditor's requests
    (`AuditorRequestError`) and PKI logins (`PkiRefusal`) subclass it and only name their
    default `message_id`. `field`, when set, names the form field the message belongs to
    (a class default, or given when raised: `NegativeFee(fee=..., field="replacement_fee")`).
    """

    message_id: ClassVar[str] = N_("The request could not be completed.")
    field: str | None = None

    def __init__(self, *, field: str | None = None, **params: Any) -> None:
        if field is not None:
            self.field = field
        self.params: dict[str, Any] = dict(params)
        self.message = Message(self.message_id, self.params)
        super().__init__(str(self.message))


class DomainError(TranslatableError):
    """A request the chamber's rules refuse; nothing has been changed."""


# --- money -----------------------------------------------------------------

class InvalidAmount(DomainError):
    message_id = N_(
        "“%(value)s” is not an amount. Enter rials with at most three decimals, "
        "for example 25 or 37.500."
    )


class AmountRequired(InvalidAmount):
    message_id = N_("Enter an amount.")


class AmountTooLarge(InvalidAmount):
    message_id = N_("The amount cannot be more than %(limit)s.")


# --- fee schedules -----------------------------------------------------------

class NoScheduleInForce(DomainError):
    message_id = N_("No fee schedule is in force on %(on)s.")


class InvalidFeeSchedule(DomainError):
    """A fee schedule an administrator entered cannot be saved."""


class NegativeFee(InvalidFeeSchedule):
    message_id = N_("%(fee)s cannot be negative.")


class ScheduleOverlap(InvalidFeeSchedule):
    field = "effective_from"
    message_id = N_("Another fee schedule already takes effect on %(effective_from)s.")


class ScheduleInPast(InvalidFeeSchedule):
    field = "effective_from"
    message_id = N_(
        "A fee schedule cannot take effect on %(effective_from)s, before today "
        "(%(today)s): quotes already given must not change."
    )


class ScheduleAlreadyInForce(InvalidFeeSchedule):
    field = "effective_from"
    message_id = N_(
        "The fee schedule effective from %(effective_from)s is already in force and "
        "cannot be changed. Add a new schedule instead."
    )


class MissingAnnualFee(InvalidFeeSchedule):
    message_id = N_("The fee schedule has no annual fee for grade %(grade)s.")


class UnknownGrade(InvalidFeeSchedule):
    message_id = N_("There is no grade %(grade)s.")


# --- vouchers ----------------------------------------------------------------

class InvalidVoucher(DomainError):
    """A voucher definition an administrator entered cannot be saved."""


class InvalidVoucherCode(InvalidVoucher):
    field = "code"
    message_id = N_(
        "A voucher code has %(min)s to %(max)s Latin letters, digits or dashes."
    )


class InvalidVoucherKind(InvalidVoucher):
    field = "kind"
    message_id = N_("A voucher is either a fixed amount or a percentage.")


class VoucherValueNotPositive(InvalidVoucher):
    field = "value"
    message_id = N_("A voucher's value must be greater than zero.")


class VoucherOverLimit(InvalidVoucher):
    field = "value"
    message_id = N_("A percentage voucher cannot be more than 100%%.")


class VoucherDatesReversed(InvalidVoucher):
    field = "valid_to"
    message_id = N_(
        "A voucher's last day (%(valid_to)s) cannot be before its first day "
        "(%(valid_from)s)."
    )


class InvalidUseLimit(InvalidVoucher):
    field = "use_limit"
    message_id = N_(
        "A voucher's use limit must be at least 1, or left empty for no limit."
    )


class VoucherNotUsable(DomainError):
    """A member's voucher cannot be applied to this payment."""


class VoucherExpired(VoucherNotUsable):
    message_id = N_("Voucher %(code)s expired on %(valid_to)s.")


class VoucherNotYetValid(VoucherNotUsable):
    message_id = N_("Voucher %(code)s can be used from %(valid_from)s.")


class VoucherUsedUp(VoucherNotUsable):
    message_id = N_("Voucher %(code)s has already been used as many times as allowed.")


# --- quotes and memberships --------------------------------------------------

class InvalidPeriod(DomainError):
    message_id = N_(
        "A membership is renewed for one year, one year and six months, or two years."
    )


class MembershipNeedsRenewal(DomainError):
    message_id = N_("The membership has expired. Please renew the company first.")


class NameChangeNeedsRenewal(MembershipNeedsRenewal):
    pass


class GradeChangeNeedsRenewal(MembershipNeedsRenewal):
    pass


class SameGrade(DomainError):
    message_id = N_("The company is already registered in grade %(grade)s.")


class CertificateExpiryBeforeIssue(DomainError):
    message_id = N_(
        "A certificate's expiry date (%(expires_on)s) must be after its issue date "
        "(%(issued_on)s)."
    )


# --- identifiers -------------------------------------------------------------

class InvalidIdentifier(DomainError):
    """A number typed into a form is not in the expected shape."""


class InvalidCRNumber(InvalidIdentifier):
    message_id = N_("A CR number has %(min)s to %(max)s digits.")


class InvalidOCCINumber(InvalidIdentifier):
    message_id = N_("An OCCI number has %(min)s to %(max)s digits.")


class InvalidCivilID(InvalidIdentifier):
    message_id = N_("A civil ID number has %(min)s to %(max)s digits.")


class InvalidPassportNumber(InvalidIdentifier):
    message_id = N_("A passport number has %(min)s to %(max)s Latin letters and digits.")


class InvalidResidentCard(InvalidIdentifier):
    message_id = N_("A resident card number has %(min)s to %(max)s digits.")


class InvalidIdType(InvalidIdentifier):
    message_id = N_("Choose an ID type: civil ID card, passport or resident card.")


class InvalidMobileNumber(InvalidIdentifier):
    message_id = N_(
        "Enter an Omani mobile number of 8 digits starting with 7 or 9, or an "
        "international number starting with + and the country code."
    )


class InvalidOmaniMobileNumber(InvalidMobileNumber):
    message_id = N_("Enter an Omani mobile number of 8 digits starting with 7 or 9.")


# --- member accounts: passwords, codes, registration -------------------------------

class PasswordRefused(DomainError):
    """A new password the policy refuses; nothing was saved."""


class PasswordTooShort(PasswordRefused):
    message_id = N_("Use a password of at least %(min)s characters.")


class PasswordTooLong(PasswordRefused):
    message_id = N_("Use a password of at most %(max)s characters.")


class PasswordTooCommon(PasswordRefused):
    message_id = N_(
        "This password is in a list of common or breached passwords. Choose another one, "
        "for example a few unrelated words."
    )


class PasswordTooSimple(PasswordRefused):
    message_id = N_(
        "This password is a run of neighbouring keys or a repeated pattern (like 123456789012 "
        "or abcabcabcabc). Choose another one."
    )


class PasswordIsEmail(PasswordRefused):
    message_id = N_("Your password cannot be your email address.")


class PasswordsDiffer(PasswordRefused):
    message_id = N_("The two passwords are not the same.")


class CodeRefused(DomainError):
    """A code or link that cannot be accepted; nothing but the try counter changed."""


class CodeMissing(CodeRefused):
    message_id = N_("No code is waiting for this step. Ask for a new code.")


class CodeWrong(CodeRefused):
    message_id = N_("The code is not right. Tries left: %(left)s.")


class CodeLocked(CodeRefused):
    message_id = N_("The code was entered wrongly too many times. Ask for a new code.")


class CodeExpired(CodeRefused):
    message_id = N_("The code has expired. Ask for a new code.")


class CodeUsed(CodeRefused):
    message_id = N_("This code has already been used. Ask for a new code.")


class ResetLinkInvalid(CodeRefused):
    message_id = N_(
        "This password reset link is not valid: it has expired, has already been used, "
        "or a newer link was sent. Ask for a new link."
    )


class ResendRefused(DomainError):
    """A new code may not be sent yet."""


class ResendTooSoon(ResendRefused):
    message_id = N_("A code was sent a moment ago. You can ask for another in %(seconds)s seconds.")


class ResendLimitReached(ResendRefused):
    message_id = N_(
        "Too many codes were sent in the last hour. You can ask for another in %(minutes)s minutes."
    )


class AccountRefused(DomainError):
    """A registration the rules refuse; `field` names the form field the message belongs to."""


class EmailTaken(AccountRefused):
    field = "email"
    message_id = N_("An account with this email address already exists. Log in, or use “Forgot password”.")


class IdNumberTaken(AccountRefused):
    field = "id_number"
    message_id = N_("An account with this ID number already exists. Log in, or use “Forgot password”.")


class NothingToVerify(AccountRefused):
    message_id = N_("This account has nothing left to verify.")
