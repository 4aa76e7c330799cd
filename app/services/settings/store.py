"""Reading and saving back-office settings: an environment variable wins, then the back office, then config.

Every process keeps the saved settings for SETTINGS_CACHE_SECONDS (one query per period), so
a change reaches the web workers and the scheduler process within that time without a restart;
the process that saves forgets its copy at once. Each setting names the environment variables
that override it, so its page can say when one does.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extensions import db
from models import ChamberSetting

CACHE_PREFIX = "ghurfa_settings"  # every cache of back-office settings is kept under a key starting so
CACHE_KEY = CACHE_PREFIX + "_cache"
ENVIRONMENT = "environment"
BACK_OFFICE = "back_office"
DEFAULT = "default"


@dataclass(frozen=True)
class Setting:
    key: str  # the config key it replaces
    env: tuple[str, ...]  # environment variables that override it (any one set: it is overridden)
    from_env: Callable[[Mapping[str, Any]], Any] | None = None  # the value when overridden; config's by default


@dataclass(frozen=True)
class Effective:
    value: Any
    source: str  # environment, back_office or default
    env: tuple[str, ...]

    @property
    def overridden(self) -> bool:
        return self.source == ENVIRONMENT


def _env_set(names: tuple[str, ...]) -> bool:
    return any(os.environ.get(name) not in (None, "") for name in names)


def saved_settings() -> dict[str, Any]:
    """Every saved setting by key, from this process's copy while it is fresh."""
    app = current_app._get_current_object()
    cached = app.extensions.get(CACHE_KEY)
    ttl = float(app.config.get("SETTINGS_CACHE_SECONDS", 30))
    if cached is not None and time.monotonic() - cached[0] < ttl:
        return cached[1]
    values = {row.key: row.value for row in db.session.scalars(select(ChamberSetting))}
    app.extensions[CACHE_KEY] = (time.monotonic(), values)
    return values


def forget_cached() -> None:
    current_app.extensions.pop(CACHE_KEY, None)


def forget_all(app) -> None:
    """Drops this process's copies of the settings and message texts (a test that empties the tables)."""
    for key in [key for key in app.extensions if str(key).startswith(CACHE_PREFIX)]:
        app.extensions.pop(key, None)


def effective(setting: Setting, config: Mapping[str, Any] | None = None) -> Effective:
    config = current_app.config if config is None else config
    if _env_set(setting.env):
        value = setting.from_env(config) if setting.from_env else config.get(setting.key)
        return Effective(value, ENVIRONMENT, setting.env)
    saved = saved_settings()
    if setting.key in saved and saved[setting.key] is not None:
        return Effective(saved[setting.key], BACK_OFFICE, setting.env)
    return Effective(config.get(setting.key), DEFAULT, setting.env)


def save(session: Session, values: Mapping[str, Any], user_id: int | None) -> list[str]:
    """Writes the settings that changed (audited with the table); returns their keys. No commit."""
    changed = []
    for key, value in values.items():
        row = session.get(ChamberSetting, key)
        if row is None:
            session.add(ChamberSetting(key=key, value=value, updated_by_id=user_id))
            changed.append(key)
        elif row.value != value:
            row.value = value
            row.updated_by_id = user_id
            changed.append(key)
    forget_cached()
    return changed
