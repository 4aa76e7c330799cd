"""Every message the portal sends: its channels, the placeholders its texts may use, and sample values.

The back office's template editor lists these placeholders beside each text and refuses a
text that uses any other name; previews render with the samples. `chamber_*` placeholders
(the chamber's details, as set in the back office) are offered to every message.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.domain.messages import N_

EMAIL = "email"
SMS = "sms"
CHANNELS = (EMAIL, SMS)
LANGUAGES = ("ar", "en")

PLACEHOLDERS = {
    "name": N_("The member's name"),
    "code": N_("The verification code"),
    "minutes": N_("Minutes the code or link stays valid"),
    "link": N_("The password reset link"),
    "login_url": N_("The login page's address"),
    "company": N_("The company's name"),
    "occi_number": N_("The membership's OCCI number"),
    "expires_on": N_("The membership's expiry date"),
    "days": N_("Days before the expiry date (after it, in the reminder after expiry): the reminder's offset"),
    "reference": N_("The request's reference"),
    "certificate_url": N_("The certificate's download address (empty when none was issued)"),
    "renewal_url": N_("The renewal service's address"),
    "service": N_("The service's name"),
    "outcome": N_("What the service did"),
    "next_steps": N_("What the member may do next"),
    "receipt_url": N_("The receipt's address"),
    "amount": N_("The amount"),
    "refund": N_("The refund's number"),
    "credit_note": N_("The credit note's number"),
    "old_grade": N_("The membership's grade"),
    "new_grade": N_("The grade the registry lists"),
    "old_name": N_("The company's name at the chamber"),
    "new_name": N_("The company's name at the registry"),
    "service_url": N_("The service's address"),
    "chamber_name": N_("The chamber's name"),
    "chamber_phone": N_("The chamber's phone"),
    "chamber_email": N_("The chamber's email"),
    "chamber_website": N_("The chamber's website"),
}
CHAMBER_PLACEHOLDERS = ("chamber_name", "chamber_phone", "chamber_email", "chamber_website")


@dataclass(frozen=True)
class MessageKind:
    name: str  # the shipped file's stem under app/templates/messages/
    title: str  # msgid
    channels: tuple[str, ...]
    placeholders: tuple[str, ...]

    @property
    def allowed(self) -> frozenset[str]:
        return frozenset(self.placeholders) | frozenset(CHAMBER_PLACEHOLDERS)


MESSAGES: dict[str, MessageKind] = {kind.name: kind for kind in (
    MessageKind("email_verification", N_("Email verification code"), (EMAIL,), ("name", "code", "minutes")),
    MessageKind("mobile_verification", N_("Mobile verification code"), (SMS,), ("code",)),
    MessageKind("password_reset", N_("Password reset"), (EMAIL,), ("name", "link", "minutes")),
    MessageKind("password_changed", N_("Password changed"), (EMAIL,), ("name", "login_url")),
    MessageKind("service_fulfilled", N_("Service completed"), (EMAIL, SMS),
                ("name", "service", "outcome", "next_steps", "reference", "occi_number", "expires_on",
                 "receipt_url", "certificate_url")),
    MessageKind("certificate_issued", N_("Certificate issued"), (EMAIL, SMS),
                ("name", "company", "occi_number", "expires_on", "reference", "certificate_url")),
    MessageKind("membership_expiring", N_("Reminder before expiry"), (EMAIL, SMS),
                ("name", "company", "occi_number", "expires_on", "days", "renewal_url")),
    MessageKind("membership_expired", N_("Reminder after expiry"), (EMAIL, SMS),
                ("name", "company", "occi_number", "expires_on", "days", "renewal_url")),
    MessageKind("registry_name_changed", N_("Registry lists a new name"), (EMAIL, SMS),
                ("name", "company", "old_name", "new_name", "service_url")),
    MessageKind("registry_grade_changed", N_("Registry lists a new grade"), (EMAIL, SMS),
                ("name", "company", "old_grade", "new_grade", "service_url")),
    MessageKind("refund_issued", N_("Refund paid"), (EMAIL, SMS),
                ("name", "reference", "refund", "service", "amount", "credit_note")),
)}

# Values a preview and a test message are rendered with, per language.
SAMPLES = {
    "en": {"name": "Salim Al Harthy", "code": "482915", "minutes": 15, "company": "Promising Projects LLC",
           "occi_number": "91868", "expires_on": "31 March 2027", "days": 7, "reference": "SR-2026-000123",
           "service": "Renewal", "outcome": "Your membership has been renewed for one year.",
           "next_steps": "Your new certificate is attached.", "amount": "RO 25.000", "refund": "RF-000045",
           "credit_note": "CN-000045", "old_grade": "Fourth", "new_grade": "Third",
           "old_name": "Promising Projects", "new_name": "Promising Projects Holding"},
    "ar": {"name": "سالم الحارثي", "code": "482915", "minutes": 15, "company": "المشاريع الواعدة ش.م.م",
           "occi_number": "91868", "expires_on": "31 مارس 2027", "days": 7, "reference": "SR-2026-000123",
           "service": "تجديد العضوية", "outcome": "جُددت عضويتكم لسنة واحدة.",
           "next_steps": "شهادتكم الجديدة مرفقة.", "amount": "25.000 ر.ع.", "refund": "RF-000045",
           "credit_note": "CN-000045", "old_grade": "الرابعة", "new_grade": "الثالثة",
           "old_name": "المشاريع الواعدة", "new_name": "المشاريع الواعدة القابضة"},
}
SAMPLE_LINKS = ("link", "login_url", "certificate_url", "renewal_url", "receipt_url", "service_url")


def sample_context(kind: MessageKind, language: str, base_url: str) -> dict[str, object]:
    """The placeholders of `kind` filled with sample values in `language` (links on `base_url`)."""
    values = dict(SAMPLES["ar" if language == "ar" else "en"])
    for link in SAMPLE_LINKS:
        values[link] = f"{base_url.rstrip('/')}/sample/{link.replace('_url', '')}"
    return {name: values.get(name, "") for name in kind.placeholders}
