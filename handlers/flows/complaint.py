"""投诉: what happened, category, against whom, what the owner wants; tier; confirm; ticket C….

What happened is the owner's first message, in their own words (a bare "我要投诉" gets one question
for it). The category comes from the NLU (complaint vocabulary of docs/nlu.md), else from the
words, else it is asked for with the list; an answer we cannot place is filed under 其他 for staff
to sort. "Against whom" is asked once, and only when the words name nobody and the category
usually has someone behind it (a neighbour, a car owner, a member of staff). "What do you want"
is asked once unless the words say it (希望物业上门提醒); "没有" is an answer. A minor complaint
may carry the owner's own date ("周五前处理好"). The tier follows ``handlers/domain/complaint_tier.py``;
the limits told to the owner are the ticket's SLA deadlines. A very angry owner is offered a human
at once; nobody argues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Form
from bot.dialogue.router import Ask, Confirm, Reroute, Router, Turn
from bot.nlu.details import details_of
from bot.nlu.labels import COMPLAINT_CATEGORIES
from bot.settings import Settings
from handlers.domain.aftercare import recently_finished
from handlers.domain.calendar import WorkingCalendar
from handlers.domain.complaint_tier import IMPORTANT, MAJOR, MINOR, TierDecision, blames_staff, classify
from handlers.domain.homes import current_binding, registered_phone
from handlers.domain.intake import TicketIntake
from handlers.domain.notify import Notifier
from handlers.domain.tickets import CARD_QUOTE, NewTicket, quoted
from handlers.flows import Flow
from handlers.replies import complaint as replies
from handlers.replies import english
from handlers.replies.times import day_or_day_and_time
from models import Home, Staff
from models.ticket import DESCRIPTION_MAX

router = Router("complaint")

WHAT = "what"  # the flow's own free-text questions (not NLU slots)
TARGET = "target"
WISH = "wish"
QUESTIONS = (WHAT, TARGET, WISH)
OTHER = "其他"
STORY_MAX = DESCRIPTION_MAX - 2 * CARD_QUOTE - 10  # what happened, with room left for whom and the wish
# Categories that usually have someone behind them: worth asking who, when the words name nobody.
TARGETED_CATEGORIES = frozenset({"噪音", "养犬宠物", "高空抛物", "违章搭建", "空调滴水", "住改商", "停车", "服务态度"})


@dataclass
class ComplaintState:
    started: bool = False
    words: list[str] = field(default_factory=list)  # everything the owner said, normalised: what the rules read
    bare: bool = False  # the first message said nothing of what happened ("我要投诉")
    due: str | None = None  # the owner's own date (周五前处理好), an NLU time value
    phone: str | None = None
    angry: bool = False
    offered: bool = False  # a human was offered already
    taken: list[str] = field(default_factory=list)  # the flow's questions answered so far
    category_words: str = ""  # the answer to the category question, as words


@router.form("complaint", name="投诉", english=english.COMPLAINT, accepts=("category",), state=ComplaintState)
async def file_complaint(form: Form[ComplaintState], turn: Turn, session: AsyncSession, settings: Settings,
                         intake: TicketIntake, calendar: WorkingCalendar,
                         notifier: Notifier) -> Ask | Confirm | Reroute | str:
    if not form.state.started and turn.understanding.details.not_fixed:
        finished = await recently_finished(session, turn.openid, turn.now, intake.desk.sla.kinds, ("complaint",))
        if finished is not None:  # 还是天天晚上吵，没解决: the complaint just handled goes back
            return Reroute("ticket_status", {"ticket": finished.number})
    _take(form, turn)
    if form.state.bare and WHAT not in form.answers:
        return _offer_human(form, Ask(WHAT, replies.ASK_WHAT, free_text=True))
    category = _category(form)
    if category is None:
        return _offer_human(form, Ask("category", replies.ASK_CATEGORY, free_text=True))
    if TARGET not in form.answers and not details_of(_story(form)).targets and category in TARGETED_CATEGORIES:
        return _offer_human(form, Ask(TARGET, replies.ASK_TARGET, free_text=True))
    if WISH not in form.answers:
        return _offer_human(form, Ask(WISH, replies.ASK_WISH, free_text=True))
    decision = classify(_words(form), category)
    owner_due = _owner_due(form.state.due, turn.now, settings, calendar) if decision.tier == MINOR else None
    description, target, wish = _description(form), _target(form), _wish(form)
    if not form.confirmed:
        deadline = replies.OWNER_DEADLINE.format(when=_when(owner_due, settings)) if owner_due else ""
        return _offer_human(form, Confirm(replies.CONFIRM.format(
            category=category, target=target, description=quoted(description, CARD_QUOTE),
            wish=quoted(wish, CARD_QUOTE), deadline=deadline)))
    return _offer_human(form, await _open(
        form, turn, session, settings, intake, notifier, category, decision, description, target, wish, owner_due))


async def _open(form: Form[ComplaintState], turn: Turn, session: AsyncSession, settings: Settings, intake: TicketIntake,
                notifier: Notifier, category: str, decision: TierDecision, description: str, target: str,
                wish: str, owner_due: datetime | None) -> str:
    binding = await current_binding(session, turn.openid)
    home = await session.get(Home, binding.home_id) if binding is not None else None
    phone = form.state.phone or await registered_phone(session, binding)
    new = NewTicket(
        kind="complaint", description=f"{quoted(description, STORY_MAX)}\n对象：{quoted(target, CARD_QUOTE)}"
                                      f"\n诉求：{quoted(wish, CARD_QUOTE)}", openid=turn.openid,
        home_id=home.id if home else None, category=category, tier=decision.tier, contact_phone=phone,
        owner_due=owner_due)
    where = home.room_key if home else "未绑定房屋的用户"
    summary = f"{where} 投诉·{category}（{decision.name}）：{quoted(description, CARD_QUOTE)}"
    opened = await intake.open(session, new, turn.now, by=f"owner:{turn.openid}", summary=summary)
    ticket = opened.ticket
    await intake.desk.apply(session, ticket, "note", turn.now, by="system",
                            note=replies.TIER_NOTE.format(tier=decision.name, reason=decision.reason))
    if decision.tier == MAJOR:  # docs/domain.md: a major complaint reaches the estate manager the same day
        for manager in await session.scalars(select(Staff).where(Staff.role == "admin")):
            await notifier.to_staff(session, manager, replies.MANAGER_ALERT.format(
                summary=summary, number=ticket.number, reason=decision.reason),
                key=f"major:{ticket.number}:{manager.id}", ticket=ticket)
    due = {d.name: _when(d.due_at, settings) for d in ticket.deadlines}
    limits = (replies.LIMITS_OWNER_DATE if owner_due is not None else replies.LIMITS[decision.tier]).format(**due)
    apology = replies.APOLOGY if decision.service_at_fault or decision.tier == IMPORTANT else ""
    return replies.CREATED.format(thanks=replies.THANKS, apology=apology, number=ticket.number, limits=limits)


def _take(form: Form[ComplaintState], turn: Turn) -> None:
    """Read what the current message adds: the first message's facts, or an answer to our question.

    An answer that also carried a category ("楼上的狗天天叫" to "what happened?") reaches the
    handler as a correction, before the engine stores it: it is the answer all the same, unless it
    reads as a correction (不对，是噪音).
    """
    state, understanding = form.state, turn.understanding
    details = understanding.details
    if not state.started:  # the first message: what happened
        state.started = True
        state.words = [understanding.text]
        state.bare = not details.complaint_content
        when = understanding.slots.get("time")
        state.due = when if when and details.own_deadline else None
        state.phone = understanding.slots.get("phone")
        if details.wish:  # 希望物业上门提醒一下: what they want is said already
            form.answers[WISH] = details.wish
    state.angry = state.angry or details.angry
    asking = form.asking
    if asking == "category":  # 空调滴水 may come back read as the repair category 渗漏水: keep the words
        state.category_words = understanding.text
    if asking not in QUESTIONS or asking in state.taken:
        return
    if asking not in form.answers and not details.correction:
        form.answers[asking] = turn.text.strip()
    if asking in form.answers:
        state.taken.append(asking)
        if asking == WHAT and WISH not in form.answers and details.wish:
            form.answers[WISH] = details.wish
        state.words.append(understanding.text)
        if asking == WISH and details.own_deadline:  # 希望周五前处理好: the owner's own date
            when = turn.understand(expecting="time").slots.get("time")
            if when:
                state.due = when


def _category(form: Form[ComplaintState]) -> str | None:
    """The NLU's category; else a reading of the words; else ask once, and an unplaced answer is 其他."""
    slot = form.slots.get("category")
    if slot in COMPLAINT_CATEGORIES and slot != OTHER:
        return slot
    if slot is not None or "category" in form.answers:  # 其他, a bare answer read as a repair category, free text
        form.slots["category"] = guess_category(f"{form.state.category_words}\n{_words(form)}") or OTHER
        return form.slots["category"]
    guess = guess_category(_words(form))
    if guess is not None:
        form.slots["category"] = guess
    return guess


def guess_category(text: str) -> str | None:
    """The complaint category the words suggest, for when the NLU's slot gave none."""
    return details_of(text).complaint_category or ("服务态度" if blames_staff(text) else None)


def _words(form: Form[ComplaintState]) -> str:
    """Everything the owner said in this complaint, normalised: what the rules read."""
    return "\n".join(form.state.words)


def _story(form: Form[ComplaintState]) -> str:
    """What happened (the first message, and the answer to "what happened?"), normalised."""
    return "\n".join(form.state.words[: 2 if WHAT in form.state.taken else 1])


def _description(form: Form[ComplaintState]) -> str:
    """What happened, in the owner's words."""
    what = form.answers.get(WHAT)
    return what if form.state.bare and what else form.first_text.strip()


def _target(form: Form[ComplaintState]) -> str:
    answer = form.answers.get(TARGET)
    if answer is not None:
        return replies.UNKNOWN_TARGET if details_of(answer).does_not_know else answer
    return "、".join(details_of(_story(form)).targets) or replies.NOT_NAMED


def _wish(form: Form[ComplaintState]) -> str:
    answer = form.answers.get(WISH, "")
    return replies.NO_WISH if details_of(answer).nothing_more else answer


def _owner_due(value: str | None, now: datetime, settings: Settings, calendar: WorkingCalendar) -> datetime | None:
    """The owner's date as an instant: a day means its end; a date already past is ignored."""
    if not value:
        return None
    if "T" in value:
        moment = datetime.fromisoformat(value).replace(tzinfo=settings.tz)
    else:
        moment = calendar.end_of_day(datetime.combine(date.fromisoformat(value), time(12), tzinfo=settings.tz))
    return moment if moment > now else None


def _when(moment: datetime | None, settings: Settings) -> str:
    return day_or_day_and_time(moment, settings.tz) if moment is not None else ""


def _offer_human(form: Form[ComplaintState], answer: Ask | Confirm | str) -> Ask | Confirm | str:
    """A very angry owner hears, once and at once, that a human is one message away."""
    if not form.state.angry or form.state.offered:
        return answer
    form.state.offered = True
    if isinstance(answer, Ask):
        return Ask(answer.slot, replies.ANGRY + answer.question, free_text=answer.free_text)
    if isinstance(answer, Confirm):
        return Confirm(replies.ANGRY + answer.text)
    return replies.ANGRY + answer


FLOW = Flow(router)
