"""投诉: what happened, category, against whom, what the owner wants; tier; confirm; ticket C….

What happened is the owner's first message, in their own words (a bare "我要投诉" gets one question
for it). The category comes from the NLU (complaint vocabulary of nlu/SPEC.md), else from the
words, else it is asked for with the list; an answer we cannot place is filed under 其他 for staff
to sort. "Against whom" is asked once, and only when the words name nobody and the category
usually has someone behind it (a neighbour, a car owner, a member of staff). "What do you want"
is always asked once; "没有" is an answer. A minor complaint may carry the owner's own date
("周五前处理好"). The tier follows ``handlers/complaint_tier.py``; the limits told to the owner are
the ticket's SLA deadlines. A very angry owner is offered a human at once; nobody argues.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.conversation import Form
from bot.nlu.labels import COMPLAINT_CATEGORIES
from bot.dialogue.router import Ask, Confirm, Router, Turn
from bot.settings import Settings
from handlers.domain.calendar import WorkingCalendar
from handlers.domain.complaint_tier import IMPORTANT, MAJOR, MINOR, TierDecision, blames_staff, classify, is_angry
from handlers.domain.homes import current_binding, registered_phone
from handlers.domain.intake import TicketIntake
from handlers.domain.notify import Notifier
from handlers.replies import complaint as replies
from handlers.domain.tickets import NewTicket
from models import Home, Staff

router = Router("complaint")

WHAT = "what"  # the flow's own free-text questions (not NLU slots)
TARGET = "target"
WISH = "wish"
QUESTIONS = (WHAT, TARGET, WISH)
OTHER = "其他"
# Categories that usually have someone behind them: worth asking who, when the words name nobody.
TARGETED_CATEGORIES = frozenset({"噪音", "养犬宠物", "高空抛物", "违章搭建", "空调滴水", "住改商", "停车", "服务态度"})
# A fallback reading of the category when the NLU gave none in the complaint vocabulary.
CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("高空抛物", ("高空抛物", "抛物", "往下扔", "扔下来", "从楼上扔", "高空坠物")),
    ("服务态度", ("态度", "服务差", "服务太差", "不理人", "爱理不理", "骂人", "不作为")),
    ("空调滴水", ("空调",)),
    ("养犬宠物", ("狗", "犬", "猫", "宠物")),
    ("违章搭建", ("违建", "违章", "搭建", "私搭", "乱搭", "加建", "扩建")),
    ("住改商", ("住改商", "开店", "麻将馆", "棋牌室", "民宿", "办公司", "当仓库", "做生意")),
    ("停车", ("停车", "车位", "乱停", "挡住车", "占道", "挡道")),
    ("噪音", ("吵", "噪音", "噪声", "跳绳", "装修声", "电钻", "广场舞", "音响", "唱歌", "扰民", "响声", "喧哗")),
    ("环境卫生", ("垃圾", "卫生", "脏", "臭", "油烟", "蚊子", "老鼠", "蟑螂", "清洁", "打扫")),
    ("安全秩序", ("陌生人", "小偷", "被偷", "被盗", "推销", "门禁", "打架", "治安")),
)
_TARGET = re.compile(
    r"楼上|楼下|隔壁|对门|对面|邻居|住户|业主|[那这某]户|他家|她家|他们家|车主|装修队|商户|店主|老板|"
    r"(?<![0-9])[0-9]{3,4}(?![0-9年元块点分米])|[0-9A-Z]+(?:栋|号楼|幢|座)|保安|门卫|门岗|保洁|清洁工|客服|前台|管家|经理|主管|师傅|工作人员|"
    r"物业|工程部|管理处|绿化"
)
_DEADLINE = re.compile(r"(?<!目)前(?![台天面])|为止|之内|以内|截止")
NO_WISH_ANSWERS = frozenset({"没有", "没", "无", "没有了", "没什么", "没啥", "没要求", "没有要求", "没有什么要求", "都行", "都可以"})
UNKNOWN_ANSWERS = ("不知道", "不清楚", "不确定", "不晓得", "没看到", "没看清", "不认识")
_PUNCTUATION = re.compile(r"[\s,.!?;:~，。！？；：、…]+")
# Words that announce a complaint without saying what happened ("我要投诉物业").
_PREAMBLE = re.compile(r"你好|您好|在吗|我|要|想|投诉|一下|一件事|一个|个|事情|事|物业|你们|客服|吧|啊|呢|"
                       r"[\s,.!?;:~，。！？；：、…]")
MIN_CONTENT_CHARS = 3
_CORRECTION = re.compile(r"^\s*(不对|不是|错了|说错了|改成|改为|应该是|更正)")  # as bot/dialogue.py reads them


@router.form("complaint", accepts=("category",))
async def file_complaint(form: Form, turn: Turn, session: AsyncSession, settings: Settings, intake: TicketIntake,
                         calendar: WorkingCalendar, notifier: Notifier) -> Ask | Confirm | str:
    _take(form, turn)
    if form.data["bare"] and WHAT not in form.answers:
        return _offer_human(form, Ask(WHAT, replies.ASK_WHAT, free_text=True))
    category = _category(form)
    if category is None:
        return _offer_human(form, Ask("category", replies.ASK_CATEGORY, free_text=True))
    if TARGET not in form.answers and not named_targets(_story(form)) and category in TARGETED_CATEGORIES:
        return _offer_human(form, Ask(TARGET, replies.ASK_TARGET, free_text=True))
    if WISH not in form.answers:
        return _offer_human(form, Ask(WISH, replies.ASK_WISH, free_text=True))
    decision = classify(_words(form), category)
    owner_due = _owner_due(form.data.get("due"), turn.now, settings, calendar) if decision.tier == MINOR else None
    description, target, wish = _description(form), _target(form), _wish(form)
    if not form.confirmed:
        deadline = replies.OWNER_DEADLINE.format(when=_when(owner_due, settings)) if owner_due else ""
        return _offer_human(form, Confirm(replies.CONFIRM.format(
            category=category, target=target, description=description, wish=wish, deadline=deadline)))
    return _offer_human(form, await _open(
        form, turn, session, settings, intake, notifier, category, decision, description, target, wish, owner_due))


async def _open(form: Form, turn: Turn, session: AsyncSession, settings: Settings, intake: TicketIntake,
                notifier: Notifier, category: str, decision: TierDecision, description: str, target: str,
                wish: str, owner_due: datetime | None) -> str:
    binding = await current_binding(session, turn.openid)
    home = await session.get(Home, binding.home_id) if binding is not None else None
    phone = form.data.get("phone") or await registered_phone(session, binding)
    new = NewTicket(
        kind="complaint", description=f"{description}\n对象：{target}\n诉求：{wish}", openid=turn.openid,
        home_id=home.id if home else None, category=category, tier=decision.tier, contact_phone=phone,
        owner_due=owner_due)
    where = home.room_key if home else "未绑定房屋的用户"
    summary = f"{where} 投诉·{category}（{decision.name}）：{description}"
    opened = await intake.open(session, new, turn.now, by=f"owner:{turn.openid}", summary=summary)
    ticket = opened.ticket
    await intake.desk.apply(session, ticket, "note", turn.now, by="system",
                            note=replies.TIER_NOTE.format(tier=decision.name, reason=decision.reason))
    if decision.tier == MAJOR:  # DOMAIN.md: a major complaint reaches the estate manager the same day
        for manager in await session.scalars(select(Staff).where(Staff.role == "admin")):
            await notifier.to_staff(session, manager, replies.MANAGER_ALERT.format(
                summary=summary, number=ticket.number, reason=decision.reason),
                key=f"major:{ticket.number}:{manager.id}", ticket=ticket)
    due = {d.name: _when(d.due_at, settings) for d in ticket.deadlines}
    limits = (replies.LIMITS_OWNER_DATE if owner_due is not None else replies.LIMITS[decision.tier]).format(**due)
    apology = replies.APOLOGY if decision.service_at_fault or decision.tier == IMPORTANT else ""
    return replies.CREATED.format(thanks=replies.THANKS, apology=apology, number=ticket.number, limits=limits)


def _take(form: Form, turn: Turn) -> None:
    """Read what the current message adds: the first message's facts, or an answer to our question.

    An answer that also carried a category ("楼上的狗天天叫" to "what happened?") reaches the
    handler as a correction, before the engine stores it: it is the answer all the same, unless it
    reads as a correction (不对，是噪音).
    """
    data = form.data
    if "words" not in data:  # the first message: what happened
        text = turn.understanding.text
        data["words"] = [text]
        data["bare"] = not has_content(text)
        when = turn.understanding.slots.get("time")
        data["due"] = when if when and _DEADLINE.search(text) else None
        data["phone"] = turn.understanding.slots.get("phone")
    data["angry"] = data.get("angry", False) or is_angry(turn.text) or is_angry(turn.understanding.text)
    asking, taken = form.asking, data.setdefault("taken", [])
    if asking == "category":  # 空调滴水 may come back read as the repair category 渗漏水: keep the words
        data["category_words"] = turn.understanding.text
    if asking not in QUESTIONS or asking in taken:
        return
    if asking not in form.answers and not _CORRECTION.match(turn.understanding.text):
        form.answers[asking] = turn.text.strip()
    if asking in form.answers:
        taken.append(asking)
        data["words"].append(turn.understanding.text)
        if asking == WISH and _DEADLINE.search(turn.understanding.text):  # 希望周五前处理好: the owner's own date
            when = turn.understand(expecting="time").slots.get("time")
            if when:
                data["due"] = when


def _category(form: Form) -> str | None:
    """The NLU's category; else a reading of the words; else ask once, and an unplaced answer is 其他."""
    slot = form.slots.get("category")
    if slot in COMPLAINT_CATEGORIES and slot != OTHER:
        return slot
    if slot is not None or "category" in form.answers:  # 其他, a bare answer read as a repair category, free text
        form.slots["category"] = guess_category(f"{form.data.get('category_words', '')}\n{_words(form)}") or OTHER
        return form.slots["category"]
    guess = guess_category(_words(form))
    if guess is not None:
        form.slots["category"] = guess
    return guess


def has_content(text: str) -> bool:
    """Whether the words say what happened, once "我要投诉物业" and greetings are set aside."""
    return len(_PREAMBLE.sub("", text)) >= MIN_CONTENT_CHARS


def guess_category(text: str) -> str | None:
    """The complaint category the words suggest, for when the NLU gave none."""
    found = next((category for category, words in CATEGORY_WORDS if any(word in text for word in words)), None)
    return found or ("服务态度" if blames_staff(text) else None)


def named_targets(text: str) -> list[str]:
    """Whom the words name (楼上, 保安, 1602 …), in order, at most three."""
    return list(dict.fromkeys(_TARGET.findall(text)))[:3]


def _words(form: Form) -> str:
    """Everything the owner said in this complaint, normalised: what the rules read."""
    return "\n".join(form.data["words"])


def _story(form: Form) -> str:
    """What happened (the first message, and the answer to "what happened?"), normalised."""
    return "\n".join(form.data["words"][: 2 if WHAT in form.data["taken"] else 1])


def _description(form: Form) -> str:
    """What happened, in the owner's words."""
    what = form.answers.get(WHAT)
    return what if form.data["bare"] and what else form.first_text.strip()


def _target(form: Form) -> str:
    answer = form.answers.get(TARGET)
    if answer is not None:
        return replies.UNKNOWN_TARGET if any(word in answer for word in UNKNOWN_ANSWERS) else answer
    return "、".join(named_targets(_story(form))) or replies.NOT_NAMED


def _wish(form: Form) -> str:
    answer = form.answers.get(WISH, "")
    return replies.NO_WISH if _PUNCTUATION.sub("", answer) in NO_WISH_ANSWERS | {""} else answer


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
    if moment is None:
        return ""
    local = moment.astimezone(settings.tz)
    return f"{local:%m月%d日}" if (local.hour, local.minute) == (23, 59) else f"{local:%m月%d日%H:%M}"


def _offer_human(form: Form, answer: Ask | Confirm | str) -> Ask | Confirm | str:
    """A very angry owner hears, once and at once, that a human is one message away."""
    if not form.data.get("angry") or form.data.get("offered"):
        return answer
    form.data["offered"] = True
    if isinstance(answer, Ask):
        return Ask(answer.slot, replies.ANGRY + answer.question, free_text=answer.free_text)
    if isinstance(answer, Confirm):
        return Confirm(replies.ANGRY + answer.text)
    return replies.ANGRY + answer
