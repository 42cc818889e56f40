"""Monthly arrears reminders (催缴) to bound owners, and the dunning ladder flagged for staff.

- Selection: every home with unpaid bills of a month before the current one. The reminder goes
  to the home's bound owners (never tenants); an unbound home gets none (staff phone it). At most
  one reminder per home per month (a unique row in ``fee_reminders``), whatever the restarts; a
  home that has paid owes nothing and is not selected by the next run.
- The ladder (docs/domain.md) is for staff, never sent to owners: still owing 3 months after the
  first reminder of the current arrears → formal letter list (催缴函); arrears older than
  6 months → legal list (法律程序); staff decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.replies import visits as replies
from models import Bill, Building, Estate, FeeReminder, Home, HomeBinding

LETTER_AFTER_MONTHS = 3
LEGAL_AFTER_MONTHS = 6


@dataclass(frozen=True)
class Arrears:
    home_id: int
    room: str
    amount: Decimal
    months_owed: int
    oldest_period: str
    estate: str = ""  # its estate's code


@dataclass(frozen=True)
class DunningFlag:
    room: str
    amount: Decimal
    months_owed: int
    oldest_period: str
    first_reminder: str | None
    level: str  # reminder | letter | legal
    estate: str = ""  # the home's estate's code


def month_of(moment: datetime, settings: Settings) -> str:
    return f"{moment.astimezone(settings.tz):%Y-%m}"


def months_between(earlier: str, later: str) -> int:
    (y1, m1), (y2, m2) = (map(int, earlier.split("-")), map(int, later.split("-")))
    return (y2 - y1) * 12 + (m2 - m1)


async def arrears(session: AsyncSession, month: str) -> list[Arrears]:
    """Homes owing for months before ``month``, in one grouped query."""
    rows = await session.execute(  # func.sum keeps the Money type: the total comes back as exact Decimal
        select(Bill.home_id, Home.room_key, func.sum(Bill.amount), func.count(func.distinct(Bill.period)),
               func.min(Bill.period), Estate.code)
        .join(Home, Home.id == Bill.home_id).join(Building, Building.id == Home.building_id)
        .join(Estate, Estate.id == Building.estate_id)
        .where(Bill.paid.is_(False), Bill.period < month)
        .group_by(Bill.home_id, Home.room_key, Estate.code)
    )
    return [Arrears(home_id, room, amount, int(months), oldest, estate)
            for home_id, room, amount, months, oldest, estate in rows]


@dataclass(frozen=True)
class RemindersSent:
    homes: int
    messages: int
    homes_by_estate: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return f"reminded {self.homes} homes ({self.messages} messages)" if self.homes else "no arrears"


async def send_fee_reminders(session: AsyncSession, now: datetime, outbox: Outbox,
                             settings: Settings) -> RemindersSent:
    month = month_of(now, settings)
    owing = await arrears(session, month)
    if not owing:
        return RemindersSent(0, 0, {})
    owners: dict[int, list[str]] = {}
    estates_of: dict[str, set[str]] = {}  # an owner's estates: the estate is named when there are several
    for home_id, openid, estate in await session.execute(
        select(HomeBinding.home_id, HomeBinding.openid, Estate.code)
        .join(Home, Home.id == HomeBinding.home_id).join(Building, Building.id == Home.building_id)
        .join(Estate, Estate.id == Building.estate_id)
        .where(HomeBinding.status == "active", HomeBinding.role == "owner")
    ):
        owners.setdefault(home_id, []).append(openid)
        estates_of.setdefault(openid, set()).add(estate)
    already = set(await session.scalars(select(FeeReminder.home_id).where(FeeReminder.month == month)))
    reminders, pushes = [], []
    for item in owing:
        if item.home_id in already or item.home_id not in owners:
            continue
        reminders.append({"home_id": item.home_id, "month": month, "amount": item.amount,
                          "months_owed": item.months_owed, "oldest_period": item.oldest_period, "sent_at": now})
        local = settings.for_estate(item.estate)  # its estate's payment methods and quiet hours
        methods = "\n".join(f"· {method}" for method in local.fees.payment_methods)
        for openid in owners[item.home_id]:
            room = f"{local.estate.name} {item.room}" if len(estates_of[openid]) > 1 else item.room
            text = replies.FEE_REMINDER.format(room=room, months=item.months_owed, oldest=item.oldest_period,
                                               amount=f"{item.amount:,.2f}", methods=methods)
            pushes.append({"key": f"fee:{item.home_id}:{month}:{openid}", "recipient": openid, "text": text,
                           "kind": "fee_reminder", "quiet_hours": local.quiet_hours})
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(reminders), 5000):
        await session.execute(insert(FeeReminder).on_conflict_do_nothing(index_elements=["home_id", "month"]),
                              reminders[start:start + 5000])
    for start in range(0, len(pushes), 5000):
        await outbox.enqueue_many(session, pushes[start:start + 5000])
    by_estate: dict[str, int] = {}
    for item in owing:
        if item.home_id not in already and item.home_id in owners:
            by_estate[item.estate] = by_estate.get(item.estate, 0) + 1
    return RemindersSent(len(reminders), len(pushes), by_estate)


async def dunning_flags(session: AsyncSession, now: datetime, settings: Settings) -> list[DunningFlag]:
    """Every home in arrears with its rung of the ladder, most serious first."""
    month = month_of(now, settings)
    owing = await arrears(session, month)
    reminded: dict[int, list[str]] = {}
    for home_id, reminder_month in await session.execute(select(FeeReminder.home_id, FeeReminder.month)):
        reminded.setdefault(home_id, []).append(reminder_month)
    flags = []
    for item in owing:
        # only reminders sent since this arrears began count towards the ladder
        since = [m for m in reminded.get(item.home_id, []) if m >= item.oldest_period]
        first_reminder = min(since) if since else None
        level = "reminder"
        if months_between(item.oldest_period, month) > LEGAL_AFTER_MONTHS:
            level = "legal"
        elif first_reminder is not None and months_between(first_reminder, month) >= LETTER_AFTER_MONTHS:
            level = "letter"
        flags.append(DunningFlag(item.room, item.amount, item.months_owed, item.oldest_period, first_reminder, level,
                                 item.estate))
    order = {"legal": 0, "letter": 1, "reminder": 2}
    return sorted(flags, key=lambda flag: (order[flag.level], flag.room))
