"""Gate passes: visitor passes (访客) and release permits (放行条) that the guard checks by code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.enums import PassKind, PassStatus, checked
from models.types import AwareDateTime

PASS_KINDS = tuple(PassKind)
PASS_STATUSES = ("pending_owner", "active", "used", "cancelled", "rejected")


class GatePass(Base):
    __tablename__ = "gate_passes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PassKind] = mapped_column(checked(PassKind, 10, "kind"))
    code: Mapped[str] = mapped_column(String(16), unique=True)  # what the guard types or scans
    number: Mapped[str] = mapped_column(String(20), unique=True)  # V… for visitors, the P… ticket for releases
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    home_id: Mapped[int] = mapped_column(ForeignKey("homes.id"), index=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)  # who asked for it
    visitor_name: Mapped[str | None] = mapped_column(String(50))
    plate: Mapped[str | None] = mapped_column(String(12))
    people: Mapped[int | None] = mapped_column(Integer)
    items: Mapped[str | None] = mapped_column(Text)  # what is taken out, for a release permit
    valid_from: Mapped[datetime] = mapped_column(AwareDateTime())
    valid_until: Mapped[datetime] = mapped_column(AwareDateTime())
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[PassStatus] = mapped_column(checked(PassStatus, 14, "status"), default=PassStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
