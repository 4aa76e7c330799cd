"""Reference data: the chamber's grades and Oman's governorates."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Audited, BilingualName


class Grade(BilingualName, Audited, Model):
    __tablename__ = "grade"
    __table_args__ = (CheckConstraint("rank >= 0", name="ck_grade_rank"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    name_en: Mapped[str] = mapped_column(String(60), nullable=False)
    name_ar: Mapped[str] = mapped_column(String(60), nullable=False)
    # 0 is the highest grade (Excellent), 4 the lowest (Fourth).
    rank: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)

    def __repr__(self) -> str:
        return self.name_en


class Governorate(BilingualName, Audited, Model):
    __tablename__ = "governorate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True, nullable=False)
    name_en: Mapped[str] = mapped_column(String(80), nullable=False)
    name_ar: Mapped[str] = mapped_column(String(80), nullable=False)

    def __repr__(self) -> str:
        return self.name_en
