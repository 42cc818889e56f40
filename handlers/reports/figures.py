"""The figures property managers are judged on (docs/domain.md, Reports), computed here and only here.

Both reports are frozen trees of dataclasses: counts are ints, money is ``Decimal`` yuan, a rate
is ``Decimal`` (0.0000-1.0000) or ``None`` when there was nothing to divide (shown as "—").
``to_json()`` is what ``GET /api/stats`` answers; the terminal and the workbook render the same
object. Every figure comes from grouped SQL queries, so a year of an estate's data costs seconds.

How time is read:

- a period is an ISO week or a calendar month in the estate's time zone, half open;
- what happened in the period (created, closed, completed, answered) counts by when it happened;
- "open" and "overdue" are the state at the end of the period, read from the event history (the
  last event before the end), so a past week keeps its figures; for the current period, now;
- whether a period's tickets were closed, on time, visited or paid is judged on what the database
  holds when the report is computed, so a report run again later may improve as late work is
  recorded.

The rates (each also in ``wording.DEFINITIONS`` and the README):

- **on-time rate (报修按时完成率)**: repairs completed in the period whose ``on_site`` and
  ``resolve`` deadlines were both met on time (``met_at <= due_at``), over repairs completed in the
  period. A reopened repair counts once, in the period of its latest completion, judged by its
  latest deadlines (a reopen restarts them). Working-day deadlines already skip weekends and
  holidays (handlers/calendar.py).
- **return-visit rate (回访率)**: return visits due in the period that the owner answered or that
  were handed to staff for a phone visit (status ``phone``), over visits due in the period.
- **satisfaction rate (满意率)**: scores of 4 or 5 over all scores answered in the period.
- **complaint closure rate (投诉结案率)**: complaints created in the period and closed now, over
  those created in the period less the cancelled ones.
- **complaint closure within deadline (按期结案率)**: of those closed complaints, the ones whose
  latest ``resolve`` deadline was met on time.
- **suggestion reply rate (建议答复率)**: suggestions created in the period (not cancelled) whose
  ``answer`` deadline (3 days) was met on time, over those whose answer is decided: met, or past
  due; one still inside its 3 days and unanswered is left out until it is.
- **collection rate (收缴率)**: the paid amount over the billed amount of the bills of the month
  (``period == YYYY-MM``), as the paid flags stand now.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Subquery, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.fee_reminders import dunning_flags
from handlers.domain.tickets import OPEN_STATUSES
from handlers.reports.period import MONTH, Period, Span, week_spans
from models import Bill, Home, ReturnVisit, Ticket, TicketDeadline, TicketEvent
from models.enums import TicketStatus, VisitStatus

RATE_PLACES = Decimal("0.0001")
SATISFIED_FROM = 4  # scores 4 and 5 are satisfied
TREND_WEEKS = 8  # the weekly report's satisfaction chart
REPAIR_CLOCKS = ("on_site", "resolve")
ZERO = Decimal("0.00")


def rate(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part / whole`` to 4 places, or None with nothing to divide (never a ZeroDivisionError)."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, ROUND_HALF_UP)


# ---------------------------------------------------------------- the tree


class _Json:
    report: ClassVar[str] = ""

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: Decimal as a string (exact), times in the estate's zone, None as null."""
        tz = self.period.tz  # type: ignore[attr-defined]
        return {"report": self.report, **_plain(self, tz)}


@dataclass(frozen=True)
class ComplaintCounts:
    key: str | None  # a category or a tier; None on the totals row and for an unset value
    new: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class DeadlineState:
    name: str  # report | answer | resolve …
    due_at: datetime
    met_at: datetime | None  # as it stood at the end of the period
    overdue: bool


@dataclass(frozen=True)
class OpenComplaint:
    number: str
    where: str | None  # room (3-2-501) or shared place
    category: str | None
    tier: str | None
    status: str  # at the end of the period
    created_at: datetime
    overdue: bool
    deadlines: tuple[DeadlineState, ...]


@dataclass(frozen=True)
class WeekSatisfaction:
    week: str  # 2026-W44
    first_day: date
    last_day: date  # a month's first and last weeks are cut to the month
    scores: int
    satisfied: int
    rate: Decimal | None


@dataclass(frozen=True)
class WeeklyReport(_Json):
    """投诉处理周报."""

    report: ClassVar[str] = "weekly"
    period: Period
    as_of: datetime  # open and overdue are counted at this instant
    computed_at: datetime
    totals: ComplaintCounts
    by_category: tuple[ComplaintCounts, ...]
    by_tier: tuple[ComplaintCounts, ...]
    open_complaints: tuple[OpenComplaint, ...]  # overdue first
    satisfaction_by_week: tuple[WeekSatisfaction, ...]  # the 8 weeks ending with this one


@dataclass(frozen=True)
class RepairRow:
    category: str | None  # None on the totals row
    new: int
    completed: int
    on_time: int
    on_time_rate: Decimal | None
    open_at_end: int


@dataclass(frozen=True)
class Repairs:
    totals: RepairRow
    by_category: tuple[RepairRow, ...]


@dataclass(frozen=True)
class ReturnVisits:
    due: int
    answered: int
    by_phone: int
    pending: int
    rate: Decimal | None


@dataclass(frozen=True)
class Satisfaction:
    scores: int
    satisfied: int
    rate: Decimal | None
    by_week: tuple[WeekSatisfaction, ...]
    target: Decimal  # service.satisfaction_target: the standard is at least 90%

    @property
    def below_target(self) -> bool | None:
        return None if self.rate is None else self.rate < self.target


@dataclass(frozen=True)
class Complaints:
    new: int
    cancelled: int
    closed: int
    closed_on_time: int
    not_closed: int
    closure_rate: Decimal | None
    on_time_rate: Decimal | None


@dataclass(frozen=True)
class Suggestions:
    new: int
    cancelled: int
    replied_on_time: int
    pending: int  # unanswered and not yet due: left out of the rate
    rate: Decimal | None


@dataclass(frozen=True)
class FeeRow:
    item: str | None  # None on the totals row
    billed: Decimal
    paid: Decimal
    unpaid: Decimal
    rate: Decimal | None


@dataclass(frozen=True)
class Fees:
    totals: FeeRow
    by_item: tuple[FeeRow, ...]
    homes_billed: int
    homes_owing: int


@dataclass(frozen=True)
class ArrearsRow:
    room: str
    amount: Decimal
    months_owed: int
    oldest_period: str
    first_reminder: str | None
    level: str  # reminder | letter | legal (the dunning ladder, for staff)


@dataclass(frozen=True)
class MonthlyReport(_Json):
    """服务月报."""

    report: ClassVar[str] = "monthly"
    period: Period
    as_of: datetime
    computed_at: datetime
    repairs: Repairs
    return_visits: ReturnVisits
    satisfaction: Satisfaction
    complaints: Complaints
    suggestions: Suggestions
    fees: Fees
    arrears: tuple[ArrearsRow, ...]  # most serious first


Report = WeeklyReport | MonthlyReport


# ---------------------------------------------------------------- computing


async def compute(session: AsyncSession, period: Period, now: datetime, settings: Settings) -> Report:
    """The weekly report for a week, the monthly one for a month."""
    if period.kind == MONTH:
        return await monthly_report(session, period, now, settings)
    return await weekly_report(session, period, now, settings)


async def weekly_report(session: AsyncSession, period: Period, now: datetime, settings: Settings) -> WeeklyReport:
    complaint = Ticket.kind == "complaint"
    kinds = (Ticket.category, Ticket.tier)
    new = await _pairs(session, select(*kinds, func.count())
                       .where(complaint, _within(Ticket.created_at, period)).group_by(*kinds))
    closed = await _pairs(session, select(*kinds, func.count(func.distinct(Ticket.id)))
                          .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
                          .where(complaint, TicketEvent.action == "close", _within(TicketEvent.at, period))
                          .group_by(*kinds))
    still_open = await _open_complaints(session, period, now)

    def counts(pick: int, key: str | None) -> ComplaintCounts:
        def of(source: dict[tuple[str | None, str | None], int]) -> int:
            return sum(n for pair, n in source.items() if pair[pick] == key)

        listed = [c for c in still_open if (c.category, c.tier)[pick] == key]
        return ComplaintCounts(key, new=of(new), closed=of(closed), open=len(listed),
                               overdue=sum(c.overdue for c in listed))

    def table(pick: int, keys: set[str | None]) -> tuple[ComplaintCounts, ...]:
        rows = [counts(pick, key) for key in keys]
        return tuple(sorted(rows, key=lambda r: (-r.new, -r.open, -r.closed, r.key or "")))

    categories = {pair[0] for pair in [*new, *closed]} | {c.category for c in still_open}
    tiers = {pair[1] for pair in [*new, *closed]} | {c.tier for c in still_open}
    by_tier = [counts(1, tier) for tier in ("major", "important", "minor")]
    by_tier += [counts(1, tier) for tier in sorted(tiers - {"major", "important", "minor"}, key=str)]
    totals = ComplaintCounts(None, new=sum(new.values()), closed=sum(closed.values()), open=len(still_open),
                             overdue=sum(c.overdue for c in still_open))
    first_monday = period.first_day - timedelta(weeks=TREND_WEEKS - 1)
    trend = await _satisfaction_by_week(session, week_spans(first_monday, period.last_day), period)
    return WeeklyReport(period=period, as_of=_as_of(period, now), computed_at=now, totals=totals,
                        by_category=table(0, categories), by_tier=tuple(by_tier), open_complaints=still_open,
                        satisfaction_by_week=trend)


async def monthly_report(session: AsyncSession, period: Period, now: datetime, settings: Settings) -> MonthlyReport:
    by_week = await _satisfaction_by_week(session, week_spans(period.first_day, period.last_day), period)
    scores, satisfied = sum(w.scores for w in by_week), sum(w.satisfied for w in by_week)
    flags = await dunning_flags(session, _as_of(period, now), settings)
    return MonthlyReport(
        period=period, as_of=_as_of(period, now), computed_at=now,
        repairs=await _repairs(session, period, now),
        return_visits=await _return_visits(session, period),
        satisfaction=Satisfaction(scores, satisfied, rate(satisfied, scores), by_week,
                                  settings.service.satisfaction_target),
        complaints=await _complaints(session, period),
        suggestions=await _suggestions(session, period, now),
        fees=await _fees(session, period),
        arrears=tuple(ArrearsRow(f.room, f.amount, f.months_owed, f.oldest_period, f.first_reminder, f.level)
                      for f in flags),
    )


async def _open_complaints(session: AsyncSession, period: Period, now: datetime) -> tuple[OpenComplaint, ...]:
    """Complaints open at the end of the period, with their deadlines as they stood then."""
    state = _state_at("complaint", period, now)
    is_open = state.c.status.in_(OPEN_STATUSES)
    rows = (await session.execute(
        select(Ticket.id, Ticket.number, Ticket.category, Ticket.tier, Ticket.created_at, Home.room_key,
               Ticket.place, state.c.status)
        .join(state, state.c.ticket_id == Ticket.id)
        .outerjoin(Home, Home.id == Ticket.home_id)
        .where(is_open)
    )).all()
    cut = _as_of(period, now)
    complete = period.is_complete(now)
    deadlines: dict[int, list[DeadlineState]] = {}
    for ticket_id, name, starts_at, due_at, met_at in await session.execute(
        select(TicketDeadline.ticket_id, TicketDeadline.name, TicketDeadline.starts_at, TicketDeadline.due_at,
               TicketDeadline.met_at)
        .join(state, state.c.ticket_id == TicketDeadline.ticket_id)
        .where(is_open)
        .order_by(TicketDeadline.due_at)
    ):
        if complete and starts_at >= cut:
            continue  # restarted by a reopen after the period: how it stood then is not recorded
        met = met_at if met_at is not None and (not complete or met_at < cut) else None
        deadlines.setdefault(ticket_id, []).append(
            DeadlineState(name, due_at, met, overdue=met is None and due_at < cut))
    found = [
        OpenComplaint(number=row.number, where=row.room_key or row.place, category=row.category, tier=row.tier,
                      status=row.status, created_at=row.created_at,
                      overdue=any(d.overdue for d in deadlines.get(row.id, ())),
                      deadlines=tuple(deadlines.get(row.id, ())))
        for row in rows
    ]
    return tuple(sorted(found, key=lambda c: (not c.overdue, c.created_at, c.number)))


async def _satisfaction_by_week(session: AsyncSession, spans: list[Span],
                                period: Period) -> tuple[WeekSatisfaction, ...]:
    """Scores answered in each span, in one grouped query."""
    tz = period.tz
    week = case(*((ReturnVisit.answered_at < span.end(tz), index) for index, span in enumerate(spans)),
                else_=len(spans)).label("week")
    answered = (select(week, ReturnVisit.score.label("score"))
                .where(ReturnVisit.score.is_not(None), ReturnVisit.answered_at >= spans[0].start(tz),
                       ReturnVisit.answered_at < spans[-1].end(tz))
                .subquery())
    counted = {
        index: (int(scores), int(satisfied or 0))
        for index, scores, satisfied in await session.execute(
            select(answered.c.week, func.count(), func.sum(case((answered.c.score >= SATISFIED_FROM, 1), else_=0)))
            .group_by(answered.c.week))
    }
    weeks = []
    for index, span in enumerate(spans):
        scores, satisfied = counted.get(index, (0, 0))
        weeks.append(WeekSatisfaction(span.week, span.first_day, span.last_day, scores, satisfied,
                                      rate(satisfied, scores)))
    return tuple(weeks)


async def _repairs(session: AsyncSession, period: Period, now: datetime) -> Repairs:
    repair = Ticket.kind == "repair"
    done = and_(repair, _within(Ticket.completed_at, period))
    both_met = (select(TicketDeadline.ticket_id)
                .where(TicketDeadline.name.in_(REPAIR_CLOCKS), _met_in_time())
                .group_by(TicketDeadline.ticket_id)
                .having(func.count() == len(REPAIR_CLOCKS)))
    state = _state_at("repair", period, now)

    async def by_category(query: Any) -> dict[str | None, int]:
        return {category: int(n) for category, n in await session.execute(query.group_by(Ticket.category))}

    count = select(Ticket.category, func.count())
    new = await by_category(count.where(repair, _within(Ticket.created_at, period)))
    completed = await by_category(count.where(done))
    on_time = await by_category(count.where(done, Ticket.id.in_(both_met)))
    still_open = await by_category(count.join(state, state.c.ticket_id == Ticket.id)
                                   .where(state.c.status.in_(OPEN_STATUSES)))

    def row(category: str | None, pick: Any) -> RepairRow:
        n_done, n_on_time = pick(completed), pick(on_time)
        return RepairRow(category, pick(new), n_done, n_on_time, rate(n_on_time, n_done), pick(still_open))

    rows = [row(category, lambda source, c=category: source.get(c, 0))
            for category in {*new, *completed, *still_open}]
    rows.sort(key=lambda r: (-r.new, -r.completed, -r.open_at_end, r.category or ""))
    return Repairs(totals=row(None, lambda source: sum(source.values())), by_category=tuple(rows))


async def _return_visits(session: AsyncSession, period: Period) -> ReturnVisits:
    by_status = {status: int(n) for status, n in await session.execute(
        select(ReturnVisit.status, func.count()).where(_within(ReturnVisit.due_at, period))
        .group_by(ReturnVisit.status))}
    due = sum(by_status.values())
    answered, by_phone = by_status.get(VisitStatus.ANSWERED, 0), by_status.get(VisitStatus.PHONE, 0)
    return ReturnVisits(due=due, answered=answered, by_phone=by_phone, pending=due - answered - by_phone,
                        rate=rate(answered + by_phone, due))


async def _complaints(session: AsyncSession, period: Period) -> Complaints:
    created = and_(Ticket.kind == "complaint", _within(Ticket.created_at, period))
    by_status = {status: int(n) for status, n in await session.execute(
        select(Ticket.status, func.count()).where(created).group_by(Ticket.status))}
    new, cancelled = sum(by_status.values()), by_status.get(TicketStatus.CANCELLED, 0)
    closed = by_status.get(TicketStatus.CLOSED, 0)
    on_time = int(await session.scalar(
        select(func.count()).select_from(Ticket)
        .join(TicketDeadline, and_(TicketDeadline.ticket_id == Ticket.id, TicketDeadline.name == "resolve"))
        .where(created, Ticket.status == "closed", _met_in_time())) or 0)
    return Complaints(new=new, cancelled=cancelled, closed=closed, closed_on_time=on_time,
                      not_closed=new - cancelled - closed, closure_rate=rate(closed, new - cancelled),
                      on_time_rate=rate(on_time, closed))


async def _suggestions(session: AsyncSession, period: Period, now: datetime) -> Suggestions:
    live = Ticket.status != "cancelled"

    def tally(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    new, cancelled, on_time, pending = (await session.execute(
        select(func.count(Ticket.id), tally(Ticket.status == "cancelled"), tally(and_(live, _met_in_time())),
               tally(and_(live, TicketDeadline.met_at.is_(None), TicketDeadline.due_at > now)))
        .select_from(Ticket)
        .outerjoin(TicketDeadline, and_(TicketDeadline.ticket_id == Ticket.id, TicketDeadline.name == "answer"))
        .where(Ticket.kind == "suggestion", _within(Ticket.created_at, period))
    )).one()
    decided = int(new) - int(cancelled) - int(pending)
    return Suggestions(new=int(new), cancelled=int(cancelled), replied_on_time=int(on_time), pending=int(pending),
                       rate=rate(int(on_time), decided))


async def _fees(session: AsyncSession, period: Period) -> Fees:
    month = Bill.period == period.label
    # func.sum keeps the Money type: totals come back as exact Decimal yuan
    billed = dict((await session.execute(
        select(Bill.item, func.sum(Bill.amount)).where(month).group_by(Bill.item))).all())
    paid = dict((await session.execute(
        select(Bill.item, func.sum(Bill.amount)).where(month, Bill.paid.is_(True)).group_by(Bill.item))).all())
    homes_billed = await session.scalar(select(func.count(func.distinct(Bill.home_id))).where(month))
    homes_owing = await session.scalar(
        select(func.count(func.distinct(Bill.home_id))).where(month, Bill.paid.is_(False)))

    def row(item: str | None, owed: Decimal, received: Decimal) -> FeeRow:
        return FeeRow(item, owed, received, owed - received, rate(received, owed))

    rows = [row(item, amount or ZERO, paid.get(item) or ZERO) for item, amount in billed.items()]
    rows.sort(key=lambda r: (-r.billed, r.item or ""))
    totals = row(None, sum((r.billed for r in rows), ZERO), sum((r.paid for r in rows), ZERO))
    return Fees(totals=totals, by_item=tuple(rows), homes_billed=int(homes_billed or 0),
                homes_owing=int(homes_owing or 0))


# ---------------------------------------------------------------- helpers


def _as_of(period: Period, now: datetime) -> datetime:
    return min(period.end, now)


def _within(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def _met_in_time() -> ColumnElement[bool]:
    return and_(TicketDeadline.met_at.is_not(None), TicketDeadline.met_at <= TicketDeadline.due_at)


def _state_at(kind: str, period: Period, now: datetime) -> Subquery:
    """(ticket_id, status) of every ticket of ``kind`` at the end of the period: the status its last
    event before the end left it in (so a ticket closed then and reopened later was closed); for the
    current period, the status now."""
    if not period.is_complete(now):
        return select(Ticket.id.label("ticket_id"), Ticket.status.label("status")).where(Ticket.kind == kind).subquery()
    last = (select(TicketEvent.ticket_id.label("ticket_id"), func.max(TicketEvent.id).label("event_id"))
            .join(Ticket, Ticket.id == TicketEvent.ticket_id)
            .where(Ticket.kind == kind, TicketEvent.at < period.end)
            .group_by(TicketEvent.ticket_id)
            .subquery())
    return (select(last.c.ticket_id, TicketEvent.to_status.label("status"))
            .select_from(last).join(TicketEvent, TicketEvent.id == last.c.event_id)
            .subquery())


async def _pairs(session: AsyncSession, query: Any) -> dict[tuple[str | None, str | None], int]:
    return {(first, second): int(n) for first, second, n in await session.execute(query)}


def _plain(value: Any, tz: Any) -> Any:
    if isinstance(value, Period):
        return value.to_json()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name), tz) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item, tz) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
