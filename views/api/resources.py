"""Read-only API resources: what each returns, never a password hash, card datum, token or message body.

Only GET routes exist (list, one record, info), so a write method is answered 405;
permissions are `can_get`/`can_info`, which only Auditor and Admin hold. The browser
session of a logged-in auditor works, as does a JWT from /api/v1/security/login.
"""
from __future__ import annotations

import datetime as dt

from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.api.convert import Model2SchemaConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from marshmallow import fields

from app.domain import labels
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


class UtcDateTime(fields.DateTime):
    """Timestamps are stored as naive UTC; the API says so (RFC 3339 with +00:00), as its document promises."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class ChamberSchemaConverter(Model2SchemaConverter):
    """FAB's converter, with timestamps in UTC and optional relations documented as possibly null."""

    def _column2field(self, datamodel, column, nested=True, parent_schema_name=None):
        field = super()._column2field(datamodel, column, nested=nested, parent_schema_name=parent_schema_name)
        if type(field) is fields.DateTime:
            field = UtcDateTime(required=field.required, allow_none=field.allow_none, dump_only=field.dump_only)
        elif isinstance(field, fields.Nested) and datamodel.is_relation(column.name):
            relation = getattr(datamodel.obj, column.name).property
            field.allow_none = all(c.nullable for c in relation.local_columns)
        family = labels.column_family(getattr(datamodel.obj, "__tablename__", ""), column.name)
        if family is not None:
            field.metadata["description"] = coded_values_description(family)
        return field


def coded_values_description(family: str) -> str:
    """The codes a coded column holds and what each means, for the OpenAPI document."""
    meanings = "; ".join(f"`{code}`: {meaning}" for code, meaning in labels.FAMILIES[family].items())
    return f"A code. {meanings}."


class ReadOnlyApi(ModelRestApi):
    model2schemaconverter = ChamberSchemaConverter
    base_permissions = ["can_get", "can_info"]
    include_route_methods = {"get", "get_list", "info"}
    allow_browser_login = True
    page_size = 50
    max_page_size = 500
    base_order = ("id", "asc")

    # Nothing can be added or edited here, so `_info` describes no form: FAB would list every column
    # (message bodies included) and the names of every related record (all users, say). Its add and
    # edit field lists are both built by this one method.
    def _get_fields_info(self, cols, model_schema, filter_rel_fields, **kwargs) -> list:
        return []

    def operation_helper(self, path=None, operations=None, methods=None, func=None, **kwargs) -> None:
        super().operation_helper(path=path, operations=operations, methods=methods, func=func, **kwargs)
        # Where FAB's own document disagrees with what FAB does, the document is put right:
        # a record key is what the route's int converter and an INTEGER column take, a list's
        # `ids` are integers here, and `_info` describes form fields as a list.
        name = getattr(func, "__name__", None)
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if isinstance(parameter, dict) and parameter.get("in") == "path" and parameter.get("name") == "pk":
                    parameter["schema"] = {"type": "integer", "minimum": 0, "maximum": 2_147_483_647}
        if name in ("get_list", "info") and "get" in operations:
            responses = operations["get"]["responses"]
            properties = (responses.get(200) or responses["200"])["content"]["application/json"]["schema"]["properties"]
            if name == "get_list":
                properties["ids"]["items"] = {"type": "integer"}
            else:
                for key in ("add_columns", "edit_columns"):
                    properties[key] = {"type": "array", "items": {"type": "object"}}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Filters and ordering work on the columns a record shows.
        if "list_columns" in cls.__dict__:
            cls.show_columns = cls.__dict__.get("show_columns", cls.list_columns)
            cls.search_columns = cls.__dict__.get(
                "search_columns", [c for c in cls.list_columns if "." not in c and c != "id"])
            cls.order_columns = cls.__dict__.get(
                "order_columns", [c for c in cls.list_columns if "." not in c])


class GradeApi(ReadOnlyApi):
    resource_name = "grade"
    datamodel = SQLAInterface(Grade)
    list_columns = ["id", "code", "name_en", "name_ar", "rank"]


class GovernorateApi(ReadOnlyApi):
    resource_name = "governorate"
    datamodel = SQLAInterface(Governorate)
    list_columns = ["id", "code", "name_en", "name_ar"]


class MemberApi(ReadOnlyApi):
    resource_name = "member"
    datamodel = SQLAInterface(Member)
    list_columns = ["id", "user.username", "user.email", "user.active", "first_name", "middle_name",
                    "family_name", "mobile", "country", "id_type", "id_number", "cr_number", "language",
                    "email_verified_at", "mobile_verified_at", "created_at", "updated_at"]


class CompanyApi(ReadOnlyApi):
    resource_name = "company"
    datamodel = SQLAInterface(Company)
    list_columns = ["id", "cr_number", "name_en", "name_ar", "registry_name_en", "registry_name_ar", "address",
                    "governorate.code", "registry_grade.code", "cr_status", "cr_expires_on", "registry_updated_at",
                    "created_at", "updated_at"]


class SignatoryApi(ReadOnlyApi):
    resource_name = "signatory"
    datamodel = SQLAInterface(Signatory)
    list_columns = ["id", "company.cr_number", "civil_id", "name_en", "name_ar", "role", "active", "created_at"]


class MembershipApi(ReadOnlyApi):
    resource_name = "membership"
    datamodel = SQLAInterface(Membership)
    list_columns = ["id", "occi_number", "company.cr_number", "grade.code", "joined_on",
                    "expires_on", "created_at", "updated_at"]


class FeeScheduleApi(ReadOnlyApi):
    resource_name = "fee_schedule"
    datamodel = SQLAInterface(FeeSchedule)
    list_columns = ["id", "effective_from", "note", "registration_fee", "replacement_fee", "name_change_fee",
                    "grade_change_fee", "late_fee_per_month", "created_at"]


class GradeFeeApi(ReadOnlyApi):
    resource_name = "grade_fee"
    datamodel = SQLAInterface(GradeFee)
    list_columns = ["id", "schedule.effective_from", "grade.code", "annual_fee"]


class VoucherApi(ReadOnlyApi):
    resource_name = "voucher"
    datamodel = SQLAInterface(Voucher)
    list_columns = ["id", "code", "description", "kind", "value", "valid_from", "valid_to", "use_limit",
                    "times_used", "created_at"]


class ServiceOrderApi(ReadOnlyApi):
    resource_name = "order"
    datamodel = SQLAInterface(ServiceOrder)
    list_columns = ["id", "reference", "service", "status", "user.username", "company.cr_number",
                    "membership.occi_number", "fee_schedule.effective_from", "voucher.code", "quoted_on", "period_months", "total", "currency",
                    "expires_at", "paid_at", "fulfilled_at", "created_at"]


class OrderLineApi(ReadOnlyApi):
    resource_name = "order_line"
    datamodel = SQLAInterface(OrderLine)
    list_columns = ["id", "order.reference", "position", "kind", "amount"]


class PaymentApi(ReadOnlyApi):
    resource_name = "payment"
    datamodel = SQLAInterface(Payment)
    list_columns = ["id", "order.reference", "gateway", "transaction_uuid", "gateway_transaction_id", "amount", "currency",
                    "status", "decision", "reason_code", "message", "reply_fields", "created_at", "replied_at"]


class CertificateApi(ReadOnlyApi):
    resource_name = "certificate"
    datamodel = SQLAInterface(Certificate)
    list_columns = ["id", "serial", "membership.occi_number", "issued_on", "expires_on",
                    "superseded_by.serial",
                    "created_at"]


class NotificationApi(ReadOnlyApi):
    resource_name = "notification"
    datamodel = SQLAInterface(Notification)
    list_columns = ["id", "user.username", "channel", "recipient", "template", "language", "subject", "status",
                    "attempts", "next_attempt_at", "last_error", "sent_at", "created_at"]


class JobRunApi(ReadOnlyApi):
    resource_name = "job_run"
    datamodel = SQLAInterface(JobRun)
    list_columns = ["id", "job", "trigger", "started_at", "finished_at", "status", "counts", "error"]


class AuditEntryApi(ReadOnlyApi):
    resource_name = "audit_log"
    datamodel = SQLAInterface(AuditEntry)
    base_order = ("seq", "asc")
    list_columns = ["id", "seq", "at", "actor", "user_id", "action", "entity", "entity_id", "before", "after",
                    "prev_hash", "hash"]


READ_ONLY_APIS = (
    GradeApi, GovernorateApi, MemberApi, CompanyApi, SignatoryApi, MembershipApi, FeeScheduleApi, GradeFeeApi,
    VoucherApi, ServiceOrderApi, OrderLineApi, PaymentApi, CertificateApi, NotificationApi, JobRunApi,
    AuditEntryApi,
)
