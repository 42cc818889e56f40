"""The staff console's dashboard (看板): today's tickets, the last 30 days' categories, satisfaction
by week and this month's fee collection, for every estate or the ones a staff member serves.

The figures mean what they mean in the reports (``figures.py``): open is ``OPEN_STATUSES``,
satisfaction is scores of 4-5 over all scores answered in the week (``_scores_by_week``), the
collection rate is paid over billed of the month's bills (``_fee_rows``), a ticket's estate is
``Ticket.estate`` and a bill's its home's building's. Unlike a report, the dashboard is always
"now": open and overdue are the tickets' present state.

A handful of grouped queries, read by estate and filtered in Python, as the reports are built.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.domain.tickets import OPEN_STATUSES
from handlers.reports.figures import (
    TREND_WEEKS,
    ZERO,
    _fee_rows,
    _scores_by_week,
    rate,
    report_estates,
)
from handlers.reports.period import MONTH, WEEK, period_containing, week_spans
from models import Ticket, TicketDeadline

CATEGORY_DAYS = 30  # the category chart's window: the 30 days before now
MAX_BARS = 8  # the category chart's bars, the last one 其他 when there are more categories
OTHER = "其他"  # a ticket with no category (a suggestion, a release permit …) and the chart's remainder


@dataclass(frozen=True)
class CategoryCount:
    category: str  # as stored in Ticket.category (水电 …); 其他 for none and the remainder
    count: int


@dataclass(frozen=True)
class WeekScore:
    label: str  # 11/23: the Monday of the ISO week (local time)
    rated: int
    satisfied: int
    rate: Decimal | None


@dataclass(frozen=True)
class EstateCollection:
    code: str
    name: str
    billed: Decimal
    paid: Decimal
    rate: Decimal | None  # None when nothing was billed


@dataclass(frozen=True)
class Dashboard:
    today_new: int
    open: int
    overdue: int
    by_category: tuple[CategoryCount, ...]  # largest first, 其他 last
    satisfaction: tuple[WeekScore, ...]  # the 8 ISO weeks ending with this one, oldest first
    collection: tuple[EstateCollection, ...]  # the configured estates' order
    month: str  # 2026-12: the month of ``collection``


async def dashboard(session: AsyncSession, settings: Settings, now: datetime,
                    estates: frozenset[str] | None) -> Dashboard:
    """The dashboard at ``now``: of every estate (``estates`` None, an admin), or of those codes only."""
    tz = settings.tz
    today = now.astimezone(tz).date()
    mine = Ticket.estate.in_(estates) if estates is not None else true()

    def tally(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    is_open = Ticket.status.in_(OPEN_STATUSES)
    late = exists().where(TicketDeadline.ticket_id == Ticket.id, TicketDeadline.met_at.is_(None),
                          TicketDeadline.due_at < now)
    midnight = datetime.combine(today, time(0), tzinfo=tz)
    today_new, open_now, overdue = (await session.execute(
        select(tally(Ticket.created_at >= midnight), tally(is_open), tally(and_(is_open, late)))
        .where(mine, (Ticket.created_at >= midnight) | is_open)
    )).one()

    since = now - timedelta(days=CATEGORY_DAYS)
    by_category: Counter[str] = Counter()
    for category, n in await session.execute(
            select(Ticket.category, func.count()).where(mine, Ticket.created_at >= since).group_by(Ticket.category)):
        by_category[category or OTHER] += int(n)

    week = period_containing(WEEK, today, tz)
    spans = week_spans(week.first_day - timedelta(weeks=TREND_WEEKS - 1), week.last_day)
    scores, satisfied = await _scores_by_week(session, spans, week, None)

    month = period_containing(MONTH, today, tz)
    billed, paid, _homes, _owing = await _fee_rows(session, month, None)

    def in_week(grouped: dict[tuple[Any, ...], int], index: int) -> int:
        return sum(n for (estate, at), n in grouped.items() if at == index and _serves(estates, estate))

    weeks = []
    for index, span in enumerate(spans):
        rated, good = in_week(scores, index), in_week(satisfied, index)
        weeks.append(WeekScore(f"{span.first_day.month}/{span.first_day.day}", rated, good, rate(good, rated)))
    return Dashboard(today_new=int(today_new), open=int(open_now), overdue=int(overdue),
                     by_category=_bars(by_category), satisfaction=tuple(weeks),
                     collection=await _collection(session, settings, billed, paid, estates), month=month.label)


def _bars(counts: Counter[str]) -> tuple[CategoryCount, ...]:
    """Largest first, at most ``MAX_BARS`` bars; 其他 (no category, and whatever does not fit) last."""
    named = sorted(((c, n) for c, n in counts.items() if c != OTHER), key=lambda pair: (-pair[1], pair[0]))
    other = counts[OTHER]
    room = MAX_BARS if not other and len(named) <= MAX_BARS else MAX_BARS - 1
    other += sum(n for _c, n in named[room:])
    bars = [CategoryCount(c, n) for c, n in named[:room]]
    return tuple([*bars, CategoryCount(OTHER, other)] if other else bars)


async def _collection(session: AsyncSession, settings: Settings, billed: dict[tuple[Any, ...], Decimal],
                      paid: dict[tuple[Any, ...], Decimal], estates: frozenset[str] | None
                      ) -> tuple[EstateCollection, ...]:
    """A row per estate served that is configured or has bills this month, in the reports' order."""
    configured = {estate.code for estate in settings.estate_list}
    with_bills = {estate for estate, _item in billed}
    rows = []
    for estate in await report_estates(session, settings):
        if not _serves(estates, estate.code) or estate.code not in configured | with_bills:
            continue
        owed = sum((amount for (code, _item), amount in billed.items() if code == estate.code), ZERO)
        received = sum((amount for (code, _item), amount in paid.items() if code == estate.code), ZERO)
        rows.append(EstateCollection(estate.code, estate.name, owed, received, rate(received, owed)))
    return tuple(rows)


def _serves(estates: frozenset[str] | None, code: str) -> bool:
    return estates is None or code in estates
