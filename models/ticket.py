"""Tickets (工单) with their event history and SLA deadlines."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.enums import ComplaintTier, TicketStatus, checked
from models.types import AwareDateTime

# Widths the code cuts owners' words to before storing them.
PLACE_MAX = 100
DESCRIPTION_MAX = 500
NOTE_MAX = 500


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_kind_status", "kind", "status"),
                      Index("ix_tickets_estate_created", "estate", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    estate: Mapped[str] = mapped_column(ForeignKey("estates.code"))  # its estate's code (docs/estates.md)
    status: Mapped[TicketStatus] = mapped_column(checked(TicketStatus, 12, "status"), default=TicketStatus.NEW)
    home_id: Mapped[int | None] = mapped_column(ForeignKey("homes.id"), index=True)
    place: Mapped[str | None] = mapped_column(String(PLACE_MAX))  # a shared place when no home
    building: Mapped[str | None] = mapped_column(String(20))  # building code, for merging shared-place reports
    category: Mapped[str | None] = mapped_column(String(20))
    tier: Mapped[ComplaintTier | None] = mapped_column(checked(ComplaintTier, 10, "tier"))  # complaints only
    description: Mapped[str] = mapped_column(Text, default="")
    openid: Mapped[str | None] = mapped_column(String(64), index=True)  # who reported it
    contact_phone: Mapped[str | None] = mapped_column(String(11))
    preferred_time: Mapped[str | None] = mapped_column(String(20))  # as the owner's card showed it
    appointment: Mapped[datetime | None] = mapped_column(AwareDateTime())  # the visit booked with the owner
    multi_trade: Mapped[bool] = mapped_column(Boolean, default=False)  # several trades: 7 working days
    owner_due: Mapped[datetime | None] = mapped_column(AwareDateTime())  # an owner's own date (minor complaints)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())

    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )
    deadlines: Mapped[list[TicketDeadline]] = relationship(
        back_populates="ticket", order_by="TicketDeadline.due_at", cascade="all, delete-orphan"
    )


class TicketEvent(Base):
    """One step in a ticket's life: who did what, when, from which status to which."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[TicketStatus | None] = mapped_column(checked(TicketStatus, 12, "from_status"))
    to_status: Mapped[TicketStatus | None] = mapped_column(checked(TicketStatus, 12, "to_status"))
    by: Mapped[str] = mapped_column(String(64))  # staff name, "owner:<openid>" or "system"
    note: Mapped[str] = mapped_column(Text, default="")

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class TicketDeadline(Base):
    """A named SLA clock (on_site, resolve, answer …) and how far its escalation has gone."""

    __tablename__ = "ticket_deadlines"
    __table_args__ = (UniqueConstraint("ticket_id", "name"), Index("ix_ticket_deadlines_open_due", "met_at", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    name: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime())
    due_at: Mapped[datetime] = mapped_column(AwareDateTime())
    met_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)

    ticket: Mapped[Ticket] = relationship(back_populates="deadlines")


class DailySequence(Base):
    """The last number handed out per prefix and local day, for ``R20261122001``-style numbers."""

    __tablename__ = "daily_sequences"

    prefix: Mapped[str] = mapped_column(String(1), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class TicketOffer(Base):
    """A staff member a ticket was offered to for 抢单: only they (and supervisors) may take it."""

    __tablename__ = "ticket_offers"
    __table_args__ = (UniqueConstraint("ticket_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    offered_at: Mapped[datetime] = mapped_column(AwareDateTime())


class TicketReporter(Base):
    """Another owner who reported the same shared-facility problem; hears every update too."""

    __tablename__ = "ticket_reporters"
    __table_args__ = (UniqueConstraint("ticket_id", "openid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    openid: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime] = mapped_column(AwareDateTime())
