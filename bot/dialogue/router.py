"""Routers and the dispatcher: how handlers/ declare what they handle (after aiogram's Router).

A handler module owns a module-level ``router = Router("name")`` and decorates coroutines with
what they answer: an NLU intent, a WeChat event, a message kind, a staff command, or the
fallback. Each handler receives only what it names among its parameters (``turn``, ``session``,
``settings``, ``clock``, ``outbox``, ``now`` and whatever else the app provides), injected by name.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.messages import EVENT, TEXT, VOICE, Inbound

if TYPE_CHECKING:
    from bot.nlu import Understanding


class Understander(Protocol):
    def __call__(self, text: str, now: datetime, expecting: str | None = None) -> Understanding: ...


@dataclass(frozen=True)
class Reply:
    """What a handler answers: text for the owner (converted to traditional script when they wrote so)."""

    text: str


Handler = Callable[..., Awaitable["Reply | Ask | Confirm | str | None"]]
# A reply that needs neither the database nor the conversation: (understanding, settings) -> text or None.
QuickAnswer = Callable[["Understanding", Any], "str | None"]


class Turn:
    """One message being handled: the inbound message, its time, and its understanding (computed once, lazily)."""

    def __init__(self, inbound: Inbound, now: datetime, understander: Understander) -> None:
        self.inbound = inbound
        self.now = now
        self._understander = understander
        self._understanding: Understanding | None = None

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
class Route:
    callback: Handler
    parameters: tuple[str, ...]
    form: bool = False
    needs: tuple[str, ...] = ()
    asks: Mapping[str, str] = field(default_factory=dict)
    accepts: frozenset[str] = frozenset()  # slots a message may fill or correct while the form runs
    free_text: frozenset[str] = frozenset()  # needed slots that any answer fills

    async def __call__(self, resources: Mapping[str, Any]) -> Reply | Ask | Confirm | None:
        try:
            kwargs = {name: resources[name] for name in self.parameters}
        except KeyError as missing:
            raise LookupError(f"{self.callback.__qualname__} asks for unknown resource {missing}") from None
        answer = await self.callback(**kwargs)
        if answer is None or isinstance(answer, Reply | Ask | Confirm):
            return answer
        return Reply(str(answer))


def _route(callback: Handler, **metadata: Any) -> Route:
    if not inspect.iscoroutinefunction(callback):
        raise TypeError(f"handler {callback.__qualname__} must be async")
    parameters = tuple(inspect.signature(callback).parameters)
    return Route(callback=callback, parameters=parameters, **metadata)


class Router:
    """A named group of handlers; one per flow module in handlers/."""

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
        self, *labels: str, needs: Iterable[str] = (), asks: Mapping[str, str] | None = None
    ) -> Callable[[Handler], Handler]:
        """Handle NLU intents; ``needs`` are the slots the flow must collect and ``asks`` the questions for them."""

        def register(callback: Handler) -> Handler:
            route = _route(callback, needs=tuple(needs), asks=dict(asks or {}))
            for label in labels:
                self.intents[label] = route
            return callback

        return register

    def form(
        self,
        label: str,
        *,
        needs: Iterable[str] = (),
        asks: Mapping[str, str] | None = None,
        accepts: Iterable[str] = (),
        free_text: Iterable[str] = (),
    ) -> Callable[[Handler], Handler]:
        """A flow that collects slots over several messages before it acts (after PTB's ConversationHandler).

        The dialogue engine asks for each missing ``needs`` slot with its ``asks`` question, one at a
        time, then calls the handler with ``form``; the handler may answer ``Ask`` for more,
        ``Confirm`` to wait for 确认, or a final reply. ``accepts`` are the slots a later message
        may add or correct (不对，是502).
        """
        needed = tuple(needs)

        def register(callback: Handler) -> Handler:
            self.intents[label] = _route(
                callback, form=True, needs=needed, asks=dict(asks or {}),
                accepts=frozenset(accepts) | frozenset(needed), free_text=frozenset(free_text))
            return callback

        return register

    def quick(self, *labels: str) -> Callable[[QuickAnswer], QuickAnswer]:
        """The intent's answer when it needs nothing but the text and the settings (small talk).

        A plain function ``(understanding, settings) -> str | None``, pure: same text, same answer,
        nothing written. The inbox uses it, without a transaction, for an owner with nothing going
        on (see ``bot.quick``); None means "not this one", and the message takes the full path to
        the intent's route, which must give the same answer whenever the quick one gives any.
        """

        def register(callback: QuickAnswer) -> QuickAnswer:
            if inspect.iscoroutinefunction(callback):
                raise TypeError(f"quick answer {callback.__qualname__} must be a plain function")
            for label in labels:
                self.quick_answers[label] = callback
            return callback

        return register

    def event(self, *names: str) -> Callable[[Handler], Handler]:
        """Handle WeChat events by lower-case name (subscribe, click, scan …)."""
        return self._register(self.events, names)

    def message(self, *kinds: str) -> Callable[[Handler], Handler]:
        """Handle messages that carry no text to understand (image, location, link, unsupported)."""
        return self._register(self.kinds, kinds)

    def command(self, *words: str) -> Callable[[Handler], Handler]:
        """Handle staff commands: a text starting with one of ``words``, from a registered staff openid."""
        return self._register(self.commands, words)

    def text(self, pattern: str) -> Callable[[Handler], Handler]:
        """Handle a text matching ``pattern`` (fullmatch, after trimming) from anyone, before understanding.

        For replies the bot asked for by name, such as “同意 4821” to a tenant's binding request;
        the handler receives the match as ``match``.
        """
        compiled = re.compile(pattern)

        def register(callback: Handler) -> Handler:
            self.patterns.append((compiled, _route(callback)))
            return callback

        return register

    def fallback(self) -> Callable[[Handler], Handler]:
        def register(callback: Handler) -> Handler:
            self.fallback_route = _route(callback)
            return callback

        return register

    def during_handoff(self) -> Callable[[Handler], Handler]:
        """What happens to an owner's message while a human handles them (the bot itself stays quiet)."""

        def register(callback: Handler) -> Handler:
            self.handoff_route = _route(callback)
            return callback

        return register

    @staticmethod
    def _register(table: dict[str, Route], keys: Iterable[str]) -> Callable[[Handler], Handler]:
        def register(callback: Handler) -> Handler:
            route = _route(callback)
            for key in keys:
                table[key] = route
            return callback

        return register


class Dispatcher:
    """Finds the route for a turn: event → message kind → staff command → intent → fallback."""

    def __init__(self, understander: Understander) -> None:
        self.understander = understander
        self._intents: dict[str, Route] = {}
        self._events: dict[str, Route] = {}
        self._kinds: dict[str, Route] = {}
        self._commands: dict[str, Route] = {}
        self._patterns: list[tuple[re.Pattern[str], Route]] = []
        self._fallback: Route | None = None
        self.handoff_route: Route | None = None
        self.quick_answers: dict[str, QuickAnswer] = {}
        self.routers: list[Router] = []

    def include_routers(self, *routers: Router) -> None:
        for router in routers:
            for table, mine in (
                (router.intents, self._intents),
                (router.events, self._events),
                (router.kinds, self._kinds),
                (router.commands, self._commands),
                (router.quick_answers, self.quick_answers),
            ):
                clash = table.keys() & mine.keys()
                if clash:
                    raise ValueError(f"router {router.name!r} handles {sorted(clash)} already handled elsewhere")
                mine.update(table)
            self._patterns.extend(router.patterns)
            if router.handoff_route is not None:
                self.handoff_route = router.handoff_route
            if router.fallback_route is not None:
                if self._fallback is not None:
                    raise ValueError(f"router {router.name!r} declares a second fallback")
                self._fallback = router.fallback_route
            self.routers.append(router)

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
        stripped = text.strip()
        for pattern, route in self._patterns:
            match = pattern.fullmatch(stripped)
            if match is not None:
                return route, match
        return None



async def _silence() -> None:
    """Events nobody handles (VIEW, TEMPLATESENDJOBFINISH, new kinds): answered with success."""


_SILENT = _route(_silence)
