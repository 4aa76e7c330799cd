"""The chamber's own details (names, address, phone, email, website, hours, the certificate's signatory):
one settings page, used by certificates, receipts, emails, the contact page and the footer."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from app.services.settings import store
from app.services.settings.store import Setting

# Form field -> config key; the environment variable of the same name overrides it.
FIELDS = {
    "name_en": "CHAMBER_NAME_EN", "name_ar": "CHAMBER_NAME_AR",
    "address_en": "CHAMBER_ADDRESS_EN", "address_ar": "CHAMBER_ADDRESS_AR",
    "phone": "CHAMBER_PHONE", "email": "CHAMBER_EMAIL", "website": "CHAMBER_WEBSITE",
    "hours_en": "CHAMBER_HOURS_EN", "hours_ar": "CHAMBER_HOURS_AR",
    "signatory_name_en": "CHAMBER_SIGNATORY_NAME_EN", "signatory_name_ar": "CHAMBER_SIGNATORY_NAME_AR",
    "signatory_title_en": "CHAMBER_SIGNATORY_TITLE_EN", "signatory_title_ar": "CHAMBER_SIGNATORY_TITLE_AR",
}
SETTINGS = {field: Setting(key, (key,)) for field, key in FIELDS.items()}
EMBLEM = Setting("CHAMBER_EMBLEM", ("CHAMBER_EMBLEM",))


@dataclass(frozen=True)
class ChamberDetails:
    name_en: str
    name_ar: str
    address_en: str
    address_ar: str
    phone: str
    email: str
    website: str
    hours_en: str
    hours_ar: str
    signatory_name_en: str
    signatory_name_ar: str
    signatory_title_en: str
    signatory_title_ar: str

    def in_language(self, field: str, language: str) -> str:
        """`name`, `address`, ... in `language`, falling back to the other language when empty."""
        first, second = (f"{field}_ar", f"{field}_en") if language == "ar" else (f"{field}_en", f"{field}_ar")
        return getattr(self, first) or getattr(self, second)

    def message_placeholders(self, language: str) -> dict[str, str]:
        """The chamber_* placeholders every message text may use."""
        return {"chamber_name": self.in_language("name", language), "chamber_phone": self.phone,
                "chamber_email": self.email, "chamber_website": self.website}


DETAILS_KEY = store.CACHE_PREFIX + "_details"


def chamber_details(config: Mapping[str, Any] | None = None) -> ChamberDetails:
    """The chamber's details in force: an environment variable, else the back office, else the defaults.

    Kept while this process's copy of the saved settings is (a bulk run renders thousands of messages)."""
    saved = store.saved_settings()
    cached = current_app.extensions.get(DETAILS_KEY)
    if config is None and cached is not None and cached[0] is saved:
        return cached[1]
    details = ChamberDetails(**{field: str(store.effective(setting, config).value or "")
                                for field, setting in SETTINGS.items()})
    if config is None:
        current_app.extensions[DETAILS_KEY] = (saved, details)
    return details


def details_form_state(config: Mapping[str, Any] | None = None) -> dict[str, store.Effective]:
    return {field: store.effective(setting, config) for field, setting in SETTINGS.items()}


def save_details(session: Session, values: Mapping[str, str], user_id: int | None) -> list[str]:
    """Saves the details typed in the back office (fields overridden by the environment are left); commits."""
    wanted = {}
    for field, setting in SETTINGS.items():
        if field in values and not store.effective(setting).overridden:
            wanted[setting.key] = (values[field] or "").strip()
    changed = store.save(session, wanted, user_id)
    session.commit()
    store.forget_cached()
    return changed


def chamber_details_or_defaults() -> ChamberDetails:
    """For places that may run outside a working database (error pages): the configured defaults then."""
    try:
        return chamber_details()
    except Exception:  # the database is down: the outage page still names the chamber
        config = current_app.config
        return ChamberDetails(**{field: str(config.get(key) or "") for field, key in FIELDS.items()})


# --- the emblem ---------------------------------------------------------------------

EMBLEM_FOLDER = "chamber"


def emblem_path(config: Mapping[str, Any] | None = None) -> Path | None:
    """The emblem printed on certificates: CHAMBER_EMBLEM (a path) when set in the environment or config,
    replaced by an upload saved in the back office (kept under the instance folder)."""
    config = current_app.config if config is None else config
    current = store.effective(EMBLEM, config)
    if current.source == store.BACK_OFFICE:
        return Path(config["INSTANCE_DIR"]) / EMBLEM_FOLDER / str(current.value)
    return Path(current.value) if current.value else None
