"""查询费用: what a bound home owes, month by month and item by item, and how to pay.

Rules (DOMAIN.md, 物业费与收费):
- Figures only for a home bound to the asking account (the current one, or another of its bound
  homes named in the message). Any other room gets the same answer whether it exists or not.
- A tenant whose binding an owner accepted is bound to the home and may see its bills: the
  owner's consent is exactly the consent to act for the home.
- Bills are the billing system's figures: for a home in custody (托管) the property-fee rows are
  already charged at ``fees.custody_fee_ratio``; the bot says so and never recomputes money.
- Money is Decimal throughout, shown as ¥1,234.50.
- How to pay (怎么交/可以微信付吗) is public: answered without a binding.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.router import Router, Turn
from bot.settings import Settings
from handlers.flows.binding import PENDING as PENDING_STATUS
from handlers.flows.binding import BoundHome, bound_homes, find_bound
from handlers.replies import fee as replies
from models import Bill

router = Router("fee")

CENT = Decimal("0.01")
PROPERTY_FEE = "物业费"

# A fee_query that asks how to pay rather than how much (怎么交物业费, 哪里交, 可以刷卡吗).
_HOW_TO_PAY = re.compile(
    r"(?:怎么|怎样|如何|哪里|哪儿|在哪|去哪)(?:里)?(?:能|可以)?(?:交|缴|付|支付|缴纳|交纳)"
    r"|(?:可以|能|能不能|可不可以|支持|是否支持)(?:用)?(?:微信|支付宝|银行卡|信用卡|刷卡|转账|现金|扫码|网上|线上|手机)"
    r"|(?:缴费|交费|支付|付款|付费)(?:方式|渠道|途径|方法)"
    r"|支付宝|刷卡|转账|扫码|(?:线上|网上|手机上?)(?:交|缴|付|支付)")

_HOW_MUCH = re.compile(r"多少|欠|账单|明细|查|余额|金额|几个月")

# Payment questions the NLU may read as faq (可以微信付吗): a text pattern, fullmatch after trimming.
PAYMENT_QUESTION_PATTERN = (
    r"(?:请问)?(?:物业费|停车费|水费|电费|费用|账单)?(?:可以|能|能不能|可不可以|支持|是否支持)(?:用)?"
    r"(?:微信|支付宝|银行卡|信用卡|刷卡|转账|现金|扫码|网上|线上)"
    r"(?:支付|付款|缴费|交费|缴纳|付|交|缴)?(?:物业费|停车费|水费|电费|费用)?(?:吗|嗎|么|麼|嘛|不)?[？?。]?")


def yuan(amount: Decimal) -> str:
    """¥1,234.50: yuan, thousands separated, exactly two decimals."""
    return f"¥{amount.quantize(CENT):,.2f}"


def month_name(period: str) -> str:
    """2026-09 → 2026年9月."""
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


def asks_how_to_pay(text: str) -> bool:
    """怎么交物业费 asks for the ways to pay; 还欠多少，怎么交 wants the figures (which list the ways too)."""
    return _HOW_TO_PAY.search(text) is not None and _HOW_MUCH.search(text) is None


@router.intent("fee_query")
async def fee_query(turn: Turn, session: AsyncSession, settings: Settings) -> str:
    understanding = turn.understanding
    if asks_how_to_pay(understanding.text):
        return _payment_methods(settings)
    homes = await bound_homes(session, turn.openid)
    room = understanding.slots.get("room")
    if room is not None:
        target = find_bound(homes, room)
        if target is None:
            return replies.ROOM_NOT_BOUND.format(room=room)
    elif homes:
        target = homes[0]
    elif await bound_homes(session, turn.openid, statuses=(PENDING_STATUS,)):
        return replies.PENDING
    else:
        return replies.NEED_BINDING
    return await _statement(session, target, homes, settings)


@router.text(PAYMENT_QUESTION_PATTERN)
async def payment_question(settings: Settings) -> str:
    return _payment_methods(settings)


def _payment_methods(settings: Settings) -> str:
    return replies.METHODS.format(estate=settings.estate.name, methods=_numbered(settings.fees.payment_methods),
                                  hotline=settings.estate.hotline)


def _numbered(lines: tuple[str, ...]) -> str:
    return "\n".join(f"{index}. {line}" for index, line in enumerate(lines, start=1))


async def _statement(session: AsyncSession, target: BoundHome, homes: list[BoundHome], settings: Settings) -> str:
    home = target.home
    bills = list(await session.scalars(
        select(Bill).where(Bill.home_id == home.id, Bill.paid.is_(False)).order_by(Bill.period, Bill.id)))
    balance = home.prepaid_balance or Decimal("0.00")
    others = [bound.room for bound in homes if bound.home.id != home.id]
    other_line = replies.OTHER_HOMES.format(rooms="、".join(others), example=others[0]) if others else ""
    if not bills:
        parts = [replies.NOTHING_OWED.format(room=home.room_key)]
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
    parts = [replies.STATEMENT.format(room=home.room_key, months=months, total=yuan(total))]
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
