"""Keeping the chamber's copy of a company in step with what the commercial registry says."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.adapters.registry import RegistryCompany
from models import Company, Governorate, Grade, Membership, Signatory


@dataclass
class CompanyChanges:
    """What an upsert changed, so the caller can tell members and staff."""

    created: bool = False
    registry_name_changed: bool = False
    registry_grade_changed: bool = False
    status_changed: bool = False
    signatories_added: list[str] = field(default_factory=list)
    signatories_removed: list[str] = field(default_factory=list)


class ReferenceCodes:
    """Grade and governorate ids by code, read once per import."""

    def __init__(self, session: Session) -> None:
        self.grades = {code: id_ for code, id_ in session.execute(select(Grade.code, Grade.id))}
        self.governorates = {code: id_ for code, id_ in session.execute(select(Governorate.code, Governorate.id))}


def upsert_company(session: Session, record: RegistryCompany, codes: ReferenceCodes | None = None) -> tuple[Company, CompanyChanges]:
    """Creates or updates one company and its signatories from a registry record (no commit)."""
    codes = codes or ReferenceCodes(session)
    changes = CompanyChanges()
    company = session.scalar(select(Company).where(Company.cr_number == record.cr_number))
    grade_id = codes.grades.get(record.grade_code)
    if company is None:
        company = Company(cr_number=record.cr_number, name_en=record.name_en or record.name_ar,
                          name_ar=record.name_ar)
        session.add(company)
        changes.created = True
    else:
        changes.registry_name_changed = (company.registry_name_en, company.registry_name_ar) != (
            record.name_en, record.name_ar)
        changes.registry_grade_changed = company.registry_grade_id != grade_id
        changes.status_changed = company.cr_status != record.status
    company.registry_name_en = record.name_en
    company.registry_name_ar = record.name_ar
    company.address = record.address
    company.governorate_id = codes.governorates.get(record.governorate_code)
    company.registry_grade_id = grade_id
    company.cr_status = record.status
    company.cr_expires_on = record.expires_on
    company.registry_updated_at = record.updated_at.replace(tzinfo=None) if record.updated_at else None

    listed = {s.civil_id: s for s in record.signatories}
    existing = {s.civil_id: s for s in company.signatories}
    for civil_id, source in listed.items():
        signatory = existing.get(civil_id)
        if signatory is None:
            company.signatories.append(Signatory(civil_id=civil_id, name_en=source.name_en,
                                                 name_ar=source.name_ar, role=source.role, active=True))
            changes.signatories_added.append(civil_id)
        else:
            if not signatory.active:
                changes.signatories_added.append(civil_id)
            signatory.name_en, signatory.name_ar, signatory.role = source.name_en, source.name_ar, source.role
            signatory.active = True
    for civil_id, signatory in existing.items():
        if civil_id not in listed and signatory.active:
            # Removed at the registry: loses access at once, kept for history.
            signatory.active = False
            changes.signatories_removed.append(civil_id)
    return company, changes


def companies_for_signatory(session: Session, civil_id: str) -> list[Company]:
    """The companies a civil ID may act for, as the chamber last heard from the registry."""
    # Their memberships and grades come with them, in the same statement: the dashboard and the
    # services list them all (a member signs for a handful of companies, each with a membership or two).
    return list(session.scalars(
        select(Company).join(Signatory).where(Signatory.civil_id == civil_id, Signatory.may_act)
        .options(joinedload(Company.memberships).joinedload(Membership.grade))
        .order_by(Company.cr_number)
    ).unique())
