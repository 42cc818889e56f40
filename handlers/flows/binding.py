"""绑定房屋: verify room, name and phone against the owner register (业主档案), then bind.

- An owner is bound at once; the first home of an account becomes its current home.
- A tenant (Resident.role ``tenant``) waits for an owner of that home: every owner account bound
  to it is asked to reply “同意 NNNN” or “拒绝 NNNN”; only an active owner of that home decides,
  and the tenant hears the outcome by push.
- Failures are counted per openid and local day (BindingAttempt): at
  ``conversation.binding_attempts_per_day`` binding is locked until the next day. A failure never
  says which of room, name and phone was wrong, so the bot cannot be used to learn who lives where.
- One account may hold several homes: 切换到 3-2-502 picks the current one, 我绑定了哪些房子 lists
  them, 解除绑定 3-2-501 unbinds. The NLU has no label for these, so they are text patterns (and
  cues inside a ``bind_unit`` message).

The owner's decision, and the consent code, are in ``handlers.domain.consent`` (a bare 同意 is
decided there too, by the consent flow).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Form
from bot.dialogue.router import Ask, Router, Turn
from bot.nlu.details import details_of
from bot.outbox.queue import Outbox
from bot.privacy import mask_phones
from bot.script import to_traditional
from bot.settings import Settings
from handlers.domain import consent
from handlers.domain.estates import estate_of_home
from handlers.domain.homes import (
    ACTIVE,
    OWNER,
    PENDING,
    TENANT,
    BoundHome,
    EstateHome,
    bound_homes,
    find_bound,
    home_label,
    homes_by_room,
    pick_home,
)
from handlers.flows import Flow
from handlers.replies import binding as replies
from handlers.replies import english
from models import BindingAttempt, Home, HomeBinding, Resident
from models.enums import BindingStatus

router = Router("binding")



# Texts the NLU cannot label: fullmatch after trimming (see Router.text).
UNBIND_PATTERN = (r"(?:我要|我想|请|帮我|麻烦)?(?:解绑|解除绑定|取消绑定|解除房屋绑定|取消房屋绑定)"
                  r"(?:房屋|房子)?\s*[:：]?\s*(?P<room>\S{0,24})")
SWITCH_PATTERN = (r"(?:请|帮我)?(?:切换(?:到|成|为)?(?:当前)?(?:房屋|房子)?|换到|换成)\s*[:：]?\s*"
                  r"(?P<room>\S{0,24})")  # a room, or an estate's name (切换到兰亭苑); anything else declines
ROOM_LIKE = re.compile(r"[0-9A-Za-z一二三四五六七八九十零〇两]")
LIST_PATTERN = (r"(?:我|我家)?(?:都)?(?:绑定?了|绑定的|已绑定的?)(?:哪些|哪几套|几套|什么)?"
                r"(?:房子|房屋|房)(?:有哪些)?[？?]?"
                r"|我的(?:房子|房屋)有哪些[？?]?|查看(?:已)?绑定(?:的)?(?:房屋|房子)?"
                r"|我(?:家)?有(?:两|二|2|三|3|几|多)套房(?:子)?[，,。]?(?:都想绑(?:定)?(?:在这个号上)?)?")
CONSENT_PATTERN = r"(同意|拒绝)\s*(\d{4})"



@dataclass
class BindingState:
    started: bool = False  # the first message has been looked at for unbind/switch/list words
    retrying: bool = False  # the details did not match: the next message is a name to try again, or a fresh start


class BindingRejected(Exception):
    """The details given do not match the owner register (never says which detail)."""


# --- binding -------------------------------------------------------------------------------------


@router.form("bind_unit", name="绑定房屋", english=english.BINDING, accepts=("room", "phone", "estate"),
             state=BindingState)
async def bind_home(form: Form[BindingState], turn: Turn, session: AsyncSession, settings: Settings, outbox: Outbox,
                    now: datetime) -> Ask | str:
    if form.state.retrying:
        form.state.retrying = False
        fresh = turn.understood and turn.understanding.intent == "bind_unit" and "room" in turn.understanding.slots
        if fresh:  # 绑定房屋 3栋2单元501 … again: start from its words
            form.slots = {slot: value for slot, value in turn.understanding.slots.items() if slot in ("room", "phone")}
            form.answers.clear()
            form.state.started = False
    if not form.state.started:
        form.state.started = True
        other = await _not_a_new_binding(turn, session, form.slots.get("room"), now, settings)
        if other is not None:
            return other
    if await _failures_today(session, turn.openid, now, settings) >= settings.conversation.binding_attempts_per_day:
        return _locked(settings)
    room = form.slots.get("room")
    if room is None or "-" not in room:
        form.slots.pop("room", None)
        return Ask("room", replies.ASK_ROOM if room is None else replies.ASK_FULL_ROOM)
    located = await _home_in_estate(session, form, turn, room, settings)
    if isinstance(located, Ask):
        return located
    home = located
    if home is not None:
        estate_settings = settings.for_estate(await estate_of_home(session, home.id))
        settings = estate_settings  # its office and hotline in what follows
        known = await _known(session, turn.openid, home)
        if known is not None:
            return known
    if form.asking == "name" and "name" not in form.answers:
        _name_beside_phone(form, turn)
    if form.asking is None and "name" not in form.answers:  # the opening message: take the name it gives
        _name_among_parts(form, turn)
    if "name" not in form.answers:
        return Ask("name", replies.ASK_NAME, free_text=True)
    if "phone" not in form.slots:
        return Ask("phone", replies.ASK_PHONE)
    try:
        if home is None:
            raise BindingRejected
        resident = await _verify(session, home, form.answers["name"], form.slots["phone"])
    except BindingRejected:
        left = await _failed(session, turn.openid, now, settings)
        if left <= 0:
            return _locked(settings)
        # The same words whichever detail was wrong; the form stays, so 张伟 next is the name tried again.
        form.answers.pop("name", None)
        form.state.retrying = True
        return Ask("name", replies.MISMATCH_RETRY.format(left=left, office=_office(settings)), free_text=True)
    session.add(BindingAttempt(openid=turn.openid, at=now, succeeded=True))
    if resident.role == OWNER:
        return await _bind_owner(session, turn.openid, home, resident, now, settings)
    return await _ask_owner_consent(session, outbox, turn.openid, home, resident, now, settings)


async def _home_in_estate(session: AsyncSession, form: Form[BindingState], turn: Turn, room: str,
                          settings: Settings) -> Home | Ask | None:
    """The home with this room in the estate the owner named; when several estates have the room and
    none was named, ask which (docs/estates.md). None: no such home (the details will not match)."""
    candidates = await homes_by_room(session, room)
    estate = form.slots.get("estate")  # the NLU's estate slot, from any message of the form
    answer = form.answers.pop("estate", None)
    if estate is None and answer is not None:
        estate = turn.understanding.slots.get("estate") or _estate_by_number(answer, candidates)
    if estate is not None:
        form.slots["estate"] = estate
        candidates = [match for match in candidates if match.estate == estate]
    if len({match.estate for match in candidates}) > 1:
        names = [settings.for_estate(match.estate).estate.name for match in candidates]
        choices = "\n".join(f"{index}. {name}" for index, name in enumerate(names, 1))
        return Ask("estate", replies.ASK_ESTATE.format(room=room, choices=choices, example=names[-1]), free_text=True)
    return candidates[0].home if candidates else None


def _estate_by_number(answer: str, candidates: list[EstateHome]) -> str | None:
    """“2” or “第二个” for the second estate listed."""
    ordinal = details_of(answer).ordinal
    estates = list(dict.fromkeys(match.estate for match in candidates))
    if ordinal is not None and 1 <= ordinal <= len(estates):
        return estates[ordinal - 1]
    return None


async def _not_a_new_binding(turn: Turn, session: AsyncSession, room: str | None, now: datetime,
                             settings: Settings) -> str | None:
    """A bind_unit message that asks to unbind, switch or list (解绑之前那套房子, 我绑定了哪些房子)."""
    details = turn.understanding.details
    estate = turn.understanding.slots.get("estate")
    if details.unbind:
        return await _unbind(session, turn.openid, room, now, settings, estate)
    if details.switch_home:
        return await _switch(session, turn.openid, room, settings, estate)
    if details.list_homes:
        return await _list(session, turn.openid, settings)
    return None


async def _known(session: AsyncSession, openid: str, home: Home) -> str | None:
    """Binding again is harmless: say it is done (or waiting), ask nothing."""
    mine = await bound_homes(session, openid, statuses=(ACTIVE, PENDING))
    for bound in mine:
        if bound.home.id != home.id:
            continue
        if bound.binding.status == PENDING:
            return replies.ALREADY_PENDING.format(room=home.room_key)
        if bound.binding.is_current:
            return replies.ALREADY_BOUND.format(room=home.room_key)
        return replies.ALREADY_BOUND_NOT_CURRENT.format(room=home.room_key)
    return None


def _name_beside_phone(form: Form[BindingState], turn: Turn) -> None:
    """“张伟 13800000001” answers the name question and the phone one together."""
    name = turn.understanding.details.name_beside_phone
    if name is not None:
        form.answers["name"] = name


def _name_among_parts(form: Form[BindingState], turn: Turn) -> None:
    """“绑定房屋，3栋2单元501，张伟，手机13800000001” gives the name with the rest: never ask again."""
    names = turn.understanding.details.names if turn.understood else []
    if len(names) == 1:
        form.answers["name"] = names[0]


def _same_name(given: str, registered: str) -> bool:
    """Names compare after trimming, ignoring spaces, case and the script (張偉 is 张伟)."""

    def plain(name: str) -> str:
        return to_traditional("".join(name.split()).replace("•", "·")).casefold()

    return plain(details_of(given).person_name) == plain(registered)


async def _verify(session: AsyncSession, home: Home, name: str, phone: str) -> Resident:
    """The register row with this home, phone and name; BindingRejected for any mismatch."""
    residents = await session.scalars(select(Resident).where(Resident.home_id == home.id, Resident.phone == phone))
    for resident in residents:
        if _same_name(name, resident.name):
            return resident
    raise BindingRejected


async def _failures_today(session: AsyncSession, openid: str, now: datetime, settings: Settings) -> int:
    start = datetime.combine(now.astimezone(settings.tz).date(), time(0), tzinfo=settings.tz)
    count = await session.scalar(
        select(func.count()).select_from(BindingAttempt)
        .where(BindingAttempt.openid == openid, BindingAttempt.succeeded.is_(False),
               BindingAttempt.at >= start, BindingAttempt.at < start + timedelta(days=1)))
    return int(count or 0)


async def _failed(session: AsyncSession, openid: str, now: datetime, settings: Settings) -> int:
    """Record a failed attempt; the attempts left today."""
    session.add(BindingAttempt(openid=openid, at=now, succeeded=False))
    await session.flush()
    return settings.conversation.binding_attempts_per_day - await _failures_today(session, openid, now, settings)


def _locked(settings: Settings) -> str:
    return replies.LOCKED.format(limit=settings.conversation.binding_attempts_per_day, office=_office(settings),
                                 hotline=settings.estate.hotline)


def _office(settings: Settings) -> str:
    return settings.estate.office_address or "物业服务中心"


async def _bind_owner(session: AsyncSession, openid: str, home: Home, resident: Resident, now: datetime,
                      settings: Settings) -> str:
    homes = await bound_homes(session, openid)
    session.add(HomeBinding(openid=openid, home_id=home.id, resident_id=resident.id, role=OWNER, status=ACTIVE,
                            is_current=not homes, created_at=now, decided_at=now))
    if homes:
        mine = await bound_homes(session, openid)  # with the new one: its estate is named if it differs
        new = next((bound for bound in mine if bound.home.id == home.id), None)
        room = home_label(new, mine, settings) if new is not None else home.room_key
        return replies.OWNER_BOUND_NOT_CURRENT.format(room=room, current=home_label(homes[0], mine, settings))
    return replies.OWNER_BOUND.format(room=home.room_key)


async def _ask_owner_consent(session: AsyncSession, outbox: Outbox, openid: str, home: Home, resident: Resident,
                             now: datetime, settings: Settings) -> str:
    owners = list(await session.scalars(
        select(HomeBinding.openid).where(HomeBinding.home_id == home.id, HomeBinding.role == OWNER,
                                         HomeBinding.status == ACTIVE).distinct()))
    if not owners:
        return replies.TENANT_NO_OWNER.format(room=home.room_key, office=_office(settings),
                                              hotline=settings.estate.hotline)
    binding = HomeBinding(openid=openid, home_id=home.id, resident_id=resident.id, role=TENANT, status=PENDING,
                          is_current=False, created_at=now)
    session.add(binding)
    await session.flush()
    text = replies.CONSENT_REQUEST.format(name=resident.name, phone=mask_phones(resident.phone), room=home.room_key,
                                          code=consent.consent_code(binding.id))
    for owner in owners:  # settings are the home's estate's: its quiet hours
        await outbox.enqueue(session, key=f"binding:{binding.id}:ask:{owner}", recipient=owner,
                             text=await consent.for_owner(session, owner, text, home, settings), kind="binding",
                             quiet_hours=settings.quiet_hours)
    return replies.TENANT_PENDING.format(room=home.room_key)


# --- the owner's consent to a tenant -------------------------------------------------------------


@router.text(CONSENT_PATTERN)
async def decide_tenant(match: re.Match[str], turn: Turn, session: AsyncSession, outbox: Outbox, settings: Settings,
                        now: datetime) -> str:
    """同意 4821 / 拒绝 4821 from an owner of the home: the tenant's binding becomes active or rejected."""
    verdict, code = match.group(1), match.group(2)
    request = await consent.tenant_binding_for_code(session, turn.openid, code)
    if request is None:
        return replies.CONSENT_UNKNOWN.format(code=code)
    return await consent.decide_tenant_binding(session, outbox, settings, request, verdict == "同意", now)


# --- several homes, switching, unbinding ---------------------------------------------------------


@router.text(LIST_PATTERN)
async def list_homes(turn: Turn, session: AsyncSession, settings: Settings) -> str:
    return await _list(session, turn.openid, settings)


@router.text(SWITCH_PATTERN)
async def switch_home(match: re.Match[str], turn: Turn, session: AsyncSession, settings: Settings) -> str | None:
    written = match.group("room")
    room = _room_named(turn, written)
    estate = turn.understanding.slots.get("estate")  # 切换到兰亭苑
    if room is None and estate is None and written:
        if not ROOM_LIKE.match(written):
            return None  # 切换到人工: not about homes, the dialogue reads it
        return replies.NO_ROOM_READ.format(verb="切换到")
    return await _switch(session, turn.openid, room, settings, estate)


@router.text(UNBIND_PATTERN)
async def unbind_home(match: re.Match[str], turn: Turn, session: AsyncSession, now: datetime,
                      settings: Settings) -> str:
    room = _room_named(turn, match.group("room"))
    estate = turn.understanding.slots.get("estate")
    if room is None and estate is None and match.group("room") not in ("", "房屋", "房子"):
        return replies.NO_ROOM_READ.format(verb="解除绑定")
    return await _unbind(session, turn.openid, room, now, settings, estate)


def _room_named(turn: Turn, written: str) -> str | None:
    if not written:
        return None
    return turn.understanding.slots.get("room") or turn.understand(expecting="room").slots.get("room")


async def _list(session: AsyncSession, openid: str, settings: Settings) -> str:
    homes = await bound_homes(session, openid, statuses=(ACTIVE, PENDING))
    if not homes:
        return replies.NOTHING_BOUND
    active = [bound for bound in homes if bound.binding.status == ACTIVE]
    hint = (replies.SWITCH_HINT if len(active) > 1 else "") + replies.MORE_HINT + "\n"
    return replies.HOMES.format(homes=_lines(homes, settings), hint=hint)


def _lines(homes: list[BoundHome], settings: Settings) -> str:
    lines = []
    for index, bound in enumerate(homes, start=1):
        binding = bound.binding
        mark = (replies.PENDING_MARK if binding.status == PENDING
                else replies.CURRENT_MARK if binding.is_current else "")
        lines.append(replies.HOME_LINE.format(index=index, room=home_label(bound, homes, settings),
                                              role=replies.ROLE_NAMES[binding.role], mark=mark).rstrip())
    return "\n".join(lines)


def _target(homes: list[BoundHome], room: str | None, estate: str | None) -> BoundHome | None:
    """The home of the account a switch or an unbind names: by room (3-2-502, or 502 when that is
    unambiguous), by estate (its only home there), or both; None when it names none or several."""
    if estate is not None:
        return pick_home(homes, estate=estate, room=room, ordinal=None)
    found = find_bound(homes, room) if room is not None else None
    if found is not None and sum(bound.room == found.room for bound in homes) > 1:
        return None  # the same room in two of the account's estates: say which
    return found


def _not_one_home(homes: list[BoundHome], room: str | None, estate: str | None, settings: Settings,
                  verb: str) -> str:
    """The answer when a switch or an unbind names no home of the account, or several."""
    named = [bound for bound in homes if (room is None or find_bound([bound], room) is not None)
             and (estate is None or bound.estate == estate)]
    if len(named) > 1:  # 3-2-501 in two estates, or two homes in the estate named
        example = home_label(named[-1], homes, settings)
        return replies.WHICH_OF_SEVERAL.format(verb=verb, example=example, homes=_lines(homes, settings))
    return replies.NOT_BOUND_ROOM.format(room=room or settings.for_estate(estate).estate.name)


async def _switch(session: AsyncSession, openid: str, room: str | None, settings: Settings,
                  estate: str | None = None) -> str:
    homes = await bound_homes(session, openid)
    if not homes:
        return replies.NOTHING_BOUND
    if room is None and estate is None:
        hint = replies.SWITCH_HINT if len(homes) > 1 else ""
        return replies.ASK_WHICH_SWITCH.format(example=home_label(homes[-1], homes, settings),
                                               homes=_lines(homes, settings), hint=hint)
    target = _target(homes, room, estate)
    if target is None:
        return _not_one_home(homes, room, estate, settings, "切换到")
    label = home_label(target, homes, settings)
    if target.binding.is_current:
        return replies.ALREADY_CURRENT.format(room=label)
    for bound in homes:
        bound.binding.is_current = bound is target
    return replies.SWITCHED.format(room=label)


async def _unbind(session: AsyncSession, openid: str, room: str | None, now: datetime, settings: Settings,
                  estate: str | None = None) -> str:
    homes = await bound_homes(session, openid, statuses=(ACTIVE, PENDING))
    if not homes:
        return replies.NOTHING_BOUND
    if room is None and estate is None:
        if len(homes) > 1:
            return replies.ASK_WHICH_UNBIND.format(example=home_label(homes[0], homes, settings),
                                                   homes=_lines(homes, settings))
        target = homes[0]
    else:
        found = _target(homes, room, estate)
        if found is None:
            return _not_one_home(homes, room, estate, settings, "解除绑定")
        target = found
    label = home_label(target, homes, settings)
    binding = target.binding
    withdrawn = binding.status == PENDING
    binding.status, binding.decided_at = BindingStatus.REVOKED, now
    if withdrawn:
        return replies.WITHDRAWN.format(room=label)
    was_current, binding.is_current = binding.is_current, False
    rest = [bound for bound in homes if bound.binding.status == ACTIVE]
    if was_current and rest:
        rest[0].binding.is_current = True
        return replies.UNBOUND_NEW_CURRENT.format(room=label, current=home_label(rest[0], homes, settings))
    return replies.UNBOUND.format(room=label)


FLOW = Flow(router)
