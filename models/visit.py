"""Return visits (回访) after work is done, and the owners' satisfaction scores."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.enums import VisitStatus, checked
from models.types import AwareDateTime

VISIT_STATUSES = ("scheduled", "sent", "answered", "phone")  # phone: no answer, staff call the owner


class ReturnVisit(Base):
    __tablename__ = "return_visits"
    __table_args__ = (Index("ix_return_visits_openid_status", "openid", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    openid: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    status: Mapped[VisitStatus] = mapped_column(checked(VisitStatus, 10, "status"), default=VisitStatus.SCHEDULED)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(AwareDateTime())


class BindingAttempt(Base):
    """A try at binding a home; five failures in a day lock binding for that openid that day."""

    __tablename__ = "binding_attempts"
    __table_args__ = (Index("ix_binding_attempts_openid_at", "openid", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    succeeded: Mapped[bool] = mapped_column(default=False)
