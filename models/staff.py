"""Property staff: front desk, maintenance, supervisors and admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.enums import StaffRole, checked
from models.types import AwareDateTime

STAFF_ROLES = tuple(StaffRole)


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(11), unique=True)
    openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    role: Mapped[StaffRole] = mapped_column(checked(StaffRole, 12, "role"))
    skills: Mapped[str] = mapped_column(String(200), default="")  # "|"-separated categories
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2, set through a console invite
    password_changed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())  # older sessions end
    failed_signins: Mapped[int] = mapped_column(Integer, default=0)  # in a row; reset by a good one
    locked_until: Mapped[datetime | None] = mapped_column(AwareDateTime())

    @property
    def skill_set(self) -> frozenset[str]:
        return frozenset(skill for skill in self.skills.split("|") if skill)


class StaffEstate(Base):
    """An estate a staff member serves. Admins serve the whole company and need no rows."""

    __tablename__ = "staff_estates"
    __table_args__ = (UniqueConstraint("staff_id", "estate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    estate: Mapped[str] = mapped_column(ForeignKey("estates.code"))


class StaffBindingCode(Base):
    """A one-time code an admin hands a staff member, who sends it from WeChat to bind that account.

    Only the code's hash is kept; a code works once, for one staff member, until it expires.
    """

    __tablename__ = "staff_binding_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime())
    used_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    used_by: Mapped[str | None] = mapped_column(String(64))  # the openid that was bound
