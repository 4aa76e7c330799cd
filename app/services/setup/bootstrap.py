"""Bringing a database up to date: schema, roles, permissions, reference data and (in development) demo data."""
from __future__ import annotations

import logging

from flask import Flask, current_app
from sqlalchemy import select

from app.extensions import bind_migrations, db
from app.services.audit.trail import acting_as
from models import Governorate, Grade

log = logging.getLogger("ghurfa.bootstrap")

GRADES = (
    ("excellent", "Excellent", "الممتازة", 0),
    ("first", "First", "الأولى", 1),
    ("second", "Second", "الثانية", 2),
    ("third", "Third", "الثالثة", 3),
    ("fourth", "Fourth", "الرابعة", 4),
)

GOVERNORATES = (
    ("muscat", "Muscat Governorate", "محافظة مسقط"),
    ("dhofar", "Dhofar Governorate", "محافظة ظفار"),
    ("musandam", "Musandam Governorate", "محافظة مسندم"),
    ("buraimi", "Al Buraimi Governorate", "محافظة البريمي"),
    ("dakhiliyah", "Ad Dakhiliyah Governorate", "محافظة الداخلية"),
    ("north_batinah", "North Al Batinah Governorate", "محافظة شمال الباطنة"),
    ("south_batinah", "South Al Batinah Governorate", "محافظة جنوب الباطنة"),
    ("south_sharqiyah", "South Ash Sharqiyah Governorate", "محافظة جنوب الشرقية"),
    ("north_sharqiyah", "North Ash Sharqiyah Governorate", "محافظة شمال الشرقية"),
    ("dhahirah", "Ad Dhahirah Governorate", "محافظة الظاهرة"),
    ("wusta", "Al Wusta Governorate", "محافظة الوسطى"),
)


def prepare_database(*, demo: bool | None = None) -> None:
    """Idempotent: migrate, ensure roles and permissions, reference data, then demo data once."""
    from flask_migrate import upgrade

    bind_migrations(current_app._get_current_object())
    upgrade()
    appbuilder = current_app.appbuilder
    appbuilder.sm.ensure_roles()
    appbuilder.add_permissions(update_perms=True)
    with acting_as("system:bootstrap"):
        load_reference_data()
        db.session.commit()
    if demo if demo is not None else current_app.config.get("LOAD_DEMO_DATA"):
        from app.services.setup.demo import load_demo_data

        load_demo_data(only_once=True)


def load_reference_data() -> None:
    """The chamber's five grades and Oman's eleven governorates, added when missing."""
    have = set(db.session.scalars(select(Grade.code)))
    for code, name_en, name_ar, rank in GRADES:
        if code not in have:
            db.session.add(Grade(code=code, name_en=name_en, name_ar=name_ar, rank=rank))
    have = set(db.session.scalars(select(Governorate.code)))
    for code, name_en, name_ar in GOVERNORATES:
        if code not in have:
            db.session.add(Governorate(code=code, name_en=name_en, name_ar=name_ar))


def serve_development(app: Flask) -> None:
    with app.app_context():
        prepare_database()
    log.info("Ghurfa is serving on http://127.0.0.1:5000 (development; mail and SMS go to %s)",
             app.config["OUTBOX_DIR"])
    if app.config.get("SCHEDULER_IN_DEV_SERVER"):
        from jobs.scheduler import build_scheduler

        build_scheduler(app, background=True).start()
        log.warning("SCHEDULER_IN_DEV_SERVER: the job scheduler runs inside this development server. "
                    "In production run it as its own process: `flask jobs scheduler`.")
    app.run(host="127.0.0.1", port=5000, debug=False, use_reloader=False)
