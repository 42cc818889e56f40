"""查询费用: what a bound home owes, month by month and item by item, and how to pay.

Rules (docs/domain.md, 物业费与收费):
- Figures only for a home bound to the asking account (the current one, or another of its bound
  homes named in the message). Any other room gets the same answer whether it exists or not.
- A tenant whose binding an owner accepted is bound to the home and may see its bills: the
  owner's consent is exactly the consent to act for the home.
- Bills are the billing system's figures: for a home in custody (托管) the property-fee rows are
  already charged at ``fees.custody_fee_ratio``; the bot says so and never recomputes money.
- Money is Decimal throughout, shown as ¥1,234.50.
- How to pay (怎么交/可以微信付吗, read by the NLU) is public: answered without a binding.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.router import Router, Turn
from bot.settings import Settings
from handlers.domain.homes import PENDING as PENDING_STATUS
from handlers.domain.homes import BoundHome, bound_homes, find_bound, home_label, pick_home, spans_estates
from handlers.flows import Flow
from handlers.replies import english
from handlers.replies import fee as replies
from models import Bill

router = Router("fee")

CENT = Decimal("0.01")
PROPERTY_FEE = "物业费"

def yuan(amount: Decimal) -> str:
    """¥1,234.50: yuan, thousands separated, exactly two decimals."""
    return f"¥{amount.quantize(CENT):,.2f}"


def month_name(period: str) -> str:
    """2026-09 → 2026年9月."""
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


@router.intent("fee_query", name="查询费用", english=english.FEE)
async def fee_query(turn: Turn, session: AsyncSession, settings: Settings) -> str:
    understanding = turn.understanding
    if understanding.details.how_to_pay:
        return _payment_methods(settings)
    homes = await bound_homes(session, turn.openid)
    room, estate = understanding.slots.get("room"), understanding.slots.get("estate")
    if room is not None or (estate is not None and spans_estates(homes)):  # 3-2-502的物业费, 兰亭苑那套的物业费
        found = pick_home(homes, estate=estate, room=room, ordinal=None) if estate else find_bound(homes, room or "")
        if found is None:
            return replies.ROOM_NOT_BOUND.format(room=room or settings.for_estate(estate).estate.name)
        target = found
    elif homes:
        target = homes[0]
    elif await bound_homes(session, turn.openid, statuses=(PENDING_STATUS,)):
        return replies.PENDING
    else:
        return replies.NEED_BINDING
    return await _statement(session, target, homes, settings)


def _payment_methods(settings: Settings) -> str:
    return replies.METHODS.format(estate=settings.estate.name, methods=_numbered(settings.fees.payment_methods),
                                  hotline=settings.estate.hotline)


def _numbered(lines: tuple[str, ...]) -> str:
    return "\n".join(f"{index}. {line}" for index, line in enumerate(lines, start=1))


async def _statement(session: AsyncSession, target: BoundHome, homes: list[BoundHome], settings: Settings) -> str:
    settings = settings.for_estate(target.estate)  # the home's estate: its ways to pay and its hotline
    home = target.home
    bills = list(await session.scalars(
        select(Bill).where(Bill.home_id == home.id, Bill.paid.is_(False)).order_by(Bill.period, Bill.id)))
    balance = home.prepaid_balance or Decimal("0.00")
    others = [home_label(bound, homes, settings) for bound in homes if bound.home.id != home.id]
    room = home_label(target, homes, settings)
    other_line = replies.OTHER_HOMES.format(rooms="、".join(others), example=others[0]) if others else ""
    if not bills:
        parts = [replies.NOTHING_OWED.format(room=room)]
        if balance > 0:
            parts.append(replies.PREPAID_ONLY.format(balance=yuan(balance)))
        parts += [other_line, replies.NOTHING_OWED_CLOSING]
        return "\n".join(part for part in parts if part)
    by_month: dict[str, list[Bill]] = defaultdict(list)
    for bill in bills:
        by_month[bill.period].append(bill)
    months = "\n".join(
        replies.MONTH.format(month=month_name(period), items=replies.ITEM_SEPARATOR.join(
            replies.ITEM.format(item=bill.item, amount=yuan(bill.amount)) for bill in items))
        for period, items in by_month.items())
    total = sum((bill.amount for bill in bills), Decimal("0.00"))
    parts = [replies.STATEMENT.format(room=room, months=months, total=yuan(total))]
    if balance > 0:
        parts.append(replies.PREPAID_COVERS.format(balance=yuan(balance)) if balance >= total
                     else replies.PREPAID.format(balance=yuan(balance), due=yuan(total - balance)))
    if home.in_custody and any(bill.item == PROPERTY_FEE for bill in bills):
        parts.append(replies.CUSTODY.format(percent=_percent(settings.fees.custody_fee_ratio)))
    parts += [replies.PAY.format(methods=_numbered(settings.fees.payment_methods)), other_line,
              replies.CLOSING.format(hotline=settings.estate.hotline)]
    return "\n".join(part for part in parts if part)


def _percent(ratio: Decimal) -> str:
    """0.70 → 70, 0.725 → 72.5."""
    percent = ratio * 100
    if percent == percent.to_integral_value():
        return str(int(percent))
    return f"{percent.normalize():f}"


FLOW = Flow(router)
