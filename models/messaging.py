"""What the gateway and the outbox keep: processed messages, conversation state, pushes, tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.enums import Channel, OutboxStatus, checked
from models.types import AwareDateTime

TEXT_MAX = 500  # an owner's message as kept for staff taking over


class ProcessedMessage(Base):
    """A WeChat message already handled, so WeChat's retries never run a handler twice.

    Written in the same transaction as the handler's effects: either both exist or neither.
    """

    __tablename__ = "processed_messages"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)  # MsgId, or openid:CreateTime:event
    openid: Mapped[str] = mapped_column(String(64), index=True)
    received_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    text: Mapped[str] = mapped_column(Text, default="")  # what the owner wrote, for a human taking over
    reply: Mapped[str | None] = mapped_column(Text)  # passive reply text; None when it went out as a push


class DeferredMessage(Base):
    """A message acknowledged to WeChat at the deadline before its handler committed.

    WeChat does not retry a message it got an answer for, so from that moment the service alone
    must see it through: the row is written (in its own short transaction) before ``success`` is
    answered, deleted by the handler's transaction when it commits, and handled again by any
    instance if the one that acknowledged it died first (``bot.gateway.inbox``, docs/operations.md).
    """

    __tablename__ = "deferred_messages"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)  # the message's dedupe key
    openid: Mapped[str] = mapped_column(String(64))
    inbound: Mapped[dict[str, Any]] = mapped_column(JSON)  # the message as the gateway parsed it
    deferred_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # recoveries that did not commit


class ConversationState(Base):
    """Per-openid dialogue state (the active form and its slots), so a restart loses nothing."""

    __tablename__ = "conversation_states"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())


class OutboxMessage(Base):
    """A message the service sends on its own initiative; durable, claimed with a lease, sent once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(300), index=True)  # openid, or a robot name
    channel: Mapped[Channel] = mapped_column(checked(Channel, 20, "channel"))
    kind: Mapped[str] = mapped_column(String(30), default="reply")  # picks the fallback template
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    urgent: Mapped[bool] = mapped_column(default=False)  # emergencies and staff alerts ignore quiet hours
    due_at: Mapped[datetime] = mapped_column(AwareDateTime())
    status: Mapped[OutboxStatus] = mapped_column(checked(OutboxStatus, 10, "status"), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(AwareDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))  # which claim may record the outcome
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime())


class AccessToken(Base):
    """The WeChat access token, shared by every process through the database."""

    __tablename__ = "access_tokens"

    appid: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str] = mapped_column(String(600))
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime())


class WebhookNonce(Base):
    """A (timestamp, nonce) pair WeChat signed, with the body it came with, for the replay window."""

    __tablename__ = "webhook_nonces"

    pair: Mapped[str] = mapped_column(String(120), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the body
    forget_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)


class HealthCheck(Base):
    """One row that /healthz rewrites now and then: proof that the database still accepts writes."""

    __tablename__ = "health_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(AwareDateTime())


class JobRun(Base):
    """A scheduled job's run for one fire time, so a restart neither skips nor repeats it."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    fire_time: Mapped[datetime] = mapped_column(AwareDateTime(), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(AwareDateTime())
    result: Mapped[str] = mapped_column(Text, default="")
