"""Routers and the dispatcher: how flows declare what they handle (after aiogram's Router).

A flow module owns a module-level ``router = Router("name")`` and decorates coroutines with what
they answer: an NLU intent (with its Chinese name and how it may interrupt a form), a form, a
WeChat event, a message kind, a staff command, a text the bot asked for by name (同意 4821), or
the fallback. Each handler receives only what it names among its parameters, injected by name
from the resources the service provides; the dispatcher checks every name when a router is
included, so a typo stops start-up instead of failing on the first message that reaches it.

The intents the flows declare are the registry of intents: the NLU's labels (one training file
each) must each have a route and a name, and every route's label must be one the NLU knows;
:meth:`Dispatcher.check` says which do not (docs/adding-a-flow.md).
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from bot.messages import EVENT, TEXT, VOICE, Inbound

if TYPE_CHECKING:
    from bot.nlu import Understanding


class Understander(Protocol):
    def __call__(self, text: str, now: datetime, expecting: str | None = None) -> Understanding: ...


class WiringError(TypeError):
    """A handler, a router or the registry of intents is declared wrongly; start-up stops with this."""


@dataclass(frozen=True)
class Reply:
    """What a handler answers: text for the owner (converted to traditional script when they wrote so)."""

    text: str


@dataclass(frozen=True)
class Ask:
    """A form handler's answer: ask the owner for ``slot`` next (``free_text``: any answer fills it)."""

    slot: str
    question: str
    free_text: bool = False


@dataclass(frozen=True)
class Confirm:
    """A form handler's answer: show what will be created and wait for 确认 (or a correction)."""

    text: str


@dataclass(frozen=True)
class Reroute:
    """A handler's answer: the message belongs to another intent after all (small talk that is 催单).

    The dialogue runs that intent's route for the same message, with ``slots`` added to what the
    message itself gave, and sets ``turn.rerouted_from``. A message is passed on at most twice (on
    and back), so flows that pass it back must look at ``rerouted_from``.
    """

    intent: str
    slots: Mapping[str, str] = field(default_factory=dict)


Answer = Reply | Ask | Confirm | Reroute | str | None
Handler = Callable[..., Awaitable[Answer]]
# A reply that needs neither the database nor the conversation: (understanding, settings) -> text or None.
QuickAnswer = Callable[["Understanding", Any], "str | None"]


class Interrupts(Enum):
    """Whether a message of this intent may interrupt a form under way."""

    NEVER = "never"  # what bare answers get mistaken for (你好, 5分)
    WHEN_CLEAR = "when_clear"  # a clear other request; not while the form waits for the owner's own words
    ALWAYS = "always"  # even then (an emergency, 转人工)


@dataclass(frozen=True)
class IntentInfo:
    """One intent as the dialogue knows it: declared once, on its route."""

    label: str
    name: str  # how the bot names it to owners: 报修, 查询费用 …
    interrupts: Interrupts = Interrupts.WHEN_CLEAR
    urgent: bool = False  # preferred when the owner's words could mean it or something else
    chat: bool = False  # small talk: never worth a clarifying question
    english: str = ""  # said first to an owner who writes English (the rest of the answer is Chinese)
    follow_up: bool = False  # about a ticket already opened (进度, 没修好, 评价): such readings need no question


@dataclass(frozen=True)
class NoState:
    """The form state of a flow that keeps nothing of its own."""


@dataclass
class TurnTrace:
    """What the engine made of a message, for the metrics (``wuyebot_messages`` by ``flow``; the NLU's
    fallback rate over ``reading``, set only when the words were read as a new request). The first
    request of a message that holds several decides."""

    flow: str | None = None
    reading: str | None = None

    def mark(self, flow: str, reading: str | None = None) -> None:
        if self.flow is None:
            self.flow, self.reading = flow, reading


class Turn:
    """One message being handled: the inbound message, its time, and its understanding (computed once, lazily)."""

    def __init__(self, inbound: Inbound, now: datetime, understander: Understander,
                 trace: TurnTrace | None = None) -> None:
        self.inbound = inbound
        self.now = now
        self._understander = understander
        self._understanding: Understanding | None = None
        self.rerouted_from: str | None = None  # the intent that last passed this message on (see Reroute)
        self.reroutes = 0
        self.trace = trace if trace is not None else TurnTrace()  # shared with the turns derived from it

    @property
    def openid(self) -> str:
        return self.inbound.openid

    @property
    def text(self) -> str:
        return self.inbound.text

    @property
    def understood(self) -> bool:
        """Whether the text has been understood yet (non-text turns never are)."""
        return self._understanding is not None

    @property
    def understanding(self) -> Understanding:
        if self._understanding is None:
            self._understanding = self._understander(self.inbound.text, self.now)
        return self._understanding

    def understand(self, *, expecting: str | None) -> Understanding:
        """The text read as an answer to a question about ``expecting`` (a bare 501 fills a room)."""
        if expecting is None:
            return self.understanding
        return self._understander(self.inbound.text, self.now, expecting)

    def derive(self, text: str, part: int) -> Turn:
        """The same message read as another text: one of several requests it holds, or the message a
        clarifying question was about. Its own key (``#part``) keeps its pushes apart from the others'."""
        msg_id = f"{self.inbound.msg_id or 'evt'}p{part}"
        return Turn(dataclasses.replace(self.inbound, text=text, msg_id=msg_id), self.now, self._understander,
                    self.trace)


class RouteKind(Enum):
    INTENT = "intent"
    FORM = "form"
    EVENT = "event"
    MESSAGE = "message"
    COMMAND = "command"
    TEXT = "text"
    FALLBACK = "fallback"
    HANDOFF = "handoff"


# Resources only some kinds of route receive.
ONLY_FOR = {"form": RouteKind.FORM, "match": RouteKind.TEXT}


@dataclass(frozen=True)
class Route:
    callback: Handler
    parameters: tuple[str, ...]
    kind: RouteKind
    needs: tuple[str, ...] = ()
    asks: Mapping[str, str] = field(default_factory=dict)
    accepts: frozenset[str] = frozenset()  # slots a message may fill or correct while the form runs
    free_text: frozenset[str] = frozenset()  # needed slots that any answer fills
    amends: str | None = None  # at the card, other words replace this free-text answer (the idea itself)
    state: type[Any] = NoState  # the flow's own form state (a dataclass)
    intent: IntentInfo | None = None

    @property
    def form(self) -> bool:
        return self.kind is RouteKind.FORM

    @property
    def name(self) -> str:
        return self.callback.__qualname__

    async def __call__(self, resources: Mapping[str, Any]) -> Reply | Ask | Confirm | Reroute | None:
        kwargs = {name: resources[name] for name in self.parameters}
        answer = await self.callback(**kwargs)
        if answer is None or isinstance(answer, Reply | Ask | Confirm | Reroute):
            return answer
        return Reply(str(answer))


def _route(callback: Handler, kind: RouteKind, **metadata: Any) -> Route:
    if not inspect.iscoroutinefunction(callback):
        raise WiringError(f"handler {callback.__qualname__} must be async")
    parameters = tuple(inspect.signature(callback).parameters)
    return Route(callback=callback, parameters=parameters, kind=kind, **metadata)


class Router:
    """A named group of handlers; one per flow module in handlers/flows/."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.intents: dict[str, Route] = {}
        self.events: dict[str, Route] = {}
        self.kinds: dict[str, Route] = {}
        self.commands: dict[str, Route] = {}
        self.patterns: list[tuple[re.Pattern[str], Route]] = []
        self.fallback_route: Route | None = None
        self.handoff_route: Route | None = None
        self.quick_answers: dict[str, QuickAnswer] = {}

    def intent(
        self, label: str, *, name: str, interrupts: Interrupts = Interrupts.WHEN_CLEAR, urgent: bool = False,
        chat: bool = False, english: str = "", follow_up: bool = False,
    ) -> Callable[[Handler], Handler]:
        """Handle an NLU intent in one message; ``name`` is how the bot names it to owners."""

        def register(callback: Handler) -> Handler:
            self.intents[label] = _route(callback, RouteKind.INTENT,
                                         intent=IntentInfo(label, name, interrupts, urgent, chat, english, follow_up))
            return callback

        return register

    def form(
        self,
        label: str,
        *,
        name: str,
        needs: Iterable[str] = (),
        asks: Mapping[str, str] | None = None,
        accepts: Iterable[str] = (),
        free_text: Iterable[str] = (),
        amends: str | None = None,
        state: type[Any] = NoState,
        interrupts: Interrupts = Interrupts.WHEN_CLEAR,
        urgent: bool = False,
        english: str = "",
        follow_up: bool = False,
    ) -> Callable[[Handler], Handler]:
        """A flow that collects slots over several messages before it acts (after PTB's ConversationHandler).

        The dialogue engine asks for each missing ``needs`` slot with its ``asks`` question, one at a
        time, then calls the handler with ``form``; the handler may answer ``Ask`` for more,
        ``Confirm`` to wait for 确认, or a final reply. ``accepts`` are the slots a later message
        may add or correct (不对，是502); ``state`` is the dataclass the flow keeps in ``form.state``. With
        ``amends``, words at the confirmation card that are neither a yes/no nor another request
        become the new answer to that free-text question (the owner rewording their idea).
        """
        needed = tuple(needs)
        if not dataclasses.is_dataclass(state):
            raise WiringError(f"form {label!r}: state must be a dataclass")

        def register(callback: Handler) -> Handler:
            self.intents[label] = _route(
                callback, RouteKind.FORM, needs=needed, asks=dict(asks or {}),
                accepts=frozenset(accepts) | frozenset(needed), free_text=frozenset(free_text), amends=amends,
                state=state,
                intent=IntentInfo(label, name, interrupts, urgent, english=english, follow_up=follow_up))
            return callback

        return register

    def quick(self, *labels: str) -> Callable[[QuickAnswer], QuickAnswer]:
        """The intent's answer when it needs nothing but the text and the settings (small talk).

        A plain function ``(understanding, settings) -> str | None``, pure: same text, same answer,
        nothing written. The inbox uses it, without a transaction, for an owner with nothing going
        on (see ``bot.gateway.quick``); None means "not this one", and the message takes the full
        path to the intent's route, which must give the same answer whenever the quick one gives any.
        """

        def register(callback: QuickAnswer) -> QuickAnswer:
            if inspect.iscoroutinefunction(callback):
                raise WiringError(f"quick answer {callback.__qualname__} must be a plain function")
            for label in labels:
                self.quick_answers[label] = callback
            return callback

        return register

    def event(self, *names: str) -> Callable[[Handler], Handler]:
        """Handle WeChat events by lower-case name (subscribe, click, scan …)."""
        return self._register(self.events, names, RouteKind.EVENT)

    def message(self, *kinds: str) -> Callable[[Handler], Handler]:
        """Handle messages that carry no text to understand (image, location, link, unsupported)."""
        return self._register(self.kinds, kinds, RouteKind.MESSAGE)

    def command(self, *words: str) -> Callable[[Handler], Handler]:
        """Handle staff commands: a text starting with one of ``words``, from a registered staff account."""
        return self._register(self.commands, words, RouteKind.COMMAND)

    def text(self, pattern: str) -> Callable[[Handler], Handler]:
        """Handle a text matching ``pattern`` (fullmatch, after trimming) from anyone, before understanding.

        For replies the bot asked for by name, such as “同意 4821” to a tenant's binding request,
        fixed commands it taught (员工绑定 12345678), and the one case where what was announced
        answers owners' own words (an active notice: "怎么停水了", which the handler declines
        unless a notice of the sender's home applies); everything else owners say goes through
        the NLU. The handler receives the match as ``match``; it may answer None to decline (the
        words were not a reply to us), and the dialogue then reads the message.
        """
        compiled = re.compile(pattern)

        def register(callback: Handler) -> Handler:
            self.patterns.append((compiled, _route(callback, RouteKind.TEXT)))
            return callback

        return register

    def fallback(self) -> Callable[[Handler], Handler]:
        def register(callback: Handler) -> Handler:
            self.fallback_route = _route(callback, RouteKind.FALLBACK)
            return callback

        return register

    def during_handoff(self) -> Callable[[Handler], Handler]:
        """What happens to an owner's message while a human handles them."""

        def register(callback: Handler) -> Handler:
            self.handoff_route = _route(callback, RouteKind.HANDOFF)
            return callback

        return register

    @staticmethod
    def _register(table: dict[str, Route], keys: Iterable[str], kind: RouteKind) -> Callable[[Handler], Handler]:
        def register(callback: Handler) -> Handler:
            route = _route(callback, kind)
            for key in keys:
                table[key] = route
            return callback

        return register

    def routes(self) -> Iterable[Route]:
        yield from self.intents.values()
        yield from self.events.values()
        yield from self.kinds.values()
        yield from self.commands.values()
        yield from (route for _pattern, route in self.patterns)
        for route in (self.fallback_route, self.handoff_route):
            if route is not None:
                yield route


# What every handler may ask for by name, besides the product's services.
FRAMEWORK_RESOURCES = frozenset({
    "turn", "now", "session", "settings", "clock", "outbox", "conversation", "conversations", "form", "match",
})

CommandGuard = Callable[[Any, str], Awaitable[bool]]  # (session, openid) -> whether staff may command


class Dispatcher:
    """Finds the route for a turn: event → message kind → staff command → intent → fallback."""

    def __init__(self, understander: Understander, *, resources: Iterable[str] = (),
                 engine_intents: Iterable[IntentInfo] = ()) -> None:
        self.understander = understander
        self.resources = FRAMEWORK_RESOURCES | frozenset(resources)
        self._intents: dict[str, Route] = {}
        self._events: dict[str, Route] = {}
        self._kinds: dict[str, Route] = {}
        self._commands: dict[str, Route] = {}
        self._patterns: list[tuple[re.Pattern[str], Route]] = []
        self._fallback: Route | None = None
        self.handoff_route: Route | None = None
        self.quick_answers: dict[str, QuickAnswer] = {}
        self.routers: list[Router] = []
        self.intent_info: dict[str, IntentInfo] = {info.label: info for info in engine_intents}
        self.command_guard: CommandGuard | None = None

    def include_routers(self, *routers: Router) -> None:
        for router in routers:
            for route in router.routes():
                self._check_parameters(router, route)
            for table, mine in (
                (router.intents, self._intents),
                (router.events, self._events),
                (router.kinds, self._kinds),
                (router.commands, self._commands),
                (router.quick_answers, self.quick_answers),
            ):
                clash = table.keys() & mine.keys()
                if clash:
                    raise WiringError(f"router {router.name!r} handles {sorted(clash)} already handled elsewhere")
                mine.update(table)  # type: ignore[arg-type]  # each pair's two tables hold the same type
            for route in router.intents.values():
                assert route.intent is not None
                self.intent_info[route.intent.label] = route.intent
            self._patterns.extend(router.patterns)
            if router.handoff_route is not None:
                self.handoff_route = router.handoff_route
            if router.fallback_route is not None:
                if self._fallback is not None:
                    raise WiringError(f"router {router.name!r} declares a second fallback")
                self._fallback = router.fallback_route
            self.routers.append(router)

    def _check_parameters(self, router: Router, route: Route) -> None:
        for parameter in route.parameters:
            if parameter not in self.resources:
                raise WiringError(f"{router.name}: handler {route.name} asks for {parameter!r}, which nothing "
                                  f"provides (known: {', '.join(sorted(self.resources))})")
            only = ONLY_FOR.get(parameter)
            if only is not None and route.kind is not only:
                raise WiringError(f"{router.name}: handler {route.name} asks for {parameter!r}, which only "
                                  f"{only.value} handlers receive")

    def check(self, labels: Iterable[str]) -> list[str]:
        """What is wrong between the NLU's labels and the routes (empty when all agree).

        Every label the NLU can answer needs a route and a name (the engine's own ``cancel`` is
        the dialogue's); every routed intent needs the NLU to know it, i.e. a training file.
        """
        known = set(labels)
        problems = [f"the NLU's intent {label!r} has no route and no name" for label in sorted(known)
                    if label not in self.intent_info]
        problems += [f"the intent {label!r} is routed but the NLU has no training file for it"
                     for label in sorted(self._intents) if label not in known]
        problems += [f"the intent {info.label!r} has no Chinese name" for info in self.intent_info.values()
                     if not info.name.strip()]
        return problems

    def info(self, label: str) -> IntentInfo:
        found = self.intent_info.get(label)
        if found is None:
            raise WiringError(f"intent {label!r} is not declared by any route")
        return found

    def name_of(self, label: str) -> str:
        return self.info(label).name

    def intent_route(self, label: str) -> Route | None:
        return self._intents.get(label)

    def looks_like_command(self, text: str) -> bool:
        """Cheap test before asking the database whether the sender is staff."""
        words = text.strip().split(maxsplit=1)
        return bool(words) and words[0] in self._commands

    @property
    def fallback_route(self) -> Route | None:
        return self._fallback

    def route_for_non_dialogue(self, turn: Turn, *, is_staff: bool = False) -> Route | None:
        """Events, messages without text and staff commands; None for text the dialogue handles."""
        inbound = turn.inbound
        if inbound.kind == EVENT:
            return self._events.get(inbound.event or "") or _SILENT
        if inbound.kind not in (TEXT, VOICE) or not inbound.text.strip():
            return self._kinds.get(inbound.kind) or self._kinds.get("unsupported") or _SILENT
        if is_staff:
            word = inbound.text.strip().split(maxsplit=1)[0]
            command = self._commands.get(word)
            if command is not None:
                return command
        return None

    def pattern_route(self, text: str) -> tuple[Route, re.Match[str]] | None:
        return next(self.pattern_routes(text), None)

    def pattern_routes(self, text: str) -> Iterator[tuple[Route, re.Match[str]]]:
        """Every text route matching ``text``, in the flows' order: when one declines, the next is tried."""
        stripped = text.strip()
        for pattern, route in self._patterns:
            match = pattern.fullmatch(stripped)
            if match is not None:
                yield route, match


async def _silence() -> None:
    """Events nobody handles (VIEW, TEMPLATESENDJOBFINISH, new kinds): answered with success."""


_SILENT = _route(_silence, RouteKind.EVENT)
