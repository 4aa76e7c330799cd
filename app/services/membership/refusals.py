"""Why a self-service request is refused: typed errors with translatable messages, nothing changed.

These refusals come from the state of records (a membership on file, an open order), not
from the chamber's pure rules, so they live here rather than in app.domain.errors; they
offer the same `message_id`/`params`/`message` as a DomainError, and views catch both
through `REFUSALS`.
"""
from __future__ import annotations

from dataclasses import dataclass
from flask_babel import get_locale

from app.domain.errors import DomainError, TranslatableError
from app.domain.messages import N_


@dataclass(frozen=True)
class BilingualText:
    """A name the chamber keeps in both languages (a company, a grade); prints in the reader's."""

    en: str
    ar: str

    def __str__(self) -> str:
        locale = get_locale()
        if locale is not None and locale.language == "ar" and self.ar:
            return self.ar
        return self.en or self.ar


class ServiceRefusal(TranslatableError):
    """A self-service request refused before anything was changed."""


# What a view catches to show the member why a request cannot go ahead.
REFUSALS = (DomainError, ServiceRefusal)


class CompanyNotAtRegistry(ServiceRefusal):
    message_id = N_("The commercial registry has no company with CR number %(cr_number)s.")


class CRNotActive(ServiceRefusal):
    message_id = N_(
        "The commercial registration %(cr_number)s is not active at the Ministry of Commerce, "
        "so the chamber cannot serve it."
    )


class AlreadyMember(ServiceRefusal):
    message_id = N_("%(company)s already has a current membership (OCCI No %(occi_number)s).")


class NoRegistryGrade(ServiceRefusal):
    message_id = N_("The commercial registry gives no grade for CR number %(cr_number)s.")


class NoNewName(ServiceRefusal):
    message_id = N_(
        "The commercial registry holds no new name for this company: the names are the ones "
        "the chamber already has."
    )


class VoucherNotFound(ServiceRefusal):
    message_id = N_("There is no voucher %(code)s.")


class OpenOrderExists(ServiceRefusal):
    message_id = N_(
        "There is already an unpaid request %(reference)s for this service. Pay it or cancel "
        "it before starting a new one."
    )

    @property
    def reference(self) -> str:
        return self.params["reference"]


class OpenOrderOfAnotherSignatory(OpenOrderExists):
    message_id = N_(
        "Another signatory of this company has an unpaid request for this service "
        "(%(reference)s). It must be paid or cancelled first."
    )


class PaymentBeingChecked(OpenOrderExists):
    message_id = N_(
        "The payment of your earlier request %(reference)s could not be checked with the payment "
        "provider just now. Please try again in a few minutes."
    )


class OrderNotPayable(ServiceRefusal):
    message_id = N_("Request %(reference)s cannot be paid any more.")


class OrderExpired(OrderNotPayable):
    message_id = N_("Request %(reference)s has expired unpaid. Please start the service again.")


class OrderNotCancellable(ServiceRefusal):
    message_id = N_("Request %(reference)s can no longer be cancelled.")


class QuoteChanged(ServiceRefusal):
    message_id = N_(
        "The price or the dates have changed since the page was shown. Please check your "
        "answers again."
    )


class NotSettleable(ServiceRefusal):
    message_id = N_("Request %(reference)s is %(status)s: there is nothing to accept or cancel.")
