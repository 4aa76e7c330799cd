"""What each exportable list holds: its columns (headers, kinds) and the SQL that reads them.

Every entity is one SELECT with the related names joined in, so an export reads plain
tuples from a server-side cursor and never loads ORM objects. Secrets never appear:
no password hash, no certificate verification token, no message body (it may carry a
one-time code), no gateway reply blob.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from app.domain import labels
from app.domain.membership import STATUS_LABELS, membership_status
from models import (
    AuditEntry,
    Certificate,
    Company,
    FeeSchedule,
    Governorate,
    Grade,
    GradeFee,
    JobRun,
    Member,
    Membership,
    Notification,
    OrderLine,
    Payment,
    ServiceOrder,
    Signatory,
    Voucher,
)

TEXT, NUMBER, MONEY, DATE, DATETIME, BOOL, JSON = "text", "number", "money", "date", "datetime", "bool", "json"


@dataclass(frozen=True)
class DeriveContext:
    """What a derived column may need: the chamber's today and how to translate."""

    today: dt.date
    grace_days: int
    gettext: Callable[[str], str]


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy msgid, rendered in the reader's language
    kind: str = TEXT
    # Turns the selected value into the exported one (a status from an expiry date, say).
    derive: Callable[[DeriveContext], Callable[[Any], Any]] | None = None


@dataclass(frozen=True)
class Entity:
    name: str
    title: Any
    model: type
    date_column: Any  # what --from/--to select on
    build: Callable[[str], tuple[Select, list[Column]]]  # language -> (statement, columns)


def _name(table, language: str):
    return table.name_ar if language == "ar" else table.name_en


def _select(model, pairs: list[tuple[Column, Any]], *joins) -> tuple[Select, list[Column]]:
    stmt = select(*(expr.label(column.key) for column, expr in pairs)).select_from(model)
    for target, onclause in joins:
        stmt = stmt.outerjoin(target, onclause)
    return stmt, [column for column, _ in pairs]


CREATED = Column("created_at", _l("Created"), DATETIME)


def labelled(family: str) -> Callable[[DeriveContext], Callable[[Any], str | None]]:
    """A coded column exported as its label from the catalogue, in the export's language."""
    def derive(ctx: DeriveContext) -> Callable[[Any], str | None]:
        return lambda code: None if code in (None, "") else labels.translated(family, code, ctx.gettext)

    return derive


def _actor(ctx: DeriveContext) -> Callable[[Any], str | None]:
    return lambda code: None if not code else labels.actor(code, ctx.gettext)


def _status_of(ctx: DeriveContext) -> Callable[[dt.date | None], str | None]:
    labels = {status: ctx.gettext(label) for status, label in STATUS_LABELS.items()}

    def status(expires_on: dt.date | None) -> str | None:
        return labels[membership_status(expires_on, ctx.today, ctx.grace_days)] if expires_on else None

    return status


def _members(language: str):
    return _select(Member, [
        (Column("username", _l("User name")), User.username),
        (Column("email", _l("Email")), User.email),
        (Column("first_name", _l("First name")), Member.first_name),
        (Column("middle_name", _l("Middle name")), Member.middle_name),
        (Column("family_name", _l("Family name")), Member.family_name),
        (Column("mobile", _l("Mobile")), Member.mobile),
        (Column("country", _l("Country")), Member.country),
        (Column("id_type", _l("ID type"), derive=labelled("id_type")), Member.id_type),
        (Column("id_number", _l("ID number")), Member.id_number),
        (Column("cr_number", _l("CR number")), Member.cr_number),
        (Column("language", _l("Language"), derive=labelled("language")), Member.language),
        (Column("email_verified_at", _l("Email verified"), DATETIME), Member.email_verified_at),
        (Column("mobile_verified_at", _l("Mobile verified"), DATETIME), Member.mobile_verified_at),
        (Column("active", _l("Active"), BOOL), User.active),
        (Column("last_login", _l("Last login"), DATETIME), User.last_login),
        (CREATED, Member.created_at),
    ], (User, Member.user_id == User.id))


def _companies(language: str):
    governorate, grade = aliased(Governorate), aliased(Grade)
    return _select(Company, [
        (Column("cr_number", _l("CR number")), Company.cr_number),
        (Column("name_en", _l("Name (English)")), Company.name_en),
        (Column("name_ar", _l("Name (Arabic)")), Company.name_ar),
        (Column("registry_name_en", _l("Registry name (English)")), Company.registry_name_en),
        (Column("registry_name_ar", _l("Registry name (Arabic)")), Company.registry_name_ar),
        (Column("address", _l("Address")), Company.address),
        (Column("governorate", _l("Head office (governorate)")), _name(governorate, language)),
        (Column("registry_grade", _l("Registry grade")), _name(grade, language)),
        (Column("cr_status", _l("CR status"), derive=labelled("cr_status")), Company.cr_status),
        (Column("cr_expires_on", _l("CR expiry"), DATE), Company.cr_expires_on),
        (Column("registry_updated_at", _l("Updated at the registry"), DATETIME), Company.registry_updated_at),
        (CREATED, Company.created_at),
    ], (governorate, Company.governorate_id == governorate.id), (grade, Company.registry_grade_id == grade.id))


def _signatories(language: str):
    return _select(Signatory, [
        (Column("cr_number", _l("CR number")), Company.cr_number),
        (Column("company", _l("Company")), _name(Company, language)),
        (Column("civil_id", _l("Civil ID")), Signatory.civil_id),
        (Column("name_en", _l("Name (English)")), Signatory.name_en),
        (Column("name_ar", _l("Name (Arabic)")), Signatory.name_ar),
        (Column("role", _l("Role")), Signatory.role),
        (Column("active", _l("Allowed to act"), BOOL), Signatory.active),
    ], (Company, Signatory.company_id == Company.id))


def _memberships(language: str):
    return _select(Membership, [
        (Column("occi_number", _l("OCCI number")), Membership.occi_number),
        (Column("cr_number", _l("CR number")), Company.cr_number),
        (Column("company", _l("Company")), _name(Company, language)),
        (Column("grade", _l("Grade")), _name(Grade, language)),
        (Column("joined_on", _l("Joined on"), DATE), Membership.joined_on),
        (Column("expires_on", _l("Expires on"), DATE), Membership.expires_on),
        (Column("status", _l("Status"), TEXT, derive=_status_of), Membership.expires_on),
        (CREATED, Membership.created_at),
    ], (Company, Membership.company_id == Company.id), (Grade, Membership.grade_id == Grade.id))


def _fee_schedules(language: str):
    return _select(FeeSchedule, [
        (Column("effective_from", _l("Effective from"), DATE), FeeSchedule.effective_from),
        (Column("registration_fee", _l("Registration fee"), MONEY), FeeSchedule.registration_fee),
        (Column("replacement_fee", _l("Replacement certificate fee"), MONEY), FeeSchedule.replacement_fee),
        (Column("name_change_fee", _l("Name change fee"), MONEY), FeeSchedule.name_change_fee),
        (Column("grade_change_fee", _l("Grade change fee"), MONEY), FeeSchedule.grade_change_fee),
        (Column("late_fee_per_month", _l("Late fee per month"), MONEY), FeeSchedule.late_fee_per_month),
        (Column("note", _l("Note")), FeeSchedule.note),
        (CREATED, FeeSchedule.created_at),
    ])


def _grade_fees(language: str):
    return _select(GradeFee, [
        (Column("schedule", _l("Fee schedule"), DATE), FeeSchedule.effective_from),
        (Column("grade", _l("Grade")), _name(Grade, language)),
        (Column("annual_fee", _l("Annual fee"), MONEY), GradeFee.annual_fee),
    ], (FeeSchedule, GradeFee.schedule_id == FeeSchedule.id), (Grade, GradeFee.grade_id == Grade.id))


def _vouchers(language: str):
    return _select(Voucher, [
        (Column("code", _l("Code")), Voucher.code),
        (Column("description", _l("Description")), Voucher.description),
        (Column("kind", _l("Discount type"), derive=labelled("voucher_kind")), Voucher.kind),
        (Column("value", _l("Discount"), NUMBER), Voucher.value),
        (Column("valid_from", _l("Valid from"), DATE), Voucher.valid_from),
        (Column("valid_to", _l("Valid to"), DATE), Voucher.valid_to),
        (Column("use_limit", _l("Use limit"), NUMBER), Voucher.use_limit),
        (Column("times_used", _l("Times used"), NUMBER), Voucher.times_used),
        (CREATED, Voucher.created_at),
    ])


def _orders(language: str):
    return _select(ServiceOrder, [
        (Column("reference", _l("Reference")), ServiceOrder.reference),
        (Column("service", _l("Service"), derive=labelled("service")), ServiceOrder.service),
        (Column("status", _l("Status"), derive=labelled("order_status")), ServiceOrder.status),
        (Column("user", _l("Member")), User.username),
        (Column("cr_number", _l("CR number")), Company.cr_number),
        (Column("company", _l("Company")), _name(Company, language)),
        (Column("membership", _l("OCCI number")), Membership.occi_number),
        (Column("voucher", _l("Voucher")), Voucher.code),
        (Column("quoted_on", _l("Quoted on"), DATE), ServiceOrder.quoted_on),
        (Column("period_months", _l("Period (months)"), NUMBER), ServiceOrder.period_months),
        (Column("total", _l("Total"), MONEY), ServiceOrder.total),
        (Column("currency", _l("Currency")), ServiceOrder.currency),
        (CREATED, ServiceOrder.created_at),
        (Column("paid_at", _l("Paid at"), DATETIME), ServiceOrder.paid_at),
        (Column("fulfilled_at", _l("Fulfilled at"), DATETIME), ServiceOrder.fulfilled_at),
    ], (User, ServiceOrder.user_id == User.id), (Company, ServiceOrder.company_id == Company.id),
        (Membership, ServiceOrder.membership_id == Membership.id), (Voucher, ServiceOrder.voucher_id == Voucher.id))


def _order_lines(language: str):
    return _select(OrderLine, [
        (Column("order", _l("Service request")), ServiceOrder.reference),
        (Column("service", _l("Service"), derive=labelled("service")), ServiceOrder.service),
        (Column("status", _l("Status"), derive=labelled("order_status")), ServiceOrder.status),
        (Column("position", _l("Line"), NUMBER), OrderLine.position),
        (Column("kind", _l("Fee"), derive=labelled("fee_line")), OrderLine.kind),
        (Column("amount", _l("Amount"), MONEY), OrderLine.amount),
    ], (ServiceOrder, OrderLine.order_id == ServiceOrder.id))


def _payments(language: str):
    return _select(Payment, [
        (Column("order", _l("Service request")), ServiceOrder.reference),
        (Column("gateway", _l("Gateway"), derive=labelled("gateway")), Payment.gateway),
        (Column("transaction_uuid", _l("Transaction")), Payment.transaction_uuid),
        (Column("gateway_transaction_id", _l("Gateway transaction")), Payment.gateway_transaction_id),
        (Column("amount", _l("Amount"), MONEY), Payment.amount),
        (Column("currency", _l("Currency")), Payment.currency),
        (Column("status", _l("Status"), derive=labelled("payment_status")), Payment.status),
        (Column("decision", _l("Decision"), derive=labelled("payment_decision")), Payment.decision),
        (Column("reason_code", _l("Reason code")), Payment.reason_code),
        (Column("message", _l("Message")), Payment.message),
        (CREATED, Payment.created_at),
        (Column("replied_at", _l("Replied at"), DATETIME), Payment.replied_at),
    ], (ServiceOrder, Payment.order_id == ServiceOrder.id))


def _certificates(language: str):
    successor = aliased(Certificate)
    return _select(Certificate, [
        (Column("serial", _l("Serial")), Certificate.serial),
        (Column("membership", _l("OCCI number")), Membership.occi_number),
        (Column("company", _l("Company")), _name(Company, language)),
        (Column("issued_on", _l("Date of issue"), DATE), Certificate.issued_on),
        (Column("expires_on", _l("Date of expiry"), DATE), Certificate.expires_on),
        (Column("superseded_by", _l("Superseded by")), successor.serial),
        (CREATED, Certificate.created_at),
    ], (Membership, Certificate.membership_id == Membership.id), (Company, Membership.company_id == Company.id),
        (successor, Certificate.superseded_by_id == successor.id))


def _notifications(language: str):
    return _select(Notification, [
        (Column("channel", _l("Channel"), derive=labelled("notification_channel")), Notification.channel),
        (Column("recipient", _l("Recipient")), Notification.recipient),
        (Column("template", _l("Message"), derive=labelled("notification_template")), Notification.template),
        (Column("language", _l("Language"), derive=labelled("language")), Notification.language),
        (Column("subject", _l("Subject")), Notification.subject),
        (Column("status", _l("Status"), derive=labelled("notification_status")), Notification.status),
        (Column("attempts", _l("Attempts"), NUMBER), Notification.attempts),
        (Column("next_attempt_at", _l("Next attempt"), DATETIME), Notification.next_attempt_at),
        (Column("last_error", _l("Last error")), Notification.last_error),
        (Column("sent_at", _l("Sent at"), DATETIME), Notification.sent_at),
        (CREATED, Notification.created_at),
    ])


def _job_runs(language: str):
    return _select(JobRun, [
        (Column("job", _l("Job"), derive=labelled("job")), JobRun.job),
        (Column("trigger", _l("Started by"), derive=labelled("job_trigger")), JobRun.trigger),
        (Column("started_at", _l("Started"), DATETIME), JobRun.started_at),
        (Column("finished_at", _l("Finished"), DATETIME), JobRun.finished_at),
        (Column("status", _l("Status"), derive=labelled("job_result")), JobRun.status),
        (Column("counts", _l("Counts"), JSON), JobRun.counts),
        (Column("error", _l("Error")), JobRun.error),
    ])


def _audit_log(language: str):
    return _select(AuditEntry, [
        (Column("seq", _l("No."), NUMBER), AuditEntry.seq),
        (Column("at", _l("When"), DATETIME), AuditEntry.at),
        (Column("actor", _l("Who"), derive=_actor), AuditEntry.actor),
        (Column("user_id", _l("User id"), NUMBER), AuditEntry.user_id),
        (Column("action", _l("Action"), derive=labelled("audit_action")), AuditEntry.action),
        (Column("entity", _l("Record type"), derive=labelled("entity")), AuditEntry.entity),
        (Column("entity_id", _l("Record")), AuditEntry.entity_id),
        (Column("before", _l("Before"), JSON), AuditEntry.before),
        (Column("after", _l("After"), JSON), AuditEntry.after),
        (Column("reason", _l("Reason")), AuditEntry.reason),
        (Column("prev_hash", _l("Previous hash")), AuditEntry.prev_hash),
        (Column("hash", _l("Hash")), AuditEntry.hash),
    ])


def _grades(language: str):
    return _select(Grade, [
        (Column("rank", _l("Rank"), NUMBER), Grade.rank),
        (Column("code", _l("Code")), Grade.code),
        (Column("name_en", _l("Name (English)")), Grade.name_en),
        (Column("name_ar", _l("Name (Arabic)")), Grade.name_ar),
    ])


def _governorates(language: str):
    return _select(Governorate, [
        (Column("code", _l("Code")), Governorate.code),
        (Column("name_en", _l("Name (English)")), Governorate.name_en),
        (Column("name_ar", _l("Name (Arabic)")), Governorate.name_ar),
    ])


ENTITIES: dict[str, Entity] = {e.name: e for e in (
    Entity("members", _l("Member accounts"), Member, Member.created_at, _members),
    Entity("companies", _l("Companies"), Company, Company.created_at, _companies),
    Entity("signatories", _l("Signatories"), Signatory, Signatory.created_at, _signatories),
    Entity("memberships", _l("Memberships"), Membership, Membership.expires_on, _memberships),
    Entity("fee_schedules", _l("Fee schedules"), FeeSchedule, FeeSchedule.effective_from, _fee_schedules),
    Entity("grade_fees", _l("Annual fees by grade"), GradeFee, FeeSchedule.effective_from, _grade_fees),
    Entity("vouchers", _l("Vouchers"), Voucher, Voucher.valid_from, _vouchers),
    Entity("orders", _l("Service requests"), ServiceOrder, ServiceOrder.created_at, _orders),
    Entity("order_lines", _l("Fee lines"), OrderLine, ServiceOrder.created_at, _order_lines),
    Entity("payments", _l("Payments"), Payment, Payment.created_at, _payments),
    Entity("certificates", _l("Certificates"), Certificate, Certificate.issued_on, _certificates),
    Entity("notifications", _l("Notifications"), Notification, Notification.created_at, _notifications),
    Entity("job_runs", _l("Job runs"), JobRun, JobRun.started_at, _job_runs),
    Entity("audit_log", _l("Audit log"), AuditEntry, AuditEntry.at, _audit_log),
    Entity("grades", _l("Grades"), Grade, None, _grades),
    Entity("governorates", _l("Governorates"), Governorate, None, _governorates),
)}
