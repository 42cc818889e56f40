"""The dialogue engine: one active form per owner, slot filling, corrections, interruptions.

For a text message it decides, with the owner's persisted conversation state:
- an active form waiting for a slot takes a bare answer (501, 明天下午, 5分) for that slot,
  a correction (不对，是502) for any slot it accepts, 取消 at any step, and a clear question about
  something else (我家物业费多少) is answered before the form resumes where it was;
- otherwise the message is understood from scratch; a low-confidence reading gets a clarifying
  question with the two likeliest readings, and two misunderstandings in a row offer a human;
- an owner handed to a human gets no bot replies until the handoff ends.

The engine names no flow: what it needs of an intent (its Chinese name, whether it may interrupt
a form) is declared on the intent's route (``IntentInfo``). It owns two labels of the NLU's:
``cancel``, which it carries out itself, and ``other``, which counts as a misunderstanding.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue import wording as replies
from bot.dialogue.conversation import CONFIRM, OPENING, Conversation, ConversationStore, Form
from bot.dialogue.router import (
    Answer,
    Ask,
    Confirm,
    Dispatcher,
    IntentInfo,
    Interrupts,
    Reply,
    Reroute,
    Route,
    Turn,
    WiringError,
)
from bot.messages import TEXT
from bot.nlu.labels import SLOTS as NLU_SLOTS
from bot.nlu.segments import split_requests
from bot.settings import Settings

CANCEL, OTHER = "cancel", "other"
OFFER_HUMAN = "__offer_human__"
UNSPECIFIED = "其他"  # a category the words did not pin down never replaces one already given
ENGINE_INTENTS = (IntentInfo(CANCEL, replies.CANCEL_NAME, Interrupts.NEVER),)
# While the form waits for words of the owner's own, only a very clear other request interrupts.
FREE_TEXT_INTERRUPTION_CONFIDENCE = 0.8
# A message may be passed on and back (small talk → 催单 → nothing to chase → small talk), no more.
MAX_REROUTES = 2
# Which slot a bare correction most likely means: exact forms first, the open vocabulary last.
CORRECTION_ORDER = ("room", "phone", "plate", "ticket", "time", "score", "category")


def declare_engine_intents(dispatcher: Dispatcher) -> None:
    """The intents the engine answers itself (``cancel``), so the registry check finds them named."""
    for info in ENGINE_INTENTS:
        dispatcher.intent_info.setdefault(info.label, info)


# Resources that depend on who writes (their estate's settings …): (session, openid, resources) → overrides.
Scope = Callable[[AsyncSession, str, Mapping[str, Any]], Awaitable[Mapping[str, Any]]]


class DialogueEngine:
    def __init__(self, dispatcher: Dispatcher, settings: Settings, scope: Scope | None = None) -> None:
        declare_engine_intents(dispatcher)
        self.dispatcher = self._dispatcher = dispatcher
        self._settings = settings
        self._scope = scope
        self._store = ConversationStore(settings.conversation.idle_timeout_minutes)

    @property
    def conversations(self) -> ConversationStore:
        """The process's one store: handlers that touch a conversation use it too (``conversations``)."""
        return self._store

    async def handle(self, turn: Turn, resources: Mapping[str, Any], *, is_staff: bool = False) -> Reply | None:
        route = self._dispatcher.route_for_non_dialogue(turn, is_staff=is_staff)
        session: AsyncSession = resources["session"]
        if self._scope is not None:  # the sender's estate: its settings and calendar for every handler
            resources = {**resources, **await self._scope(session, turn.openid, resources)}
        if route is not None:
            answer = await route({**resources, "turn": turn, "now": turn.now})
            if not isinstance(answer, Reroute):  # a menu button may start a flow: then it goes on below
                turn.trace.mark("command" if turn.inbound.kind == TEXT else turn.inbound.kind)
                return answer if isinstance(answer, Reply) or answer is None else Reply(_text(answer))
        conversation = await self._store.load(session, turn.openid, turn.now)
        resources = {**resources, "turn": turn, "now": turn.now, "conversation": conversation}
        if route is not None:
            assert isinstance(answer, Reroute)
            conversation.form = None
            text = await self._run_intent(answer.intent, turn, conversation, resources, answer.slots)
        elif conversation.in_handoff(turn.now):
            turn.trace.mark("handoff")
            text = ""
            if self._dispatcher.handoff_route is not None:
                text = _text(await self._dispatcher.handoff_route(resources))
            await self._store.save(session, conversation, turn.now)
            return Reply(text) if text else None
        else:
            answer = None
            for pattern, match in self._dispatcher.pattern_routes(turn.text):
                answer = await pattern({**resources, "match": match})
                if answer is not None:  # a text route may decline (None): the next, then the dialogue, reads it
                    turn.trace.mark("text_pattern")
                    break
            text = _text(answer) if answer is not None else await self._respond(turn, conversation, resources)
        text = await self._serve_pending(turn, conversation, resources, text)
        if conversation.expired_form:
            expired = replies.EXPIRED.format(flow=self._name(conversation.expired_form),
                                             minutes=self._settings.conversation.idle_timeout_minutes)
            text = f"{expired}\n{text}" if text else expired
        await self._store.save(session, conversation, turn.now)
        return Reply(text) if text else None

    async def _serve_pending(self, turn: Turn, conversation: Conversation, resources: dict[str, Any],
                             text: str) -> str:
        """The other requests of an earlier message: served, one after another, once no form is open;
        while one is, the owner is told they are not forgotten."""
        answers = [text] if text else []
        part = 100
        while conversation.pending and conversation.form is None:
            request = conversation.pending.pop(0)
            part += 1
            next_turn = turn.derive(request, part)
            answer = await self._fresh(next_turn, conversation, {**resources, "turn": next_turn})
            if answer:
                answers.append(replies.NEXT_REQUEST.format(request=_quote(request)) + answer)
        if conversation.pending and conversation.form is not None and answers:
            waiting = "、".join(f"“{_quote(request)}”" for request in conversation.pending)
            answers.append(replies.QUEUED.format(requests=waiting))
        return "\n\n".join(answers)

    def _name(self, label: str) -> str:
        info = self._dispatcher.intent_info.get(label)
        return info.name if info is not None else replies.FORM_NAME

    def _info(self, label: str) -> IntentInfo:
        return self._dispatcher.intent_info.get(label) or IntentInfo(label, replies.FORM_NAME)

    async def _respond(self, turn: Turn, conversation: Conversation, resources: dict[str, Any]) -> str:
        form = conversation.form
        if form is not None:
            route = self._dispatcher.intent_route(form.intent)
            if route is not None and route.form:
                form.bind_state(route.state)
                turn.trace.mark(form.intent)
                return await self._continue_form(turn, conversation, form, route, resources)
            conversation.form = None
        return await self._fresh(turn, conversation, resources)

    async def _fresh(self, turn: Turn, conversation: Conversation, resources: dict[str, Any]) -> str:
        picked = self._picked_reading(turn, conversation)
        intent: str | None
        if picked is not None:
            intent, original = picked
            turn.trace.mark(intent)
            turn = turn.derive(original, 90)  # the message the question was about, not "报修"
            resources = {**resources, "turn": turn}
        else:
            requests = self._requests(turn)
            if len(requests) > 1:
                conversation.pending = requests[1:] + conversation.pending
            if requests[0] != turn.text:
                turn = turn.derive(requests[0], 1)
                resources = {**resources, "turn": turn}
            intent = self._reading(turn, conversation)
            turn.trace.mark("offer_human" if intent == OFFER_HUMAN else intent or "clarify",
                            reading=turn.understanding.intent)
            if intent == OFFER_HUMAN:  # the second misunderstanding in a row
                conversation.misses = 0
                return replies.OFFER_HUMAN.format(hotline=resources["settings"].estate.hotline)
            if intent is None:  # a clarifying question was asked
                return self._english(turn, None, resources["settings"]) + replies.CLARIFY.format(
                    first=self._name(conversation.clarifying[0]), second=self._name(conversation.clarifying[1]))
        if intent == OTHER:  # off-topic or not understood: twice in a row, a human is offered
            conversation.misses += 1
            if conversation.misses >= 2:
                conversation.misses = 0
                return replies.OFFER_HUMAN.format(hotline=resources["settings"].estate.hotline)
        else:
            conversation.misses = 0
        if intent == CANCEL and self._dispatcher.intent_route(CANCEL) is None:
            return replies.NOTHING_TO_CANCEL
        return self._english(turn, intent, resources["settings"]) + await self._run_intent(
            intent, turn, conversation, resources)

    def _requests(self, turn: Turn) -> list[str]:
        if not turn.text.strip():
            return [turn.text]
        return split_requests(turn.text, turn.now, self._dispatcher.understander)

    def _reading(self, turn: Turn, conversation: Conversation) -> str | None:
        """The intent to run; None after asking which of two readings the owner meant.

        A question is asked only between two requests that lead to different flows. Small talk is
        answered as small talk; when one reading is urgent (an emergency) it wins without asking;
        words about a ticket already opened (没修好, 催一下) go to the reading that follows one up.
        """
        understanding = turn.understanding
        conversation.clarifying, conversation.clarifying_text = [], ""
        if understanding.confident:
            return understanding.intent
        first, second = (label for label, _score in understanding.alternatives[:2])
        one, two = self._info(first), self._info(second)
        if one.urgent or two.urgent:
            return first if one.urgent else second
        if one.chat or two.chat or CANCEL in (first, second):
            return first
        if understanding.details.call_off and self._dispatcher.intent_route(CANCEL) is not None:
            return CANCEL  # 搞错了，没事了: calling off what was just reported, whatever else it sounds like
        if understanding.details.about_a_ticket and (one.follow_up or two.follow_up):
            return first if one.follow_up else second  # 没修好 / 催一下: about the ticket they have
        if one.follow_up and two.follow_up:
            return first  # progress or rating: both flows look at the same ticket and pass it on as needed
        if self._dispatcher.intent_route(first) is self._dispatcher.intent_route(second):
            return first
        conversation.misses += 1
        if conversation.misses >= 2:
            return OFFER_HUMAN
        conversation.clarifying, conversation.clarifying_text = [first, second], turn.text
        return None

    def _english(self, turn: Turn, intent: str | None, settings: Settings) -> str:
        """For an owner who writes English: the intent's English line and how to reach us, before the
        Chinese answer."""
        if not turn.text.strip() or not turn.understanding.details.english:
            return ""
        line = (self._info(intent).english or replies.ENGLISH_UNDERSTOOD) if intent is not None \
            else replies.ENGLISH_CLARIFY
        estate = settings.estate
        contact = replies.ENGLISH_CONTACT.format(
            hotline=estate.hotline, emergency_phone=estate.emergency_phone,
            start=estate.office_hours.start.strftime("%H:%M"), end=estate.office_hours.end.strftime("%H:%M"))
        return f"{line}\n{contact}\n"

    def _picked_reading(self, turn: Turn, conversation: Conversation) -> tuple[str, str] | None:
        """After a clarifying question, "报修" or "第一个" picks one of the two readings offered."""
        if not conversation.clarifying:
            return None
        text = turn.understanding.text.strip()
        original = conversation.clarifying_text or turn.text
        ordinal = turn.understanding.details.ordinal
        if ordinal in (1, 2):
            return conversation.clarifying[ordinal - 1], original
        for label in conversation.clarifying:
            if self._name(label) in text:
                return label, original
        return None

    async def _run_intent(self, intent: str, turn: Turn, conversation: Conversation, resources: dict[str, Any],
                          extra_slots: Mapping[str, str] | None = None) -> str:
        route = self._dispatcher.intent_route(intent) or self._dispatcher.fallback_route
        if route is None:
            return ""
        if route.form:
            stated = {**turn.understanding.entities, **turn.understanding.slots} if turn.text.strip() else {}
            slots = {name: value for name, value in {**stated, **(extra_slots or {})}.items()
                     if name in route.accepts}
            form: Form[Any] = Form(intent=intent, slots=slots, first_text=turn.text, state=route.state())
            conversation.form = form
            return await self._step(form, route, conversation, resources)
        return await self._answer(intent, await route(resources), turn, conversation, resources)

    async def _answer(self, intent: str, answer: Answer, turn: Turn, conversation: Conversation,
                      resources: dict[str, Any]) -> str:
        """The text of a route's answer; a Reroute runs the other intent for the same message, once."""
        if not isinstance(answer, Reroute):
            return _text(answer)
        turn.reroutes += 1
        if turn.reroutes > MAX_REROUTES or answer.intent == intent:
            raise WiringError(f"{intent!r} rerouted a message to {answer.intent!r} once too often")
        turn.rerouted_from = intent
        return await self._run_intent(answer.intent, turn, conversation, resources, answer.slots)

    async def _continue_form(
        self, turn: Turn, conversation: Conversation, form: Form[Any], route: Route, resources: dict[str, Any]
    ) -> str:
        flow = self._name(form.intent)
        expecting = form.asking if form.asking not in (None, CONFIRM) else None
        understanding = turn.understand(expecting=expecting if expecting in NLU_SLOTS else None)
        if understanding.intent == CANCEL and understanding.confident and not understanding.slots:
            conversation.form = None
            return replies.CANCELLED.format(flow=flow)
        if form.asking == OPENING:  # a form a menu button opened: these words start it, as if said first
            interruption = await self._interruption(turn, form, conversation, resources)
            if interruption is not None:
                return interruption
            conversation.form = None
            return await self._run_intent(form.intent, turn, conversation, resources)
        stated = {**understanding.entities, **understanding.slots}  # a slot is stated whatever the intent
        corrections = {name: value for name, value in stated.items() if name in route.accepts
                       and not (value == UNSPECIFIED and name in form.slots)}
        if not corrections and understanding.details.correction:
            corrections = self._read_correction(turn, form, route)
        _keep_the_day(form.slots, corrections, understanding.details.names_day)
        if form.asking == CONFIRM:
            verdict = turn.understanding.details.verdict
            if corrections:
                form.slots.update(corrections)
                form.confirmed = False
            elif verdict is True:
                form.confirmed = True
            elif verdict is False:
                conversation.form = None
                return replies.CANCELLED.format(flow=flow)
            else:
                interruption = await self._interruption(turn, form, conversation, resources)
                if interruption is not None:
                    return interruption
                amended = turn.understanding.details.amended
                if route.amends is None or not amended:
                    return replies.CONFIRM_AGAIN
                form.answers[route.amends] = amended  # 改成：… / the idea said again in other words
                form.confirmed = False
            return await self._step(form, route, conversation, resources)
        if expecting is not None and expecting in understanding.slots:
            form.slots.update(corrections)
            form.answers.pop(expecting, None)
            return await self._step(form, route, conversation, resources)
        interruption = await self._interruption(turn, form, conversation, resources)
        if interruption is not None:
            return interruption
        if corrections:
            told = _changes_told(form.slots, corrections) if understanding.details.correction else ""
            form.slots.update(corrections)
            return told + await self._step(form, route, conversation, resources)
        if expecting is not None and expecting in route.free_text | set(form.free_text):
            form.answers[expecting] = turn.text.strip()
            return await self._step(form, route, conversation, resources)
        return replies.REASK.format(slot=replies.SLOT_NAMES.get(expecting or "", "您的回答"), question=form.question)

    @staticmethod
    def _read_correction(turn: Turn, form: Form[Any], route: Route) -> dict[str, str]:
        """不对，是502: try the text as an answer for each slot the form accepts."""
        candidates = [slot for slot in CORRECTION_ORDER if slot in route.accepts]
        for slot in sorted(candidates, key=lambda name: name not in form.slots):  # stable: keeps the order
            value = turn.understand(expecting=slot).slots.get(slot)
            if value is not None and value != "其他":
                return {slot: merge_slot(slot, form.slots.get(slot), value)}
        return {}

    async def _interruption(self, turn: Turn, form: Form[Any], conversation: Conversation,
                            resources: dict[str, Any]) -> str | None:
        """A clear question about something else: answered, then the form resumes (or is replaced)."""
        understanding = turn.understanding  # from scratch, not as an answer to the form's question
        info = self._dispatcher.intent_info.get(understanding.intent)
        if (not understanding.confident or info is None or info.interrupts is Interrupts.NEVER
                or understanding.intent == form.intent):
            return None
        waiting_for_words = form.asking in form.free_text or form.asking == CONFIRM
        if (waiting_for_words and info.interrupts is not Interrupts.ALWAYS
                and understanding.confidence < FREE_TEXT_INTERRUPTION_CONFIDENCE):
            return None  # an answer in the owner's own words that merely sounds like another request
        other = self._dispatcher.intent_route(understanding.intent)
        if other is None:
            return None
        if other.form or info.urgent:
            old = self._name(form.intent)
            conversation.form = None
            answer = await self._run_intent(understanding.intent, turn, conversation, resources)
            return answer if info.urgent else replies.SWITCHED.format(old=old) + answer
        answer = await self._answer(understanding.intent, await other(resources), turn, conversation, resources)
        if conversation.form is not form:  # the answer replaced the form (a reroute to another form)
            return answer
        resume = replies.RESUME.format(flow=self._name(form.intent), question=form.question)
        return f"{answer}\n\n{resume}"

    async def _step(self, form: Form[Any], route: Route, conversation: Conversation,
                    resources: dict[str, Any]) -> str:
        """Ask for the next missing slot, or let the handler decide: ask, confirm or finish."""
        for slot in route.needs:
            if slot not in form.slots and slot not in form.answers:
                return self._ask(form, Ask(slot,
                                           route.asks.get(slot, f"请告诉我{replies.SLOT_NAMES.get(slot, slot)}。"),
                                           free_text=slot in route.free_text))
        answer = await route({**resources, "form": form})
        if isinstance(answer, Ask):
            return self._ask(form, answer)
        if isinstance(answer, Confirm):
            form.asking = CONFIRM
            form.question = answer.text
            return answer.text
        conversation.form = None
        turn: Turn = resources["turn"]
        return await self._answer(form.intent, answer, turn, conversation, resources)

    @staticmethod
    def _ask(form: Form[Any], ask: Ask) -> str:
        form.asking = ask.slot
        form.question = ask.question
        free = set(form.free_text)
        if ask.free_text:
            free.add(ask.slot)
        else:
            free.discard(ask.slot)
        form.free_text = sorted(free)
        return ask.question


def merge_slot(name: str, old: str | None, new: str) -> str:
    """A bare room number corrects only the room of the address given before (3-2-501 + 502 → 3-2-502)."""
    if name == "room" and old and "-" in old and "-" not in new:
        return old.rsplit("-", 1)[0] + "-" + new
    return new


def _quote(text: str, limit: int = 20) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _text(answer: object) -> str:
    if answer is None:
        return ""
    return getattr(answer, "text", str(answer))


def _keep_the_day(slots: dict[str, str], corrections: dict[str, str], names_day: bool) -> None:
    """“上午10点” after “明天” changes the hour of that day, not the day (the NLU reads a bare hour
    as today's): a correction touches only what it names."""
    new, old = corrections.get("time"), slots.get("time")
    if new is None or old is None or names_day or "T" not in new:
        return
    corrections["time"] = old.split("T")[0] + "T" + new.split("T")[1]


_TOLD_ON_CHANGE = ("category", "room", "phone", "plate")  # shown as they are (a time is an ISO value)


def _changes_told(slots: dict[str, str], corrections: dict[str, str]) -> str:
    """“不对，是下水道堵了” in the middle of a form: say what changed before the next question."""
    return "".join(replies.UPDATED.format(slot=replies.SLOT_NAMES[name], value=value)
                   for name, value in corrections.items()
                   if name in _TOLD_ON_CHANGE and slots.get(name) not in (None, value))
