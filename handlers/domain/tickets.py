"""The ticket life cycle (工单): numbers, states, transitions with their event rows, SLA deadlines.

States run new → assigned → accepted → in_progress → completed → visited → closed; an owner may
cancel before work starts; a bad rating or "not fixed" reopens a finished ticket back to assigned
with fresh deadlines. Every transition is an event row; anything else raises InvalidTransition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.settings import DEFAULT_ESTATE_CODE
from handlers.domain.estates import estate_id, estate_of_home, reporter_estate
from handlers.domain.sla import MET_BY_ACTION, SlaPolicy
from models import Ticket, TicketDeadline, TicketEvent
from models.enums import TicketStatus
from models.ticket import DESCRIPTION_MAX

STATUS_NAMES = {
    "new": "待派单", "assigned": "已派单", "accepted": "已接单", "in_progress": "处理中",
    "completed": "已完成", "visited": "已回访", "closed": "已关闭", "cancelled": "已取消",
}
ACTION_NAMES = {
    "create": "创建", "assign": "派单", "accept": "接单", "start": "开始处理", "complete": "完工",
    "visit": "回访", "close": "关闭", "reopen": "重新打开", "cancel": "取消", "note": "备注",
    "chase": "催办",
}

# action → (states it may start from, state it leads to); None keeps the state.
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "assign": (frozenset({"new", "assigned", "accepted"}), "assigned"),
    "accept": (frozenset({"assigned"}), "accepted"),
    "start": (frozenset({"accepted"}), "in_progress"),
    "complete": (frozenset({"accepted", "in_progress"}), "completed"),
    "visit": (frozenset({"completed"}), "visited"),
    "close": (frozenset({"completed", "visited"}), "closed"),
    "reopen": (frozenset({"completed", "visited", "closed"}), "assigned"),
    "cancel": (frozenset({"new", "assigned", "accepted"}), "cancelled"),
    "note": (frozenset(STATUS_NAMES) - {"cancelled"}, None),
    "chase": (frozenset({"new", "assigned", "accepted", "in_progress"}), None),
}
OPEN_STATUSES = frozenset({"new", "assigned", "accepted", "in_progress"})


class InvalidTransition(Exception):
    """The ticket's state does not allow the action; the message says why, in Chinese."""

    def __init__(self, ticket: Ticket, action: str) -> None:
        self.ticket_number = ticket.number
        self.status = ticket.status
        self.action = action
        super().__init__(
            f"工单 {ticket.number} 当前状态为“{STATUS_NAMES.get(ticket.status, ticket.status)}”，"
            f"不能{ACTION_NAMES.get(action, action)}"
        )


class UnknownAction(Exception):
    pass


@dataclass(frozen=True)
class NewTicket:
    kind: str
    description: str
    openid: str | None = None
    home_id: int | None = None
    place: str | None = None
    building: str | None = None
    category: str | None = None
    tier: str | None = None
    contact_phone: str | None = None
    preferred_time: str | None = None
    appointment: datetime | None = None
    multi_trade: bool = False
    owner_due: datetime | None = None
    estate: str | None = None  # its estate's code; by default the home's, else the company's default estate


async def daily_number(session: AsyncSession, prefix: str, at: datetime, tz: ZoneInfo) -> str:
    """``prefix`` + the local date + the day's next number (R20261122001, N20261204001): one sequence
    per prefix and day, safe with several writers (the row is upserted and returned in one statement)."""
    day = at.astimezone(tz).date()
    statement = text(
        "INSERT INTO daily_sequences (prefix, day, last) VALUES (:prefix, :day, 1) "
        "ON CONFLICT (prefix, day) DO UPDATE SET last = daily_sequences.last + 1 RETURNING last"
    )
    sequence = (await session.execute(statement, {"prefix": prefix, "day": day})).scalar_one()
    return f"{prefix}{day:%Y%m%d}{sequence:03d}"


class TicketDesk:
    """Creates tickets and moves them through their states, inside the caller's transaction."""

    def __init__(self, sla: SlaPolicy, tz: ZoneInfo, default_estate: str = DEFAULT_ESTATE_CODE) -> None:
        self.sla = sla
        self.tz = tz
        self.default_estate = default_estate
        self._estates_on_file: set[str] = set()

    async def estate_for(self, session: AsyncSession, new: NewTicket) -> str:
        """A new ticket's estate: the one named, else its home's, else (a shared place) the reporter's:
        the one of their estates that has the building named, else their current home's; else the
        company's default."""
        if new.estate is not None:
            return new.estate
        found = await estate_of_home(session, new.home_id) if new.home_id is not None else None
        if found is None and new.openid is not None:  # a shared place: the reporter's estate
            found = await reporter_estate(session, new.openid, new.building)
        return found or self.default_estate

    async def next_number(self, session: AsyncSession, kind: str, at: datetime) -> str:
        """The kind's prefix (or a prefix itself, V for visitor passes), the local date, the day's next number."""
        prefix = self.sla.kinds[kind].prefix if kind in self.sla.kinds else kind
        return await daily_number(session, prefix, at, self.tz)

    async def create(self, session: AsyncSession, new: NewTicket, at: datetime, by: str) -> Ticket:
        estate = await self.estate_for(session, new)
        if estate not in self._estates_on_file:  # its row exists (made here for a test or an early import)
            await estate_id(session, estate)
            self._estates_on_file.add(estate)
        ticket = Ticket(
            number=await self.next_number(session, new.kind, at), kind=new.kind, status="new", estate=estate,
            home_id=new.home_id, place=new.place, building=new.building, category=new.category, tier=new.tier,
            description=new.description, openid=new.openid, contact_phone=new.contact_phone,
            preferred_time=new.preferred_time, appointment=new.appointment, multi_trade=new.multi_trade,
            created_at=at, updated_at=at,
            owner_due=new.owner_due,
        )
        ticket.events = [TicketEvent(at=at, action="create", from_status=None, to_status="new", by=by, note="")]
        ticket.deadlines = [
            TicketDeadline(name=deadline.name, starts_at=at, due_at=deadline.due_at, escalation_level=0)
            for deadline in self.sla.deadlines(new.kind, at, tier=new.tier, multi_trade=new.multi_trade,
                                               owner_due=new.owner_due, appointment=new.appointment, estate=estate)
        ]
        session.add(ticket)
        await session.flush()
        return ticket

    async def load(self, session: AsyncSession, number: str, *, for_update: bool = False) -> Ticket | None:
        query = (
            select(Ticket)
            .where(Ticket.number == number.upper())
            .options(selectinload(Ticket.events), selectinload(Ticket.deadlines))
        )
        if for_update:
            query = query.with_for_update()
        return await session.scalar(query)

    async def apply(
        self, session: AsyncSession, ticket: Ticket, action: str, at: datetime, by: str, note: str = "",
        *, assignee_id: int | None = None,
    ) -> TicketEvent:
        """Perform ``action`` or raise InvalidTransition; writes the event row and updates the clocks."""
        if action not in TRANSITIONS:
            raise UnknownAction(action)
        allowed_from, to_status = TRANSITIONS[action]
        if ticket.status not in allowed_from:
            raise InvalidTransition(ticket, action)
        from_status = ticket.status
        if to_status is not None:
            ticket.status = TicketStatus(to_status)
        if action == "assign" and assignee_id is not None:
            ticket.assignee_id = assignee_id
        if action == "complete":
            ticket.completed_at = at
        if action in ("close", "cancel"):
            ticket.closed_at = at
        for deadline in ticket.deadlines:
            if deadline.met_at is None and deadline.name in MET_BY_ACTION.get(action, ()):
                deadline.met_at = at
        if action == "reopen":
            self._restart_clocks(ticket, at)
            ticket.completed_at = ticket.closed_at = None
        ticket.updated_at = at
        event = TicketEvent(at=at, action=action, from_status=from_status,
                            to_status=ticket.status, by=by, note=note)
        ticket.events.append(event)
        await session.flush()
        return event

    def _restart_clocks(self, ticket: Ticket, at: datetime) -> None:
        fresh = {d.name: d.due_at for d in self.sla.deadlines(
            ticket.kind, at, tier=ticket.tier, multi_trade=ticket.multi_trade, owner_due=None, estate=ticket.estate,
            appointment=ticket.appointment if ticket.appointment and ticket.appointment > at else None)}
        for deadline in ticket.deadlines:
            if deadline.name in fresh:
                deadline.starts_at, deadline.due_at = at, fresh[deadline.name]
                deadline.met_at, deadline.escalation_level = None, 0


CARD_QUOTE = 80  # characters of the owner's words a confirmation card or a staff alert shows


def quoted(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """An owner's words as a ticket, a card or a staff alert quotes them: trimmed, at most ``limit``
    characters (a 3,000-character message is not echoed whole)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def appointment_at(value: str | None, tz: ZoneInfo, day_starts: time) -> datetime | None:
    """An NLU time value as the booked moment: 2026-12-08T15:00 as it is, a bare day at the start of
    office hours; None for anything else (“随时都可以”)."""
    if not value:
        return None
    try:
        if "T" in value:
            return datetime.fromisoformat(value).replace(tzinfo=tz)
        return datetime.combine(date.fromisoformat(value), day_starts, tzinfo=tz)
    except ValueError:
        return None


def ticket_json(ticket: Ticket, tz: ZoneInfo, *, room: str | None, assignee: str | None,
                with_events: bool = False) -> dict[str, object]:
    """A ticket as the admin API shows it (docs/api.md); times in local ISO form."""
    data: dict[str, object] = {
        "number": ticket.number,
        "kind": ticket.kind,
        "status": ticket.status,
        "estate": ticket.estate,
        "room": room,
        "place": ticket.place,
        "category": ticket.category,
        "tier": ticket.tier,
        "description": ticket.description,
        "created_at": ticket.created_at.astimezone(tz).isoformat(),
        "deadlines": {d.name: d.due_at.astimezone(tz).isoformat() for d in ticket.deadlines},
        "assignee": assignee,
        "appointment": ticket.appointment.astimezone(tz).isoformat() if ticket.appointment else None,
    }
    if with_events:
        data["events"] = [
            {"at": e.at.astimezone(tz).isoformat(), "action": e.action, "from": e.from_status,
             "to": e.to_status, "by": e.by, "note": e.note}
            for e in ticket.events
        ]
    return data
