"""Every refusal a person can see shares one translatable base from the domain."""
from __future__ import annotations

import inspect

import pytest

from app.domain.errors import DomainError, TranslatableError
from app.services.accounts.pki import NoAccountForCivilId, PkiRefusal
from app.services.exports.errors import AuditorRequestError
from app.services.membership.refusals import OrderNotPayable, ServiceRefusal

FAMILIES = (DomainError, ServiceRefusal, AuditorRequestError, PkiRefusal)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda cls: cls.__name__)
def test_each_family_is_a_translatable_error_without_its_own_machinery(family):
    assert issubclass(family, TranslatableError)
    # The message machinery lives once, in the base.
    assert "__init__" not in vars(family)
    assert inspect.getmodule(TranslatableError).__name__ == "app.domain.errors"


def test_families_stay_apart_so_a_view_catches_only_what_it_expects():
    assert not issubclass(ServiceRefusal, DomainError)
    assert not issubclass(PkiRefusal, DomainError)
    assert not issubclass(AuditorRequestError, DomainError)


def test_a_refusal_translates_with_its_parameters():
    refusal = NoAccountForCivilId(civil_id="7324674")
    assert refusal.params == {"civil_id": "7324674"}
    arabic = {NoAccountForCivilId.message_id: "لا يوجد حساب مسجل للرقم المدني %(civil_id)s."}
    assert refusal.message.translate(lambda m: arabic.get(m, m)) == "لا يوجد حساب مسجل للرقم المدني 7324674."
    assert str(OrderNotPayable(reference="GH-1")) == "Request GH-1 cannot be paid any more."
    assert str(AuditorRequestError()) == "The request could not be completed."


def test_a_refusal_names_its_form_field_by_class_or_when_raised():
    from app.domain.errors import NegativeFee, ScheduleAlreadyInForce, VoucherDatesReversed

    assert ScheduleAlreadyInForce(effective_from="2026-11-24").field == "effective_from"
    assert VoucherDatesReversed(valid_from=1, valid_to=0).field == "valid_to"
    refusal = NegativeFee(fee="Replacement certificate fee", field="replacement_fee")
    assert refusal.field == "replacement_fee" and "field" not in refusal.params
    assert NegativeFee(fee="x").field is None
