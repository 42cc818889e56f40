"""The figures property managers are judged on (docs/domain.md, Reports), computed here and only here.

Both reports are frozen trees of dataclasses: counts are ints, money is ``Decimal`` yuan, a rate
is ``Decimal`` (0.0000-1.0000) or ``None`` when there was nothing to divide (shown as "—").
``to_json()`` is what ``GET /api/stats`` answers; the terminal and the workbook render the same
object. Every figure comes from grouped SQL queries, so a year of an estate's data costs seconds.

Estates (docs/reports.md): every query is grouped by estate as well, once for the whole company,
and the report of an estate or of the company is assembled from those rows: a ticket's estate is
``Ticket.estate``, a return visit's its ticket's, a bill's its home's building's. So an estate's
figures and the company's always agree: each count and sum of money of the company is the sum of
its estates', and each company rate divides the summed numerators by the summed denominators.

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

from sqlalchemy import ColumnElement, Subquery, and_, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.fee_reminders import dunning_flags
from handlers.domain.notices import pushes_of
from handlers.domain.tickets import OPEN_STATUSES
from handlers.reports.period import MONTH, Period, Span, week_spans
from models import (
    Bill,
    Building,
    Estate,
    Home,
    Notice,
    NoticeRecipient,
    OutboxMessage,
    ReturnVisit,
    Ticket,
    TicketDeadline,
    TicketEvent,
)
from models.enums import TicketStatus, VisitStatus

RATE_PLACES = Decimal("0.0001")
SATISFIED_FROM = 4  # scores 4 and 5 are satisfied
TREND_WEEKS = 8  # the weekly report's satisfaction chart
REPAIR_CLOCKS = ("on_site", "resolve")
ZERO = Decimal("0.00")
IN_CHUNK = 500  # ids per IN (…) list


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
    estate: str  # its estate's code
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
    estate: str | None = None  # the estate's code; None for the whole company
    estate_name: str = ""  # the estate's name, or the company's


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
class NoticeKindRow:
    kind: str
    notices: int
    reached: int  # accounts at least one of its pushes reached
    failures: int  # pushes that failed for good, and accounts no channel could reach


@dataclass(frozen=True)
class Notices:
    """Notices announced in the month (docs/notices.md)."""

    by_kind: tuple[NoticeKindRow, ...] = ()

    @property
    def totals(self) -> NoticeKindRow:
        return NoticeKindRow("合计", sum(r.notices for r in self.by_kind), sum(r.reached for r in self.by_kind),
                             sum(r.failures for r in self.by_kind))


@dataclass(frozen=True)
class ArrearsRow:
    room: str
    estate: str  # the home's estate's code
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
    notices: Notices = Notices()
    estate: str | None = None  # the estate's code; None for the whole company
    estate_name: str = ""  # the estate's name, or the company's


Report = WeeklyReport | MonthlyReport


@dataclass(frozen=True)
class ReportSet:
    """The company's report and each estate's, of one period, from the same grouped rows."""

    company: Report
    estates: tuple[Report, ...]  # the configured order (the default estate first), then any others by code

    @property
    def period(self) -> Period:
        return self.company.period

    def to_json(self) -> dict[str, Any]:
        """The company's figures, as ``GET /api/stats`` has always answered, plus ``estates``: each one's."""
        return {**self.company.to_json(), "estates": [report.to_json() for report in self.estates]}


class UnknownEstate(ValueError):
    """An estate code that is neither configured nor in the database; the message says which."""


# ---------------------------------------------------------------- computing

Grouped = dict[tuple[Any, ...], Any]  # grouped rows: the key's first element is the estate's code


@dataclass(frozen=True)
class EstateRef:
    code: str
    name: str


async def report_estates(session: AsyncSession, settings: Settings) -> tuple[EstateRef, ...]:
    """The estates a report covers: the configured ones in their order, then any others in the database."""
    configured = [EstateRef(estate.code, estate.name) for estate in settings.estate_list]
    known = {estate.code for estate in configured}
    stored = await session.execute(select(Estate.code, Estate.name).order_by(Estate.code))
    return (*configured, *(EstateRef(code, name) for code, name in stored if code not in known))


async def find_estate(session: AsyncSession, settings: Settings, code: str) -> EstateRef:
    estates = await report_estates(session, settings)
    for estate in estates:
        if estate.code == code:
            return estate
    raise UnknownEstate(f"unknown estate {code!r} (estates: {', '.join(e.code for e in estates)})")


async def compute(session: AsyncSession, period: Period, now: datetime, settings: Settings,
                  estate: str | None = None) -> Report:
    """The weekly report for a week, the monthly one for a month: the company's, or one estate's
    (:class:`UnknownEstate` for a code that is neither configured nor on file)."""
    if period.kind == MONTH:
        return await monthly_report(session, period, now, settings, estate=estate)
    return await weekly_report(session, period, now, settings, estate=estate)


async def compute_all(session: AsyncSession, period: Period, now: datetime, settings: Settings) -> ReportSet:
    """The company's report and every estate's, from one set of grouped queries."""
    estates = await report_estates(session, settings)
    company = settings.estate.company
    if period.kind == MONTH:
        monthly = await _monthly_rows(session, period, now, settings, None)
        return ReportSet(_monthly(monthly, period, now, settings, None, company),
                         tuple(_monthly(monthly, period, now, settings, e.code, e.name) for e in estates))
    weekly = await _weekly_rows(session, period, now, None)
    return ReportSet(_weekly(weekly, period, now, None, company),
                     tuple(_weekly(weekly, period, now, e.code, e.name) for e in estates))


async def weekly_report(session: AsyncSession, period: Period, now: datetime, settings: Settings, *,
                        estate: str | None = None) -> WeeklyReport:
    name = (await find_estate(session, settings, estate)).name if estate else settings.estate.company
    return _weekly(await _weekly_rows(session, period, now, estate), period, now, estate, name)


async def monthly_report(session: AsyncSession, period: Period, now: datetime, settings: Settings, *,
                         estate: str | None = None) -> MonthlyReport:
    name = (await find_estate(session, settings, estate)).name if estate else settings.estate.company
    return _monthly(await _monthly_rows(session, period, now, settings, estate), period, now, settings, estate, name)


# ------------------------------------------------ grouped rows, by estate (``only``: one estate's rows)


@dataclass(frozen=True)
class _WeeklyRows:
    new: Grouped  # (estate, category, tier) → complaints created
    closed: Grouped  # (estate, category, tier) → complaints closed
    open_complaints: tuple[OpenComplaint, ...]
    spans: list[Span]
    scores: Grouped  # (estate, span index) → scores answered
    satisfied: Grouped  # (estate, span index) → of them 4 or 5


@dataclass(frozen=True)
class _MonthlyRows:
    spans: list[Span]
    scores: Grouped
    satisfied: Grouped
    repairs: dict[str, Grouped]  # new | completed | on_time | open → (estate, category) → count
    visits: Grouped  # (estate, status) → visits due
    complaints: Grouped  # (estate, status) → complaints created
    complaints_on_time: Grouped  # (estate,) → closed within the resolve deadline
    suggestions: Grouped  # (estate, new | cancelled | on_time | pending) → count
    billed: Grouped  # (estate, item) → yuan
    paid: Grouped
    homes_billed: Grouped  # (estate,) → homes
    homes_owing: Grouped
    arrears: tuple[ArrearsRow, ...]
    notices: Grouped  # (estate, kind, notices | reached | failures) → count


async def _weekly_rows(session: AsyncSession, period: Period, now: datetime, only: str | None) -> _WeeklyRows:
    complaint = and_(Ticket.kind == "complaint", _only(only))
    keys = (Ticket.estate, Ticket.category, Ticket.tier)
    new = await _counts(session, select(*keys, func.count())
                        .where(complaint, _within(Ticket.created_at, period)).group_by(*keys))
    closed = await _counts(session, select(*keys, func.count(func.distinct(Ticket.id)))
                           .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
                           .where(complaint, TicketEvent.action == "close", _within(TicketEvent.at, period))
                           .group_by(*keys))
    spans = week_spans(period.first_day - timedelta(weeks=TREND_WEEKS - 1), period.last_day)
    scores, satisfied = await _scores_by_week(session, spans, period, only)
    return _WeeklyRows(new, closed, await _open_complaints(session, period, now, only), spans, scores, satisfied)


async def _monthly_rows(session: AsyncSession, period: Period, now: datetime, settings: Settings,
                        only: str | None) -> _MonthlyRows:
    spans = week_spans(period.first_day, period.last_day)
    scores, satisfied = await _scores_by_week(session, spans, period, only)
    billed, paid, homes_billed, homes_owing = await _fee_rows(session, period, only)
    complaints, complaints_on_time = await _complaint_rows(session, period, only)
    return _MonthlyRows(
        spans=spans, scores=scores, satisfied=satisfied, repairs=await _repair_rows(session, period, now, only),
        visits=await _counts(session, select(Ticket.estate, ReturnVisit.status, func.count())
                             .join(Ticket, Ticket.id == ReturnVisit.ticket_id)
                             .where(_within(ReturnVisit.due_at, period), _only(only))
                             .group_by(Ticket.estate, ReturnVisit.status)),
        complaints=complaints, complaints_on_time=complaints_on_time,
        suggestions=await _suggestion_rows(session, period, now, only),
        billed=billed, paid=paid, homes_billed=homes_billed, homes_owing=homes_owing,
        arrears=await _arrears(session, _as_of(period, now), settings, only),
        notices=await _notice_rows(session, period, only))


async def _notice_rows(session: AsyncSession, period: Period, only: str | None) -> Grouped:
    """Per estate and kind: notices announced in the period, accounts reached, and delivery failures."""
    found = select(Notice).where(Notice.announced_at.is_not(None), _within(Notice.announced_at, period))
    if only is not None:
        found = found.where(Notice.estate == only)
    grouped: Grouped = {}
    for notice in (await session.scalars(found)).all():
        ours = pushes_of(notice)
        reached = await session.scalar(select(func.count(func.distinct(OutboxMessage.recipient)))
                                       .where(ours, OutboxMessage.status == "sent")) or 0
        dead = await session.scalar(select(func.count()).where(ours, OutboxMessage.status == "dead")) or 0
        unreachable = await session.scalar(select(func.count()).where(
            NoticeRecipient.notice_id == notice.id, NoticeRecipient.channel == "none")) or 0
        for what, count in (("notices", 1), ("reached", reached), ("failures", dead + unreachable)):
            key = (notice.estate, notice.kind, what)
            grouped[key] = grouped.get(key, 0) + count
    return grouped


async def _open_complaints(session: AsyncSession, period: Period, now: datetime,
                           only: str | None) -> tuple[OpenComplaint, ...]:
    """Complaints open at the end of the period, with their deadlines as they stood then."""
    state = _state_at("complaint", period, now, only)
    is_open = state.c.status.in_(OPEN_STATUSES)
    rows = (await session.execute(
        select(Ticket.id, Ticket.number, Ticket.estate, Ticket.category, Ticket.tier, Ticket.created_at,
               Home.room_key, Ticket.place, state.c.status)
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
        OpenComplaint(number=row.number, estate=row.estate, where=row.room_key or row.place, category=row.category,
                      tier=row.tier, status=row.status, created_at=row.created_at,
                      overdue=any(d.overdue for d in deadlines.get(row.id, ())),
                      deadlines=tuple(deadlines.get(row.id, ())))
        for row in rows
    ]
    return tuple(sorted(found, key=lambda c: (not c.overdue, c.created_at, c.number)))


async def _scores_by_week(session: AsyncSession, spans: list[Span], period: Period,
                          only: str | None) -> tuple[Grouped, Grouped]:
    """Scores answered in each span (and of them 4 or 5), by the visited ticket's estate, in one query."""
    tz = period.tz
    week = case(*((ReturnVisit.answered_at < span.end(tz), index) for index, span in enumerate(spans)),
                else_=len(spans)).label("week")
    answered = (select(Ticket.estate.label("estate"), week, ReturnVisit.score.label("score"))
                .join(Ticket, Ticket.id == ReturnVisit.ticket_id)
                .where(ReturnVisit.score.is_not(None), ReturnVisit.answered_at >= spans[0].start(tz),
                       ReturnVisit.answered_at < spans[-1].end(tz), _only(only))
                .subquery())
    scores: Grouped = {}
    satisfied: Grouped = {}
    for estate, index, n, good in await session.execute(
        select(answered.c.estate, answered.c.week, func.count(),
               func.sum(case((answered.c.score >= SATISFIED_FROM, 1), else_=0)))
        .group_by(answered.c.estate, answered.c.week)
    ):
        scores[(estate, index)], satisfied[(estate, index)] = int(n), int(good or 0)
    return scores, satisfied


async def _repair_rows(session: AsyncSession, period: Period, now: datetime, only: str | None) -> dict[str, Grouped]:
    repair = and_(Ticket.kind == "repair", _only(only))
    done = and_(repair, _within(Ticket.completed_at, period))
    both_met = (select(TicketDeadline.ticket_id)
                .where(TicketDeadline.name.in_(REPAIR_CLOCKS), _met_in_time())
                .group_by(TicketDeadline.ticket_id)
                .having(func.count() == len(REPAIR_CLOCKS)))
    state = _state_at("repair", period, now, only)
    keys = (Ticket.estate, Ticket.category)
    count = select(*keys, func.count())
    return {
        "new": await _counts(session, count.where(repair, _within(Ticket.created_at, period)).group_by(*keys)),
        "completed": await _counts(session, count.where(done).group_by(*keys)),
        "on_time": await _counts(session, count.where(done, Ticket.id.in_(both_met)).group_by(*keys)),
        "open": await _counts(session, count.join(state, state.c.ticket_id == Ticket.id)
                              .where(state.c.status.in_(OPEN_STATUSES)).group_by(*keys)),
    }


async def _complaint_rows(session: AsyncSession, period: Period, only: str | None) -> tuple[Grouped, Grouped]:
    created = and_(Ticket.kind == "complaint", _within(Ticket.created_at, period), _only(only))
    by_status = await _counts(session, select(Ticket.estate, Ticket.status, func.count())
                              .where(created).group_by(Ticket.estate, Ticket.status))
    on_time = await _counts(session, select(Ticket.estate, func.count()).select_from(Ticket)
                            .join(TicketDeadline, and_(TicketDeadline.ticket_id == Ticket.id,
                                                       TicketDeadline.name == "resolve"))
                            .where(created, Ticket.status == "closed", _met_in_time())
                            .group_by(Ticket.estate))
    return by_status, on_time


async def _suggestion_rows(session: AsyncSession, period: Period, now: datetime, only: str | None) -> Grouped:
    live = Ticket.status != "cancelled"

    def tally(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    grouped: Grouped = {}
    for estate, new, cancelled, on_time, pending in await session.execute(
        select(Ticket.estate, func.count(Ticket.id), tally(Ticket.status == "cancelled"),
               tally(and_(live, _met_in_time())),
               tally(and_(live, TicketDeadline.met_at.is_(None), TicketDeadline.due_at > now)))
        .select_from(Ticket)
        .outerjoin(TicketDeadline, and_(TicketDeadline.ticket_id == Ticket.id, TicketDeadline.name == "answer"))
        .where(Ticket.kind == "suggestion", _within(Ticket.created_at, period), _only(only))
        .group_by(Ticket.estate)
    ):
        for what, n in (("new", new), ("cancelled", cancelled), ("on_time", on_time), ("pending", pending)):
            grouped[(estate, what)] = int(n)
    return grouped


async def _fee_rows(session: AsyncSession, period: Period,
                    only: str | None) -> tuple[Grouped, Grouped, Grouped, Grouped]:
    """The month's bills by their home's building's estate: billed and paid by item, homes billed and owing.

    Grouped by building (one join), each building then read as its estate: a home is in one
    building, so its distinct homes add up."""
    estate_of: dict[int, str] = {}
    for building, code in await session.execute(
            select(Building.id, Estate.code).join(Estate, Estate.id == Building.estate_id)):
        estate_of[building] = code
    month = and_(Bill.period == period.label,
                 Home.building_id.in_([b for b, code in estate_of.items() if code == only]) if only else true())
    billed: Grouped = {}
    paid: Grouped = {}
    # func.sum keeps the Money type: totals come back as exact Decimal yuan
    for building, item, is_paid, amount in await session.execute(
        select(Home.building_id, Bill.item, Bill.paid, func.sum(Bill.amount)).join(Home, Home.id == Bill.home_id)
        .where(month).group_by(Home.building_id, Bill.item, Bill.paid)
    ):
        key = (estate_of[building], item)
        billed[key] = billed.get(key, ZERO) + (amount or ZERO)
        if is_paid:
            paid[key] = paid.get(key, ZERO) + (amount or ZERO)
    homes_billed: Grouped = {}
    homes_owing: Grouped = {}
    for building, billed_homes, owing_homes in await session.execute(
        select(Home.building_id, func.count(func.distinct(Bill.home_id)),
               func.count(func.distinct(case((Bill.paid.is_(False), Bill.home_id)))))
        .join(Home, Home.id == Bill.home_id).where(month).group_by(Home.building_id)
    ):
        estate = (estate_of[building],)
        homes_billed[estate] = homes_billed.get(estate, 0) + int(billed_homes)
        homes_owing[estate] = homes_owing.get(estate, 0) + int(owing_homes)
    return billed, paid, homes_billed, homes_owing


async def _arrears(session: AsyncSession, now: datetime, settings: Settings,
                   only: str | None) -> tuple[ArrearsRow, ...]:
    """The dunning ladder (handlers/domain/fee_reminders.py), each home with its estate."""
    return tuple(ArrearsRow(flag.room, flag.estate, flag.amount, flag.months_owed, flag.oldest_period,
                            flag.first_reminder, flag.level)
                 for flag in await dunning_flags(session, now, settings) if only is None or flag.estate == only)


# ------------------------------------------------ a report of the company (scope None) or one estate


def _weekly(rows: _WeeklyRows, period: Period, now: datetime, scope: str | None, name: str) -> WeeklyReport:
    new, closed = _pick(rows.new, scope), _pick(rows.closed, scope)
    still_open = tuple(c for c in rows.open_complaints if scope is None or c.estate == scope)

    def counts(pick: int, key: str | None) -> ComplaintCounts:
        def of(source: dict[tuple[Any, ...], int]) -> int:
            return sum(n for pair, n in source.items() if pair[pick] == key)

        listed = [c for c in still_open if (c.category, c.tier)[pick] == key]
        return ComplaintCounts(key, new=of(new), closed=of(closed), open=len(listed),
                               overdue=sum(c.overdue for c in listed))

    def table(pick: int, keys: set[str | None]) -> tuple[ComplaintCounts, ...]:
        found = [counts(pick, key) for key in keys]
        return tuple(sorted(found, key=lambda r: (-r.new, -r.open, -r.closed, r.key or "")))

    categories = {pair[0] for pair in [*new, *closed]} | {c.category for c in still_open}
    tiers = {pair[1] for pair in [*new, *closed]} | {c.tier for c in still_open}
    by_tier = [counts(1, tier) for tier in ("major", "important", "minor")]
    by_tier += [counts(1, tier) for tier in sorted(tiers - {"major", "important", "minor"}, key=str)]
    totals = ComplaintCounts(None, new=sum(new.values()), closed=sum(closed.values()), open=len(still_open),
                             overdue=sum(c.overdue for c in still_open))
    return WeeklyReport(period=period, as_of=_as_of(period, now), computed_at=now, totals=totals,
                        by_category=table(0, categories), by_tier=tuple(by_tier), open_complaints=still_open,
                        satisfaction_by_week=_weeks(rows.spans, rows.scores, rows.satisfied, scope),
                        estate=scope, estate_name=name)


def _monthly(rows: _MonthlyRows, period: Period, now: datetime, settings: Settings, scope: str | None,
             name: str) -> MonthlyReport:
    by_week = _weeks(rows.spans, rows.scores, rows.satisfied, scope)
    scores, satisfied = sum(w.scores for w in by_week), sum(w.satisfied for w in by_week)
    return MonthlyReport(
        period=period, as_of=_as_of(period, now), computed_at=now,
        repairs=_repairs({what: _pick(grouped, scope) for what, grouped in rows.repairs.items()}),
        return_visits=_return_visits(_pick(rows.visits, scope)),
        satisfaction=Satisfaction(scores, satisfied, rate(satisfied, scores), by_week,
                                  settings.service.satisfaction_target),
        complaints=_complaints(_pick(rows.complaints, scope), _total(rows.complaints_on_time, scope)),
        suggestions=_suggestions(_pick(rows.suggestions, scope)),
        fees=_fees(_pick(rows.billed, scope), _pick(rows.paid, scope), _total(rows.homes_billed, scope),
                   _total(rows.homes_owing, scope)),
        arrears=tuple(row for row in rows.arrears if scope is None or row.estate == scope),
        notices=_notices(_pick(rows.notices, scope)), estate=scope, estate_name=name,
    )


def _notices(counts: dict[tuple[Any, ...], int]) -> Notices:
    kinds = sorted({key[0] for key in counts})
    return Notices(tuple(NoticeKindRow(kind, counts.get((kind, "notices"), 0), counts.get((kind, "reached"), 0),
                                       counts.get((kind, "failures"), 0)) for kind in kinds))


def _weeks(spans: list[Span], scores: Grouped, satisfied: Grouped, scope: str | None) -> tuple[WeekSatisfaction, ...]:
    counted, good = _pick(scores, scope), _pick(satisfied, scope)
    weeks = []
    for index, span in enumerate(spans):
        n, n_good = counted.get((index,), 0), good.get((index,), 0)
        weeks.append(WeekSatisfaction(span.week, span.first_day, span.last_day, n, n_good, rate(n_good, n)))
    return tuple(weeks)


def _repairs(counts: dict[str, dict[tuple[Any, ...], int]]) -> Repairs:
    def row(category: str | None, pick: Any) -> RepairRow:
        n_done, n_on_time = pick(counts["completed"]), pick(counts["on_time"])
        return RepairRow(category, pick(counts["new"]), n_done, n_on_time, rate(n_on_time, n_done),
                         pick(counts["open"]))

    categories = {key[0] for what in ("new", "completed", "open") for key in counts[what]}
    rows = [row(category, lambda source, c=category: source.get((c,), 0)) for category in categories]
    rows.sort(key=lambda r: (-r.new, -r.completed, -r.open_at_end, r.category or ""))
    return Repairs(totals=row(None, lambda source: sum(source.values())), by_category=tuple(rows))


def _return_visits(by_status: dict[tuple[Any, ...], int]) -> ReturnVisits:
    due = sum(by_status.values())
    answered, by_phone = by_status.get((VisitStatus.ANSWERED,), 0), by_status.get((VisitStatus.PHONE,), 0)
    return ReturnVisits(due=due, answered=answered, by_phone=by_phone, pending=due - answered - by_phone,
                        rate=rate(answered + by_phone, due))


def _complaints(by_status: dict[tuple[Any, ...], int], on_time: int) -> Complaints:
    new, cancelled = sum(by_status.values()), by_status.get((TicketStatus.CANCELLED,), 0)
    closed = by_status.get((TicketStatus.CLOSED,), 0)
    return Complaints(new=new, cancelled=cancelled, closed=closed, closed_on_time=on_time,
                      not_closed=new - cancelled - closed, closure_rate=rate(closed, new - cancelled),
                      on_time_rate=rate(on_time, closed))


def _suggestions(counts: dict[tuple[Any, ...], int]) -> Suggestions:
    new, cancelled, on_time, pending = (counts.get((what,), 0) for what in ("new", "cancelled", "on_time", "pending"))
    return Suggestions(new=new, cancelled=cancelled, replied_on_time=on_time, pending=pending,
                       rate=rate(on_time, new - cancelled - pending))


def _fees(billed: dict[tuple[Any, ...], Decimal], paid: dict[tuple[Any, ...], Decimal], homes_billed: int,
          homes_owing: int) -> Fees:
    def row(item: str | None, owed: Decimal, received: Decimal) -> FeeRow:
        return FeeRow(item, owed, received, owed - received, rate(received, owed))

    rows = [row(item, amount or ZERO, paid.get((item,)) or ZERO) for (item,), amount in billed.items()]
    rows.sort(key=lambda r: (-r.billed, r.item or ""))
    totals = row(None, sum((r.billed for r in rows), ZERO), sum((r.paid for r in rows), ZERO))
    return Fees(totals=totals, by_item=tuple(rows), homes_billed=homes_billed, homes_owing=homes_owing)


def _pick(grouped: Grouped, scope: str | None) -> dict[tuple[Any, ...], Any]:
    """One estate's rows (the estate dropped from the key), or the company's: the estates' summed."""
    picked: dict[tuple[Any, ...], Any] = {}
    for (estate, *rest), value in grouped.items():
        if scope is None or estate == scope:
            key = tuple(rest)
            picked[key] = picked[key] + value if key in picked else value
    return picked


def _total(grouped: Grouped, scope: str | None) -> int:
    return sum(value for (estate, *_rest), value in grouped.items() if scope is None or estate == scope)


# ---------------------------------------------------------------- helpers


def _as_of(period: Period, now: datetime) -> datetime:
    return min(period.end, now)


def _within(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def _met_in_time() -> ColumnElement[bool]:
    return and_(TicketDeadline.met_at.is_not(None), TicketDeadline.met_at <= TicketDeadline.due_at)


def _only(estate: str | None) -> ColumnElement[bool]:
    """A ticket query limited to one estate, or not at all."""
    return Ticket.estate == estate if estate else true()


def _state_at(kind: str, period: Period, now: datetime, only: str | None) -> Subquery:
    """(ticket_id, status) of the tickets of ``kind`` that may have been open at the end of the
    period: the status its last event before the end left it in (so a ticket closed then and
    reopened later was closed); for the current period, the status now.

    Only a ticket open now or changed since the end can have been open then: any other has had
    its present (closed or cancelled) status since before the end. So a year of history is not
    read for last month's figures."""
    if not period.is_complete(now):
        return (select(Ticket.id.label("ticket_id"), Ticket.status.label("status"))
                .where(Ticket.kind == kind, _only(only)).subquery())
    last = (select(TicketEvent.ticket_id.label("ticket_id"), func.max(TicketEvent.id).label("event_id"))
            .join(Ticket, Ticket.id == TicketEvent.ticket_id)
            .where(Ticket.kind == kind, _only(only), TicketEvent.at < period.end,
                   Ticket.status.in_(OPEN_STATUSES)
                   | Ticket.id.in_(select(TicketEvent.ticket_id).where(TicketEvent.at >= period.end)))
            .group_by(TicketEvent.ticket_id)
            .subquery())
    return (select(last.c.ticket_id, TicketEvent.to_status.label("status"))
            .select_from(last).join(TicketEvent, TicketEvent.id == last.c.event_id)
            .subquery())


async def _counts(session: AsyncSession, query: Any) -> Grouped:
    """Grouped rows whose last column is a count: the other columns as the key."""
    return {tuple(key): int(n) for *key, n in await session.execute(query)}


async def _sums(session: AsyncSession, query: Any) -> Grouped:
    """Grouped rows whose last column is a sum of money (Decimal yuan)."""
    return {tuple(key): amount or ZERO for *key, amount in await session.execute(query)}


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
