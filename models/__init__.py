"""Ghurfa's tables, one module per aggregate; importing this package registers them all."""
from models.reference import Governorate, Grade  # noqa: F401
from models.fees import FeeSchedule, GradeFee, Voucher, VoucherRedemption  # noqa: F401
from models.company import Company, Signatory  # noqa: F401
from models.membership import Membership  # noqa: F401
from models.certificate import Certificate  # noqa: F401
from models.order import OrderLine, Payment, ServiceOrder  # noqa: F401
from models.account import Member  # noqa: F401
from models.notification import Notification  # noqa: F401
from models.audit import AuditEntry  # noqa: F401
from models.jobs import JobRun  # noqa: F401
from models.counter import Counter  # noqa: F401
from models.saml import SamlAssertion  # noqa: F401
from models.verification import VerificationCode  # noqa: F401
from models.login_session import LoginSession  # noqa: F401
from models.jobs import JobLock  # noqa: F401
from models.reminder import ReminderSent  # noqa: F401
from models.registry_sync import RegistryChange, RegistryFlag, RegistrySyncState  # noqa: F401
from models.operations import SchedulerHeartbeat  # noqa: F401
from models.refund import Refund  # noqa: F401
from models.counter_service import CashEntry, CashUp, CounterPayment, CounterVisit  # noqa: F401
from models.signed_pdf import SignedCertificatePdf  # noqa: F401
from models.settings import ChamberSetting, MessageTemplateVersion  # noqa: F401
