"""What the staff console keeps: sign-in invites, the audit trail, human handoffs and FAQ edits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import AwareDateTime


class ConsoleInvite(Base):
    """A one-time link where a staff member sets their console password; only the token's hash is kept."""

    __tablename__ = "console_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))  # an admin's name, or "command line"
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime())
    used_at: Mapped[datetime | None] = mapped_column(AwareDateTime())


class AuditEntry(Base):
    """Who did what in the console: sign-ins, lockouts, full phone numbers shown, edits, retries."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_action_at", "action", "at"),
                      Index("ix_audit_log_target_action", "target", "action"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(64))  # the name at the time (kept if the staff row goes)
    action: Mapped[str] = mapped_column(String(30))
    target: Mapped[str] = mapped_column(String(120), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")  # the client's IP address


class EndedSession(Base):
    """A console session signed out before its cookie expired: a copy of that cookie opens nothing.

    Session cookies are encrypted, not stored, so signing out alone cannot reach a copy kept on a
    shared PC or in a proxy log; this row can. Rows older than the longest a session lives are
    deleted (handlers/web/console/auth.py).
    """

    __tablename__ = "console_ended_sessions"

    sid: Mapped[str] = mapped_column(String(48), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)


class Handoff(Base):
    """An owner handed to a person (转人工): who answers them, until when, and how it ended.

    The conversation's ``handoff_until`` decides whether the bot answers; this row is what the
    console lists and what several agents share (who is answering whom).
    """

    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoffs_open", "ended_at", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    estate: Mapped[str] = mapped_column(ForeignKey("estates.code"))
    home_id: Mapped[int | None] = mapped_column(ForeignKey("homes.id"))
    started_at: Mapped[datetime] = mapped_column(AwareDateTime())
    until: Mapped[datetime] = mapped_column(AwareDateTime())
    last_message_at: Mapped[datetime] = mapped_column(AwareDateTime())
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(64))


class HandoffMessage(Base):
    """One line of a handoff's thread: the owner's words, an agent's answer, or what happened."""

    __tablename__ = "handoff_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    author: Mapped[str] = mapped_column(String(10))  # owner, agent, system
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)


class FaqAnswer(Base):
    """An FAQ answer a supervisor edited in the console for one estate; it wins over config.yaml's."""

    __tablename__ = "faq_answers"
    __table_args__ = (UniqueConstraint("estate", "entry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    estate: Mapped[str] = mapped_column(ForeignKey("estates.code"))
    entry: Mapped[str] = mapped_column(String(60))  # the kb.yaml entry's id
    answer: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())


class AppSecret(Base):
    """A secret the service makes for itself once and every instance shares (the console's cookie key)."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
