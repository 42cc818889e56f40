"""The durable outbox: every push the service sends on its own initiative goes through here.

Enqueueing joins the caller's transaction (the push exists exactly when the change that caused
it does) and is idempotent by key; non-urgent pushes wait out the quiet hours. The sender
(``bot.outbox.sender``) delivers them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.settings import HoursWindow
from models import OutboxMessage

CUSTOMER_SERVICE, TEMPLATE, WECOM_ROBOT = "customer_service", "template", "wecom_robot"
TEMPLATE_FIELD_LIMIT = 20
TEMPLATE_DATA = "template_data"  # in a customer-service payload: the template's fields if WeChat refuses it
RETRYABLE = ("pending", "held", "dead")


class Outbox:
    """Puts pushes into the outbox inside the caller's transaction."""

    def __init__(self, clock: Clock, quiet_hours: HoursWindow, tz: Any,
                 on_enqueue: Callable[[], None] | None = None) -> None:
        self._clock = clock
        self._quiet = quiet_hours
        self._tz = tz
        self._on_enqueue = on_enqueue

    async def enqueue(
        self,
        session: AsyncSession,
        *,
        key: str,
        recipient: str,
        text: str | None = None,
        payload: dict[str, Any] | None = None,
        channel: str = CUSTOMER_SERVICE,
        kind: str = "reply",
        due_at: datetime | None = None,
        urgent: bool = False,
        quiet_hours: HoursWindow | None = None,
    ) -> None:
        """Add a push unless one with ``key`` exists; non-urgent pushes wait out the quiet hours
        (``quiet_hours``: the recipient's estate's, when they differ from the company's)."""
        now = self._clock.now()
        body = dict(payload or {})
        if text is not None:
            body["text"] = text
        due = due_at or now
        if not urgent:
            due = self.after_quiet_hours(due, quiet_hours)
        values = {
            "idempotency_key": key, "recipient": recipient, "channel": channel, "kind": kind,
            "payload": body, "urgent": urgent, "due_at": due, "status": "pending", "attempts": 0,
            "created_at": now,
        }
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        await session.execute(insert(OutboxMessage).values(**values).on_conflict_do_nothing(
            index_elements=["idempotency_key"]))
        if self._on_enqueue is not None:
            self._on_enqueue()

    async def enqueue_many(self, session: AsyncSession, pushes: list[dict[str, Any]]) -> None:
        """Many pushes in one statement (monthly reminders, a notice to a whole estate).

        Each item has ``key``, ``recipient``, ``text``, ``kind`` and optionally ``due_at``/``urgent``/
        ``quiet_hours``, and ``channel`` with its ``payload`` (a template) instead of a customer-service text.
        """
        if not pushes:
            return
        now = self._clock.now()
        rows = []
        for push in pushes:
            urgent = push.get("urgent", False)
            due = push.get("due_at") or now
            rows.append({
                "idempotency_key": push["key"], "recipient": push["recipient"],
                "channel": push.get("channel", CUSTOMER_SERVICE), "kind": push["kind"],
                "payload": push.get("payload") or {"text": push["text"]}, "urgent": urgent,
                "due_at": due if urgent else self.after_quiet_hours(due, push.get("quiet_hours")), "status": "pending",
                "attempts": 0,
                "created_at": now,
            })
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        await session.execute(insert(OutboxMessage).on_conflict_do_nothing(index_elements=["idempotency_key"]), rows)
        if self._on_enqueue is not None:
            self._on_enqueue()

    async def retry(self, session: AsyncSession, message_id: int) -> bool:
        """Send a push again now: one that failed and waits to retry, is held, or is dead (its attempts
        start over; the last error stays until the next try). False for one sent or being sent."""
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(RETRYABLE))
            .values(status="pending", due_at=self._clock.now(), attempts=0, lease_until=None, claim_token=None))
        if getattr(result, "rowcount", 0) and self._on_enqueue is not None:
            self._on_enqueue()
        return bool(getattr(result, "rowcount", 0))

    def after_quiet_hours(self, moment: datetime, quiet_hours: HoursWindow | None = None) -> datetime:
        """The first moment at or after ``moment`` outside the quiet hours (non-urgent pushes wait)."""
        quiet = quiet_hours or self._quiet
        local = moment.astimezone(self._tz)
        if not quiet.contains(local.time()):
            return moment
        end = datetime.combine(local.date(), quiet.end, tzinfo=self._tz)
        if end <= local:
            end += timedelta(days=1)
        return end


def template_field(text: str) -> str:
    """WeChat template fields: at most 20 characters and no line breaks (its rule since 2023)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= TEMPLATE_FIELD_LIMIT else flat[: TEMPLATE_FIELD_LIMIT - 1] + "…"


def template_payload(template_id: str, text: str, prepared: dict[str, Any] | None = None) -> dict[str, Any]:
    """A customer-service text recast for a template: headline, detail and a pointer to the chat; or the
    fields its sender prepared (``TEMPLATE_DATA`` in the payload: a notice keeps its times in a field)."""
    if prepared:
        return {"template_id": template_id, "data": prepared, "text": text}
    lines = [line.strip() for line in text.splitlines() if line.strip()] or [""]
    data = {"first": template_field(lines[0]), "keyword1": template_field(lines[1] if len(lines) > 1 else lines[0]),
            "remark": template_field("详情请进入公众号查看")}
    return {"template_id": template_id, "data": data, "text": text}
