"""Role names and what each role may do in the back office, as Flask-AppBuilder built-in roles.

Built-in roles are checked in memory (no database query per check) and are re-created
idempotently at every start. Admin is Flask-AppBuilder's own database role that receives
every permission automatically.
"""

ADMIN = "Admin"
STAFF = "Staff"
AUDITOR = "Auditor"
MEMBER = "Member"
PUBLIC = "Public"

READ_PERMISSIONS = "can_list|can_show|can_get|can_info|can_download|can_export|menu_access"
WRITE_PERMISSIONS = "can_add|can_edit|can_delete|can_post|can_put"

# Views (by class name) staff manage; fee schedules, grades and vouchers are read-only to them.
STAFF_MANAGED_VIEWS = (
    "CompanyView|SignatoryView|MembershipView|CertificateView|ServiceOrderView"
    "|OrderLineView|PaymentView|DuplicatePaymentView|NotificationView|RegistryFlagView|JobRunView"
    "|CounterView|RefundView|CounterVisitView"
)
STAFF_READ_VIEWS = (
    "GradeView|FeeScheduleView|GradeFeeView|VoucherView|VoucherRedemptionView|GovernorateView|MemberView"
)
# Approving a refund (can_approve_refund) and running a job (ScheduledJobsView) are the Admin's alone.
STAFF_ACTIONS = ("can_settle_review|can_resend|can_run_job|can_revoke|can_reissue|can_archive|can_remind"
                 "|can_serve|can_cash_up|can_close_day|can_request_refund")

# The read-only REST API (views/api) with its OpenAPI document and Swagger UI: Auditor and Admin only.
API_VIEWS = (
    "GradeApi|GovernorateApi|MemberApi|CompanyApi|SignatoryApi|MembershipApi|FeeScheduleApi|GradeFeeApi"
    "|VoucherApi|ServiceOrderApi|OrderLineApi|PaymentApi|CertificateApi|NotificationApi|JobRunApi|AuditEntryApi"
)

# Menus staff can open (menu_access on menu names). The Audit menu holds only auditors' pages.
BACK_OFFICE_MENUS = "Chamber|Members|Payments|Operations|Reports"
# What auditors read: everything but the members' own portal (its dashboard is no back-office page).
AUDITOR_READ_VIEWS = "^(?!E-services dashboard$|MemberPortalView$|MemberProfileView$).*"

FAB_ROLES = {
    ADMIN: [[".*", ".*"]],
    STAFF: [
        [f"^({STAFF_MANAGED_VIEWS})$", f"^({READ_PERMISSIONS}|{WRITE_PERMISSIONS}|{STAFF_ACTIONS})$"],
        [f"^({STAFF_READ_VIEWS})$", f"^({READ_PERMISSIONS})$"],
        [f"^({BACK_OFFICE_MENUS}|Companies|Signatories|Memberships|Certificates|Service requests"
         "|Payments|Duplicate payments|Notifications|Registry flags|Job runs|Grades|Fee schedules|Vouchers|Governorates"
         "|Member accounts|Refunds|Cash-up|Counter visits)$",
         "^menu_access$"],
        ["^(UserInfoEditView|ResetMyPasswordView|UserDBModelView)$", "^(can_this_form_get|can_this_form_post|can_userinfo|userinfoedit|resetmypassword)$"],
        ["^ReportsView$", "^(can_.*|menu_access)$"],
    ],
    AUDITOR: [
        # Read everything the back office shows, including users and the audit log; never write.
        [AUDITOR_READ_VIEWS, f"^({READ_PERMISSIONS})$"],
        ["^(AuditLogView|ExportView|ReportsView|AuditVerifyView)$", "^(can_verify|can_export|can_reports|can_index)$"],
        ["^(UserDBModelView)$", "^(can_userinfo)$"],
        ["^CounterView$", "^can_cash_up$"],
        [f"^({API_VIEWS}|OpenApi|SwaggerView)$", "^(can_get|can_info|can_show)$"],
    ],
    MEMBER: [
        # SelfServiceView and its wizards: SelfServiceRenewalView, SelfServiceReceiptView, ...
        ["^(MemberPortalView|MemberProfileView|SelfService[A-Za-z]*View|MemberCertificateView)$", "^(can_.*)$"],
        ["^E-services dashboard$", "^menu_access$"],
    ],
}
