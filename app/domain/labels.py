"""The chamber's one catalogue of labels: every enumerated value a person may see, by family.

Codes (`pending_payment`, `cr_expired`, `ab_user`) are what the database and the code
speak; a page, an email, an SMS, a receipt, an export, the certificate and the back
office show the label instead, translated when shown. The msgids are marked with
`N_` so the catalogue stays free of Flask; `label(family, code)` gives the msgid and
`translated(family, code, gettext)` the text. A code the catalogue does not know
yet is shown as it is (never hidden), and an empty value as a dash.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from app.domain.messages import N_

EMPTY = "—"


def _family(entries: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(entries)


# The five services, in the portal's own words (menus, receipts, emails, SMS, back office).
SERVICES = _family({
    "new_membership": N_("New membership registration"),
    "renewal": N_("Membership renewal"),
    "replacement": N_("Extract your certificate"),
    "name_change": N_("Change name"),
    "grade_change": N_("Change grade"),
})

# The one-off fees of a fee schedule, by FeeSchedule field.
FEE_NAMES = _family({
    "registration_fee": N_("Registration fee"),
    "replacement_fee": N_("Replacement certificate fee"),
    "name_change_fee": N_("Name change fee"),
    "grade_change_fee": N_("Grade change fee"),
    "late_fee_per_month": N_("Late fee per month"),
})
ANNUAL_FEE = N_("Annual fee for grade %(grade)s")

# The lines of a quote and of an order, by kind.
FEE_LINES = _family({
    "year_1": N_("First-year fee"),
    "year_2": N_("Second-year fee"),
    "half_year": N_("Half-year fee"),
    "registration": FEE_NAMES["registration_fee"],
    "replacement": FEE_NAMES["replacement_fee"],
    "name_change": FEE_NAMES["name_change_fee"],
    "grade_change": FEE_NAMES["grade_change_fee"],
    "late_fee": N_("Late fee"),
    "voucher": N_("Voucher discount"),
})

ORDER_STATUSES = _family({
    "draft": N_("Draft"),
    "pending_payment": N_("Awaiting payment"),
    "review": N_("Payment under review"),
    "paid": N_("Paid"),
    "fulfilled": N_("Completed"),
    "cancelled": N_("Cancelled"),
    "expired": N_("Expired unpaid"),
    "failed": N_("Failed"),
})

PAYMENT_STATUSES = _family({
    "pending": N_("Pending"),
    "accepted": N_("Accepted"),
    "review": N_("Under review"),
    "declined": N_("Declined"),
    "cancelled": N_("Cancelled"),
    "error": N_("Error"),
    "expired": N_("Expired"),
    "superseded": N_("Superseded"),
    "duplicate": N_("Duplicate payment"),
})

# The payment gateway's verdicts, as Secure Acceptance names them.
PAYMENT_DECISIONS = _family({
    "ACCEPT": N_("Accepted"),
    "REVIEW": N_("Under review"),
    "DECLINE": N_("Declined"),
    "CANCEL": N_("Cancelled"),
    "ERROR": N_("Error"),
})

MEMBERSHIP_STATUSES = _family({
    "active": N_("Membership active"),
    "in_grace": N_("Membership in grace period"),
    "expired": N_("Membership expired"),
})

# A CR's status at the commercial registry.
CR_STATUSES = _family({
    "active": N_("Active"),
    "cancelled": N_("Cancelled"),
    "expired": N_("Expired"),
    "suspended": N_("Suspended"),
})

VOUCHER_STATUSES = _family({
    "scheduled": N_("Scheduled"),
    "active": N_("Active"),
    "expired": N_("Expired"),
    "used_up": N_("Used up"),
})

VOUCHER_KINDS = _family({
    "fixed": N_("Fixed amount"),
    "percent": N_("Percentage"),
})

NOTIFICATION_CHANNELS = _family({
    "email": N_("Email"),
    "sms": N_("SMS"),
})

NOTIFICATION_TEMPLATES = _family({
    "email_verification": N_("Email verification code"),
    "mobile_verification": N_("Mobile verification code"),
    "password_reset": N_("Password reset link"),
    "password_changed": N_("Password changed"),
    "service_fulfilled": N_("Request completed"),
    "certificate_issued": N_("Certificate issued"),
    "membership_expiring": N_("Membership expiry reminder"),
    "membership_expired": N_("Membership expired reminder"),
    "registry_name_changed": N_("Name changed at the registry"),
    "registry_grade_changed": N_("Grade changed at the registry"),
})

NOTIFICATION_STATUSES = _family({
    "queued": N_("Queued"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "failed": N_("Failed"),
})

ID_TYPES = _family({
    "civil_id": N_("Civil ID card"),
    "passport": N_("Passport"),
    "resident_card": N_("Resident card"),
})

LOGIN_METHODS = _family({
    "password": N_("Password"),
    "pki": N_("PKI (smart card or mobile ID)"),
})

LANGUAGES = _family({
    "en": N_("English"),
    "ar": N_("Arabic"),
})

JOBS = _family({
    "reminders": N_("Expiry reminders"),
    "registry_sync": N_("Registry sync"),
    "registry_full_sync": N_("Full registry sync"),
    "reconcile_payments": N_("Payment reconciliation"),
    "outbox": N_("Sending emails and SMS"),
})

JOB_TRIGGERS = _family({
    "schedule": N_("Schedule"),
    "manual": N_("Back office"),
    "cli": N_("Command line"),
})

JOB_RESULTS = _family({
    "running": N_("Running"),
    "ok": N_("Succeeded"),
    "failed": N_("Failed"),
    "skipped": N_("Skipped (another run was under way)"),
    "abandoned": N_("Abandoned (its process stopped before the end)"),
})

AUDIT_ACTIONS = _family({
    "create": N_("Record created"),
    "update": N_("Record changed"),
    "delete": N_("Record deleted"),
    "login": N_("Logged in"),
    "logout": N_("Logged out"),
    "failed_login": N_("Failed login"),
    "step_up": N_("Identity confirmed for a company"),
    "export": N_("Exported"),
    "late_payment": N_("Late payment"),
    "duplicate_payment": N_("Duplicate payment"),
    "notification_retry": N_("Message sent again"),
    "verify": N_("Audit log checked"),
    "settle": N_("Payment settled"),
    "remind": N_("Expiry reminder sent"),
    "run_job": N_("Scheduled job run from the back office"),
    "flag": N_("Registry change flagged"),
    "import": N_("Companies imported from the registry"),
})

PAYMENT_METHODS = _family({
    "cash": N_("Cash"),
    "cheque": N_("Cheque"),
    "transfer": N_("Bank transfer"),
    "card_terminal": N_("Card terminal"),
    "gateway": N_("Card (online payment gateway)"),
})

REFUND_STATUSES = _family({
    "requested": N_("Waiting for approval"),
    "rejected": N_("Rejected"),
    "approved": N_("Approved, being paid back"),
    "pending_gateway": N_("Pending at the gateway"),
    "refunded": N_("Refunded"),
    "failed": N_("Refused by the gateway"),
})

REFUND_SCOPES = _family({
    "full": N_("The whole amount paid"),
    "lines": N_("Chosen fee lines"),
    "duplicate": N_("A card payment taken twice"),
})

# Who acted, when it was not a person logged in (a person is shown by their user name).
ACTORS = _family({
    "system": N_("The system"),
    "anonymous": N_("A visitor not logged in"),
    "system:bootstrap": N_("The system (first start)"),
    "system:demo": N_("The system (demo data)"),
})
ACTOR_JOB = N_("Scheduled job: %(job)s")
ACTOR_GATEWAY = N_("Payment gateway: %(gateway)s (%(source)s)")
PAYMENT_REPLY_SOURCES = _family({
    "receipt": N_("the payer's return"),
    "notify": N_("server notification"),
    "reconcile": N_("reconciliation"),
    "search": N_("transaction search"),
})

# Record types, by table (the audit log's "entity") and by export name.
ENTITIES = _family({
    "ab_user": N_("User account"),
    "ab_role": N_("Role"),
    "member": N_("Member"),
    "company": N_("Company"),
    "companies": N_("Companies"),
    "signatory": N_("Signatory"),
    "signatories": N_("Signatories"),
    "membership": N_("Membership"),
    "memberships": N_("Memberships"),
    "members": N_("Members"),
    "grade": N_("Grade"),
    "grades": N_("Grades"),
    "governorate": N_("Governorate"),
    "fee_schedule": N_("Fee schedule"),
    "fee_schedules": N_("Fee schedules"),
    "grade_fee": N_("Annual fee"),
    "voucher": N_("Voucher"),
    "vouchers": N_("Vouchers"),
    "certificate": N_("Certificate"),
    "certificates": N_("Certificates"),
    "service_order": N_("Service request"),
    "orders": N_("Service requests"),
    "order_line": N_("Fee line"),
    "payment": N_("Payment"),
    "payments": N_("Payments"),
    "notification": N_("Notification"),
    "notifications": N_("Notifications"),
    "job_run": N_("Job run"),
    "job_runs": N_("Job runs"),
    "job_lock": N_("Job lock"),
    "registry_flag": N_("Registry flag"),
    "registry_change": N_("Registry change"),
    "registry_sync_state": N_("Registry sync state"),
    "reminder_sent": N_("Reminder sent"),
    "verification_code": N_("Verification code"),
    "login_session": N_("Login session"),
    "saml_assertion": N_("PKI login assertion"),
    "counter": N_("Counter"),
    "audit_log": N_("Audit log"),
})

REGISTRY_FLAGS = _family({
    "cr_cancelled": N_("CR cancelled at the registry"),
    "cr_expired": N_("CR expired at the registry"),
    "cr_missing": N_("CR no longer listed at the registry"),
})

REGISTRY_CHANGES = _family({
    "name": N_("Name"),
    "grade": N_("Grade"),
})

GATEWAYS = _family({
    "sandbox": N_("Sandbox (test payments)"),
    "cybersource": N_("CyberSource"),
})

BOOLEANS = _family({
    "True": N_("Yes"),
    "False": N_("No"),
})

# What the public check says of an uploaded PDF (app/certificates/signature_check.py,
# app/services/certificates/checking.py).
SIGNATURE_CHECKS = _family({
    "genuine": N_("This is a genuine certificate of the chamber, unaltered since the chamber signed it."),
    "not_pdf": N_("This file is not a PDF, so it is not a certificate issued by the chamber."),
    "malformed": N_("This PDF is damaged or malformed and could not be read: it cannot be checked."),
    "unsigned": N_("This PDF carries no digital signature: it is not a certificate as the chamber issues it, "
                   "or it was saved again or printed to PDF. Do not rely on it."),
    "altered": N_("This PDF was changed after the chamber signed it. Do not rely on it."),
    "other_signer": N_("This PDF was not signed by the chamber. Do not rely on it."),
    "no_timestamp": N_("The time-stamp of this PDF's signature is missing or not trusted. Do not rely on it."),
    "not_a_certificate": N_("This document was signed by the chamber and is unaltered, but it is not a "
                            "membership certificate."),
    "unavailable": N_("PDF files cannot be checked right now. Check the certificate by its serial number instead."),
    "too_large": N_("This file is too large to be checked."),
})

# FAB's permission names, as admins see them on a role.
PERMISSIONS = _family({
    "can_list": N_("See the list"),
    "can_show": N_("See a record"),
    "can_add": N_("Add"),
    "can_edit": N_("Edit"),
    "can_delete": N_("Delete"),
    "can_download": N_("Download"),
    "can_export": N_("Export"),
    "can_get": N_("Read through the API"),
    "can_info": N_("Read the API's description"),
    "can_post": N_("Add through the API"),
    "can_put": N_("Edit through the API"),
    "can_index": N_("Open"),
    "can_verify": N_("Check the audit log"),
    "can_reports": N_("See the reports"),
    "can_resend": N_("Send messages again"),
    "can_settle_review": N_("Settle payments under review"),
    "can_run_job": N_("Run a job"),
    "can_userinfo": N_("See own account"),
    "can_this_form_get": N_("Open the form"),
    "can_this_form_post": N_("Send the form"),
    "menu_access": N_("See in the menu"),
    "resetmypassword": N_("Change own password"),
    "userinfoedit": N_("Edit own account"),
    "resetpasswords": N_("Reset passwords"),
    "copyrole": N_("Copy a role"),
})

# Which family labels each coded column, by "table.column": the back office, the audit log,
# the exports and the API's documentation all read it here.
COLUMN_FAMILIES: Mapping[str, str] = MappingProxyType({
    "service_order.service": "service",
    "service_order.status": "order_status",
    "order_line.kind": "fee_line",
    "payment.gateway": "gateway",
    "payment.status": "payment_status",
    "payment.decision": "payment_decision",
    "company.cr_status": "cr_status",
    "voucher.kind": "voucher_kind",
    "member.id_type": "id_type",
    "member.language": "language",
    "notification.channel": "notification_channel",
    "notification.template": "notification_template",
    "notification.status": "notification_status",
    "notification.language": "language",
    "job_run.job": "job",
    "job_run.trigger": "job_trigger",
    "job_run.status": "job_result",
    "audit_log.action": "audit_action",
    "audit_log.entity": "entity",
    "registry_flag.kind": "registry_flag",
    "registry_change.kind": "registry_change",
    "counter_payment.method": "payment_method",
    "cash_entry.method": "payment_method",
    "refund.method": "payment_method",
    "refund.status": "refund_status",
    "refund.scope": "refund_scope",
})

FAMILIES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "service": SERVICES,
    "fee_name": FEE_NAMES,
    "fee_line": FEE_LINES,
    "order_status": ORDER_STATUSES,
    "payment_status": PAYMENT_STATUSES,
    "payment_decision": PAYMENT_DECISIONS,
    "payment_method": PAYMENT_METHODS,
    "refund_status": REFUND_STATUSES,
    "refund_scope": REFUND_SCOPES,
    "membership_status": MEMBERSHIP_STATUSES,
    "cr_status": CR_STATUSES,
    "voucher_kind": VOUCHER_KINDS,
    "voucher_status": VOUCHER_STATUSES,
    "notification_channel": NOTIFICATION_CHANNELS,
    "notification_template": NOTIFICATION_TEMPLATES,
    "notification_status": NOTIFICATION_STATUSES,
    "language": LANGUAGES,
    "login_method": LOGIN_METHODS,
    "id_type": ID_TYPES,
    "job": JOBS,
    "job_trigger": JOB_TRIGGERS,
    "job_result": JOB_RESULTS,
    "audit_action": AUDIT_ACTIONS,
    "entity": ENTITIES,
    "registry_flag": REGISTRY_FLAGS,
    "registry_change": REGISTRY_CHANGES,
    "gateway": GATEWAYS,
    "payment_reply_source": PAYMENT_REPLY_SOURCES,
    "boolean": BOOLEANS,
    "permission": PERMISSIONS,
    "signature_check": SIGNATURE_CHECKS,
})


def _key(code: object) -> str:
    # Enum members (StrEnum and str-mixed enums) are looked up by their value.
    value = getattr(code, "value", code)
    return str(value)


def label(family: str, code: object) -> str | None:
    """The msgid for `code` in `family`, or None when the catalogue does not know it."""
    if code is None:
        return None
    return FAMILIES[family].get(_key(code))


def translated(family: str, code: object, gettext: Callable[[str], str]) -> str:
    """`code`'s label in the reader's language; a dash for nothing, the code itself if unknown."""
    if code is None or code == "":
        return EMPTY
    msgid = label(family, code)
    return gettext(msgid) if msgid is not None else _key(code)


def actor(code: str | None, gettext: Callable[[str], str]) -> str:
    """Who made an audited change: a user name as it is, the system's own actors in words."""
    if not code:
        return EMPTY
    if code in ACTORS:
        return gettext(ACTORS[code])
    kind, _, rest = code.partition(":")
    if kind == "job" and rest:
        return gettext(ACTOR_JOB) % {"job": translated("job", rest.split(":")[0], gettext)}
    if kind == "gateway" and rest:
        gateway, _, source = rest.partition(":")
        return gettext(ACTOR_GATEWAY) % {"gateway": translated("gateway", gateway, gettext),
                                         "source": translated("payment_reply_source", source or None, gettext)}
    return code


def column_family(table: str, column: str) -> str | None:
    return COLUMN_FAMILIES.get(f"{table}.{column}")


def choices(family: str, gettext: Callable[[str], str]) -> list[tuple[str, str]]:
    """(code, label) pairs for a select box, in the catalogue's order."""
    return [(code, gettext(msgid)) for code, msgid in FAMILIES[family].items()]
