"""Per-openid conversation state, persisted in the database (after aiogram's storage).

A restart mid-conversation loses nothing; an idle form expires after a timeout (unlike WeRoBot's
sessions, which never did).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import Executable, Insert, Select, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import ConversationState

CONFIRM = "__confirm__"  # the form waits for 确认 rather than a slot
OPENING = "__opening__"  # a form opened without words (a menu button) waits for the owner's first message
S = TypeVar("S")


@dataclass
class Form(Generic[S]):
    """The one active form: which flow, the slots collected, what it is waiting for.

    ``state`` is the flow's own dataclass (declared with ``Router.form(state=…)``); it is stored as
    JSON and becomes the dataclass again when the form's route takes the next message.
    """

    intent: str
    slots: dict[str, str] = field(default_factory=dict)  # values in the NLU's normal forms
    answers: dict[str, str] = field(default_factory=dict)  # free-text answers (a place, "随时")
    asking: str | None = None
    confirmed: bool = False
    first_text: str = ""
    question: str = ""  # the last question asked, repeated when the answer could not be read
    free_text: list[str] = field(default_factory=list)  # the slots asked for in the owner's own words
    state: S = field(default_factory=lambda: cast(S, {}))

    def bind_state(self, state_type: type[S]) -> None:
        """Turn the stored JSON back into the flow's dataclass (unknown keys, from an older version, go)."""
        if isinstance(self.state, dict):
            names = {f.name for f in fields(state_type)}  # type: ignore[arg-type]
            self.state = state_type(**{k: v for k, v in self.state.items() if k in names})

    def to_json(self) -> dict[str, Any]:
        return asdict(self)  # the state dataclass (or its stored dict) becomes a dict with it

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Form[Any]:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        legacy = data.get("data") or {}  # before forms had typed state: the engine's keys and the flow's
        if "question" not in values and "question" in legacy:
            values["question"] = legacy["question"]
        if "free_text" not in values and "free_text" in legacy:
            values["free_text"] = list(legacy["free_text"])
        if "state" not in values:
            values["state"] = {k: v for k, v in legacy.items() if k not in ("question", "free_text")}
        return cls(**values)


@dataclass
class Conversation:
    openid: str
    form: Form[Any] | None = None
    misses: int = 0  # misunderstandings in a row
    clarifying: list[str] = field(default_factory=list)  # the two readings offered last time
    clarifying_text: str = ""  # the message the clarifying question was about
    pending: list[str] = field(default_factory=list)  # more requests of one message, served after this one
    handoff_until: str | None = None  # ISO instant: a human is handling this owner until then
    expired_form: str | None = None  # set when an idle form was dropped on loading
    loaded: dict[str, Any] | None = None  # the state as read, so an unchanged one is not written

    def in_handoff(self, now: datetime) -> bool:
        return self.handoff_until is not None and datetime.fromisoformat(self.handoff_until) > now

    def to_json(self) -> dict[str, Any]:
        return {"form": self.form.to_json() if self.form is not None else None, "misses": self.misses,
                "clarifying": list(self.clarifying), "clarifying_text": self.clarifying_text,
                "pending": list(self.pending), "handoff_until": self.handoff_until}

    @classmethod
    def from_json(cls, openid: str, data: dict[str, Any]) -> Conversation:
        form = data.get("form")
        return cls(
            openid=openid,
            form=Form.from_json(form) if form else None,
            misses=int(data.get("misses", 0)),
            clarifying=list(data.get("clarifying", [])),
            clarifying_text=str(data.get("clarifying_text", "")),
            pending=[str(text) for text in data.get("pending", [])],
            handoff_until=data.get("handoff_until"),
            loaded=data,
        )


# Owners this process knows to have nothing going on; past this many, it forgets and re-learns.
KNOWN_EMPTY_LIMIT = 200_000


class ConversationStore:
    """Loads and saves conversations; one per process, shared by everything that touches them.

    It also remembers which owners it last left with an empty conversation (no form, no handoff,
    no misses), so small talk from them can be answered without reading the state (``bot.quick``).
    That knowledge is only sound while this process is the one writing conversations, as with the
    embedded SQLite; every save that writes forgets the owner first.
    """

    def __init__(self, idle_timeout_minutes: int) -> None:
        self._idle_seconds = idle_timeout_minutes * 60
        self._known_empty: set[str] = set()

    def known_empty(self, openid: str) -> bool:
        return openid in self._known_empty

    @staticmethod
    async def lock(session: AsyncSession, openid: str, *,
                   after: tuple[Executable, dict[str, Any]] | None = None) -> None:
        """Hold the owner's conversation until the transaction ends (PostgreSQL).

        With several instances two messages of one owner (or a console action beside a message)
        could each load the conversation and save over the other's change. A transaction-scoped
        advisory lock on the owner makes them take turns. The inbox takes it before it writes
        anything else of the owner's, so every transaction meets the owner's rows in one order
        and none deadlocks; ``load`` takes it too, unless this transaction holds it already. The embedded
        SQLite has one writer: nothing to do there.

        ``after``: a statement made by ``lock_after`` and its parameters, run instead of the bare
        lock: its INSERT first, then the lock, in one round trip (the inbox's dedupe record).
        """
        connection = await session.connection()
        if connection.dialect.name != "postgresql":
            return
        transaction = session.sync_session.get_transaction()
        held = session.info.setdefault(_LOCKS_HELD, {})
        if after is None and held.get(openid) is transaction:  # taken already in this transaction
            return
        statement, parameters = after or (_LOCK, {})
        await connection.execute(statement, {**parameters, _LOCK_KEY: f"conversation:{openid}"})
        if len(held) > 16:  # a session's earlier transactions: their locks are gone
            held.clear()
        held[openid] = transaction

    async def load(self, session: AsyncSession, openid: str, now: datetime) -> Conversation:
        await self.lock(session, openid)
        connection = await session.connection()
        row = (await connection.execute(_LOAD, {"openid": openid})).first()
        if row is None:
            return Conversation(openid=openid)
        conversation = Conversation.from_json(openid, row.data or {})
        if conversation.form is not None and (now - row.updated_at).total_seconds() > self._idle_seconds:
            conversation.expired_form = conversation.form.intent
            conversation.form = None
        return conversation

    async def save(self, session: AsyncSession, conversation: Conversation, now: datetime) -> None:
        """Write the state when it changed, or while a form runs (its idle clock restarts)."""
        data = conversation.to_json()
        if conversation.form is None and data == (conversation.loaded or _EMPTY):
            if data == _EMPTY:
                if len(self._known_empty) >= KNOWN_EMPTY_LIMIT:
                    self._known_empty.clear()
                self._known_empty.add(conversation.openid)
            return
        self._known_empty.discard(conversation.openid)
        # One statement, no ORM object: an upsert (the row may be new, or pruned since it was read).
        connection = await session.connection()
        await connection.execute(_UPSERTS[connection.dialect.name == "postgresql"],
                                 {"openid": conversation.openid, "data": data, "updated_at": now})


_EMPTY = Conversation(openid="").to_json()

# The hot statements, built once (building one costs more than running it on SQLite); values are bound.
_TABLE = ConversationState.__table__
_LOAD = select(_TABLE.c.data, _TABLE.c.updated_at).where(_TABLE.c.openid == bindparam("openid"))
_LOCK_KEY = "conversation_lock_key"  # a name no column has: an INSERT would take it as a value
_LOCK = select(func.pg_advisory_xact_lock(func.hashtext(bindparam(_LOCK_KEY))))


def lock_after(insert: Insert) -> Select[Any]:
    """``insert``, then the owner's lock, as one PostgreSQL statement for ``ConversationStore.lock``:
    the lock is taken on the INSERT's returned row, so only once the INSERT has succeeded."""
    first = insert.returning(literal_column("1").label("inserted")).cte("first")
    return _LOCK.select_from(first)


_LOCKS_HELD = "conversation_locks"  # session.info: openid → the transaction that took its lock


def _upsert(insert: Any) -> Any:
    statement = insert(_TABLE)
    return statement.on_conflict_do_update(index_elements=["openid"], set_={
        "data": statement.excluded.data, "updated_at": statement.excluded.updated_at})


_UPSERTS = {True: _upsert(pg_insert), False: _upsert(sqlite_insert)}
