"""Owners asking about what an active notice announced: "怎么停水了" gets the notice, not a repair form.

A message counts as asking when it names what the notice is about in the words owners use for it
(``ASKING`` per kind) and carries no sign of danger (``DANGER``: someone trapped, fire, smoke,
sparks, gas), which always goes to the usual flow. The notice applies to an account with a home in
its scope, or one that is among its recipients (a reporter of the ticket it was made from), from
its start to its end.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.nlu.rules import emergency_reason
from bot.script import to_simplified
from models import Building, Estate, Home, HomeBinding, Notice, NoticeRecipient

WATER = r"停水|没水|没有水|无水|冇水|断水|来水|水停|水怎么停|供水|水压|水.{0,4}(没|不|冇)(来|出|有)|有水"
POWER = r"停电|没电|没有电|冇电|断电|来电|电停|供电|电.{0,4}(没|不|冇)(来|有)|有电"
LIFT = r"(电梯|𨋢|䢂).{0,6}(停|坏|不动|不能|用不了|维保|检修|维修|怎么|不走|没反应|不开|关了|什么时候|几时|冇得)"
ASKING = {
    "停水": re.compile(WATER),
    "停电": re.compile(POWER),
    "电梯维保": re.compile(LIFT),
    "消防演练": re.compile(r"演练|警报|报警声|警铃|铃声|广播"),
    "消杀": re.compile(r"消杀|打药|喷药|药味|灭鼠|杀虫|灭蟑"),
    "台风预警": re.compile(r"台风|大风|刮风|防风"),
}
# Danger always goes to the usual flow (and the emergency rules of the NLU decide what is one).
DANGER = re.compile(r"困|被关|关在|出不来|救命|着火|火灾|起火|冒烟|烟味|焦味|烟雾|漏电|触电|火花|打火|燃气|煤气|爆|"
                    r"受伤|晕|淹|喷水|破了|夹|坠|掉下|砸|呼吸|喘|呕吐|危险|快来")
# Not about the outage at all: bills, caller id, complaints about a contractor, advertising.
ELSEWHERE = re.compile(r"水费|电费|费用|账单|缴费|交费|扣款|显示|投诉|广告|发票|水闸|电话")
# Any of the words above: the text route's pattern, so that other messages never reach the database.
TRADITIONAL_OR_TYPED = "|點|電|斷|沒|幾|麼|冇|壞|𨋢|挺水|停店"  # before owners_words has simplified them
ANY_ASKING = "(?s).*(" + "|".join(pattern.pattern for pattern in ASKING.values()) + TRADITIONAL_OR_TYPED + ").*"


def owners_words(text: str) -> str:
    """The message as the rules read it: simplified characters, full-width forms folded, typos of the kinds fixed."""
    simplified, _traditional = to_simplified(unicodedata.normalize("NFKC", text))
    return simplified.replace("挺水", "停水").replace("停店", "停电")


def asks_about(text: str, kind: str) -> bool:
    words = owners_words(text)
    pattern = ASKING.get(kind)
    return (pattern is not None and pattern.search(words) is not None and DANGER.search(words) is None
            and ELSEWHERE.search(words) is None and emergency_reason(words) is None)


async def notice_asked_about(session: AsyncSession, openid: str, text: str, now: datetime) -> Notice | None:
    """The active notice this account's message asks about, if any (the most recent when several)."""
    words = owners_words(text)
    if DANGER.search(words) or emergency_reason(words) is not None:
        return None
    active = (await session.scalars(select(Notice).where(Notice.status == "active", Notice.starts_at <= now,
                                                         Notice.ends_at > now)
                                    .order_by(Notice.starts_at.desc(), Notice.id.desc()))).all()
    asked = [notice for notice in active if asks_about(text, notice.kind)]
    if not asked:
        return None
    homes = (await session.execute(
        select(Estate.code, Building.code, Home.unit).join(Building, Building.estate_id == Estate.id)
        .join(Home, Home.building_id == Building.id).join(HomeBinding, HomeBinding.home_id == Home.id)
        .where(HomeBinding.openid == openid, HomeBinding.status == "active"))).all()
    listed = set(await session.scalars(select(NoticeRecipient.notice_id).where(
        NoticeRecipient.openid == openid, NoticeRecipient.notice_id.in_([notice.id for notice in asked]))))
    for notice in asked:
        if notice.id in listed or any(_in_scope(notice, estate, building, unit) for estate, building, unit in homes):
            return notice
    return None


def _in_scope(notice: Notice, estate: str, building: str, unit: str) -> bool:
    if estate != notice.estate:
        return False
    if not notice.buildings and not notice.units:
        return True
    return building in notice.buildings or f"{building}-{unit}" in notice.units
