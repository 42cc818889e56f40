"""Property staff: front desk, maintenance, supervisors and admins."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

STAFF_ROLES = ("staff", "supervisor", "admin")


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(11), unique=True)
    openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(12))  # staff | supervisor | admin
    skills: Mapped[str] = mapped_column(String(200), default="")  # "|"-separated categories
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))

    @property
    def skill_set(self) -> frozenset[str]:
        return frozenset(skill for skill in self.skills.split("|") if skill)
