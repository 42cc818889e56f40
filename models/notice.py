"""Notices (停水、停电、电梯维保 …): what was announced to which homes, and to whom it went (docs/notices.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import AwareDateTime

NOTICE_TEXT_MAX = 300


class Notice(Base):
    """One announcement to the homes in its scope: the whole estate, some buildings or some units.

    ``buildings`` and ``units`` are lists of building codes ("3") and building-unit pairs ("3-2");
    both empty means the whole estate. The steps already queued for every recipient are recorded
    (``announced_at`` …) so that the scheduler queues each once.
    """

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_estate_status", "estate", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    estate: Mapped[str] = mapped_column(ForeignKey("estates.code"))
    kind: Mapped[str] = mapped_column(String(10))  # 停水, 停电, 电梯维保, 消防演练, 消杀, 台风预警, 其他
    buildings: Mapped[list[str]] = mapped_column(JSON, default=list)
    units: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime())
    ends_at: Mapped[datetime] = mapped_column(AwareDateTime())
    text: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10))  # draft, active, ended, cancelled
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))  # made from a merged report
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    announced_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(AwareDateTime())


class NoticeRecipient(Base):
    """An account a notice goes to, fixed when it is announced; ``channel`` is how the announcement went."""

    __tablename__ = "notice_recipients"
    __table_args__ = (UniqueConstraint("notice_id", "openid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    home_id: Mapped[int | None] = mapped_column(ForeignKey("homes.id"))  # None: a reporter of the ticket only
    reporter: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(20))  # customer_service, template, or none (unreachable)
