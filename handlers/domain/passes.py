"""Gate passes, one place for both kinds: visitor passes (访客通行码) and release permits (放行条).

- **Codes.** Six random digits from :mod:`secrets`, unique over every pass ever issued. Digits,
  because the guard keys them in or reads them over the intercom and owners forward them in a
  WeChat message; six, because a code alone is worth nothing: it is checked only through the
  gate's bearer-token API, only inside its window (hours, at most a day) and only for its use
  count, so one guess in a million for a few hours is safe enough, and short enough to say aloud.
- **Windows.** A visit runs from the time the owner gives: a bare day is that whole day; a period
  without an hour is that period (上午 09:00-12:00, 中午 11:00-14:00, 下午 14:00-18:00,
  傍晚 17:00-20:00, 晚上 19:00-23:59); an hour is from half an hour before it to four hours after
  it, never past midnight; no time at all is the rest of today. A release permit is valid the
  whole day of the move.
- **The guard's check.** Valid only while active, inside the window and under ``max_uses``; a
  valid check counts a use, so a single-use pass is refused the second time, with the reason.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.estates import estate_of_home
from handlers.domain.tickets import TRANSITIONS, TicketDesk
from models import GatePass, Home, HomeBinding, Ticket, TicketEvent
from models.enums import PassStatus

CODE_DIGITS = 6
CODE_ATTEMPTS = 20
GRACE_BEFORE = timedelta(minutes=30)  # a visitor may come a little early
VISIT_LENGTH = timedelta(hours=4)  # … and stay this long after the hour given
MAX_DAYS_AHEAD = 30  # passes further ahead than this are booked at the front desk
END_OF_DAY = time(23, 59, 59)
LIST_LIMIT = 10

# The NLU's default hours for a period named without an hour (docs/nlu.md) → the window it means.
PERIOD_WINDOWS = {
    time(9, 0): (time(9, 0), time(12, 0)),  # 上午
    time(12, 0): (time(11, 0), time(14, 0)),  # 中午
    time(14, 0): (time(14, 0), time(18, 0)),  # 下午
    time(18, 0): (time(17, 0), time(20, 0)),  # 傍晚
    time(19, 0): (time(19, 0), END_OF_DAY),  # 晚上
}

# What the guard reads in the gate's answer (docs/api.md: POST /api/passes/verify).
GATE_REASONS = {
    "valid": "有效",
    "unknown": "无此通行码",
    "pending_owner": "待业主确认",
    "rejected": "业主未同意",
    "cancelled": "已取消",
    "used": "已使用",
    "early": "未到有效时间",
    "expired": "已过期",
    "other_estate": "非本小区通行码",
}

# What owners read about a pass in a list; "expired" and "upcoming" are derived from the window.
STATUS_NAMES = {
    "pending_owner": "待业主确认", "active": "有效", "used": "已使用", "cancelled": "已取消",
    "rejected": "业主未同意", "expired": "已过期", "upcoming": "待生效",
}
WEEKDAYS = "一二三四五六日"

class PassCodesExhausted(Exception):
    """No free code after many draws: the code space is nearly full (time to lengthen the code)."""


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def describe(self, tz: ZoneInfo) -> str:
        """11月24日（周二）14:00-18:00, or 11月28日（周六）全天."""
        start, end = self.start.astimezone(tz), self.end.astimezone(tz)
        day = f"{start.month}月{start.day}日（周{WEEKDAYS[start.weekday()]}）"
        if start.time() == time(0, 0) and end.time() == END_OF_DAY and start.date() == end.date():
            return f"{day}全天"
        return f"{day}{start:%H:%M}-{end:%H:%M}"


@dataclass(frozen=True)
class Verdict:
    """The gate's answer: valid or not, the reason in Chinese for the guard, the pass if one matched."""

    valid: bool
    reason: str
    gate_pass: GatePass | None


# ---------------------------------------------------------------- windows


def parse_slot_time(value: str) -> tuple[date, time | None]:
    """An NLU ``time`` slot (``2026-11-24`` or ``2026-11-24T14:00``) → the day and the hour if any."""
    if "T" in value:
        moment = datetime.fromisoformat(value)
        return moment.date(), moment.time()
    return date.fromisoformat(value), None


def visit_window(value: str | None, *, exact_hour: bool, now: datetime, tz: ZoneInfo) -> Window:
    """The validity window of a visitor pass for what the owner said (see the module docstring)."""
    local_now = now.astimezone(tz)
    if value is None:
        return Window(local_now, _at(local_now.date(), END_OF_DAY, tz))
    day, hour = parse_slot_time(value)
    if hour is None:
        return whole_day(day, tz)
    if not exact_hour and hour in PERIOD_WINDOWS:
        start, end = PERIOD_WINDOWS[hour]
        return Window(_at(day, start, tz), _at(day, end, tz))
    at = _at(day, hour, tz)
    return Window(at - GRACE_BEFORE, min(at + VISIT_LENGTH, _at(day, END_OF_DAY, tz)))


def release_window(value: str, tz: ZoneInfo) -> Window:
    """A release permit is valid the whole day of the move, whatever hour was given."""
    day, _hour = parse_slot_time(value)
    return whole_day(day, tz)


def whole_day(day: date, tz: ZoneInfo) -> Window:
    return Window(_at(day, time(0, 0), tz), _at(day, END_OF_DAY, tz))


def too_far_ahead(window: Window, now: datetime) -> bool:
    return window.start - now > timedelta(days=MAX_DAYS_AHEAD)


def _at(day: date, moment: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz)


# ---------------------------------------------------------------- codes and lookups


async def new_code(session: AsyncSession) -> str:
    """A fresh code no pass has ever had (codes are never reused, so an old one cannot open the gate)."""
    for _attempt in range(CODE_ATTEMPTS):
        code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        if await session.scalar(select(GatePass.id).where(GatePass.code == code)) is None:
            return code
    raise PassCodesExhausted(f"no free {CODE_DIGITS}-digit gate code after {CODE_ATTEMPTS} draws")


async def pass_by_number(session: AsyncSession, number: str, kind: str) -> GatePass | None:
    return await session.scalar(
        select(GatePass).where(GatePass.number == number.upper(), GatePass.kind == kind).with_for_update())


async def passes_of(session: AsyncSession, openid: str, kind: str, *, limit: int = LIST_LIMIT) -> list[GatePass]:
    """The passes this account asked for, newest first."""
    query = (select(GatePass).where(GatePass.openid == openid, GatePass.kind == kind)
             .order_by(GatePass.created_at.desc(), GatePass.id.desc()).limit(limit))
    return list((await session.scalars(query)).all())


async def owner_openids(session: AsyncSession, home_id: int) -> list[str]:
    """Accounts bound to the home as its owner (the ones who confirm a tenant's release permit)."""
    query = select(HomeBinding.openid).where(
        HomeBinding.home_id == home_id, HomeBinding.role == "owner", HomeBinding.status == "active")
    return list(dict.fromkeys((await session.scalars(query.order_by(HomeBinding.id))).all()))


async def is_owner_of(session: AsyncSession, openid: str, home_id: int) -> bool:
    return openid in await owner_openids(session, home_id)


async def may_manage(session: AsyncSession, openid: str, gate_pass: GatePass) -> bool:
    """Whoever asked for the pass, or an owner of its home, may see and cancel it."""
    return gate_pass.openid == openid or await is_owner_of(session, openid, gate_pass.home_id)


def effective_status(gate_pass: GatePass, now: datetime) -> str:
    """The stored status, with an active pass shown as expired or upcoming by its window."""
    if gate_pass.status == "active":
        if now > gate_pass.valid_until:
            return "expired"
        if now < gate_pass.valid_from:
            return "upcoming"
    return gate_pass.status


def cancellable(gate_pass: GatePass, now: datetime) -> bool:
    return gate_pass.status in ("active", "pending_owner") and now <= gate_pass.valid_until


async def cancel_pass(session: AsyncSession, gate_pass: GatePass, now: datetime, *, by: str, desk: TicketDesk,
                      note: str = "申请人取消") -> None:
    """Withdraw a pass; a release permit's ticket is cancelled with it."""
    gate_pass.status = PassStatus.CANCELLED
    await cancel_ticket_of(session, gate_pass, now, by=by, desk=desk, note=note)


async def cancel_ticket_of(session: AsyncSession, gate_pass: GatePass, now: datetime, *, by: str, desk: TicketDesk,
                           note: str) -> None:
    if gate_pass.ticket_id is None:
        return
    ticket = await desk.load(session, gate_pass.number, for_update=True)
    if ticket is not None and ticket.status in TRANSITIONS["cancel"][0]:
        await desk.apply(session, ticket, "cancel", now, by=by, note=note)


# ---------------------------------------------------------------- the gate


async def verify(session: AsyncSession, code: str, now: datetime, estate: str | None = None) -> Verdict:
    """The guard's check; a valid one uses the pass up once (inside the caller's transaction).

    ``estate``: the gate's estate, when it says so; another estate's pass is refused and not used.
    """
    gate_pass = await session.scalar(select(GatePass).where(GatePass.code == code).with_for_update())
    if gate_pass is None:
        return Verdict(False, GATE_REASONS["unknown"], None)
    if estate is not None and await estate_of_home(session, gate_pass.home_id) != estate:
        return Verdict(False, GATE_REASONS["other_estate"], gate_pass)
    refusal = _refusal(gate_pass, now)
    if refusal is not None:
        return Verdict(False, GATE_REASONS[refusal], gate_pass)
    gate_pass.uses += 1
    if gate_pass.uses >= gate_pass.max_uses:
        gate_pass.status = PassStatus.USED
    if gate_pass.ticket_id is not None:
        await _note_on_ticket(session, gate_pass.ticket_id, now,
                              f"门岗核验放行（第{gate_pass.uses}次，共{gate_pass.max_uses}次）")
    return Verdict(True, GATE_REASONS["valid"], gate_pass)


def _refusal(gate_pass: GatePass, now: datetime) -> str | None:
    if gate_pass.status in ("pending_owner", "rejected", "cancelled"):
        return gate_pass.status
    if gate_pass.status == "used" or gate_pass.uses >= gate_pass.max_uses:
        return "used"
    if now < gate_pass.valid_from:
        return "early"
    if now > gate_pass.valid_until:
        return "expired"
    return None


async def _note_on_ticket(session: AsyncSession, ticket_id: int, now: datetime, note: str) -> None:
    """A release permit's ticket keeps the gate's checks in its history (a note changes no state)."""
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None:
        return
    ticket.updated_at = now
    session.add(TicketEvent(ticket_id=ticket.id, at=now, action="note", from_status=ticket.status,
                            to_status=ticket.status, by="gate", note=note))
    await session.flush()


async def pass_json(session: AsyncSession, gate_pass: GatePass, settings: Settings) -> dict[str, object]:
    """A pass as the gate sees it: which estate and home, who or what, the window and the uses (no owner data)."""
    room = await session.scalar(select(Home.room_key).where(Home.id == gate_pass.home_id))
    estate = await estate_of_home(session, gate_pass.home_id)
    tz = settings.tz
    return {
        "kind": gate_pass.kind,
        "number": gate_pass.number,
        "status": gate_pass.status,
        "estate": estate,
        "estate_name": settings.for_estate(estate).estate.name,
        "room": room,
        "visitor_name": gate_pass.visitor_name,
        "plate": gate_pass.plate,
        "people": gate_pass.people,
        "items": gate_pass.items,
        "valid_from": gate_pass.valid_from.astimezone(tz).isoformat(),
        "valid_until": gate_pass.valid_until.astimezone(tz).isoformat(),
        "uses": gate_pass.uses,
        "max_uses": gate_pass.max_uses,
    }
