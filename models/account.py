"""WeChat accounts (one per openid) and their bindings to homes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.enums import BindingStatus, ResidentRole, checked
from models.types import AwareDateTime


class WechatAccount(Base):
    """Someone who follows the official account; pushes go only to subscribed, unblocked accounts."""

    __tablename__ = "wechat_accounts"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    subscribed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # Customer-service messages may be sent only within 48 hours of the owner's last message.
    last_inbound_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    refused_at: Mapped[datetime | None] = mapped_column(AwareDateTime())  # WeChat 43101: refuses pushes
    prefers_traditional: Mapped[bool] = mapped_column(Boolean, default=False)


class HomeBinding(Base):
    """An account acting for a home, verified against the owner register (tenants need the owner's consent)."""

    __tablename__ = "home_bindings"
    __table_args__ = (Index("ix_home_bindings_openid_status", "openid", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(ForeignKey("wechat_accounts.openid"))
    home_id: Mapped[int] = mapped_column(ForeignKey("homes.id"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    role: Mapped[ResidentRole] = mapped_column(checked(ResidentRole, 10, "role"))
    status: Mapped[BindingStatus] = mapped_column(checked(BindingStatus, 10, "status"))
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)  # the home picked among several
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(AwareDateTime())


async def record_inbound(session: AsyncSession, openid: str, at: datetime, event: str | None) -> None:
    """Keep the account row current: last message time (48-hour window) and (un)subscription.

    Anything but an unsubscribe proves the owner follows the account and reads it: a mark left by
    an earlier 43004 (unfollowed) or 43101 (refuses messages) is cleared.
    """
    values: dict[str, object] = {"openid": openid, "last_inbound_at": at, "subscribed": True}
    changes: dict[str, object] = {"last_inbound_at": at, "subscribed": True, "refused_at": None}
    if event in ("subscribe", "subscribe_scan"):
        values["subscribed_at"] = changes["subscribed_at"] = at
    elif event == "unsubscribe":
        values["subscribed"] = changes["subscribed"] = False
        values["unsubscribed_at"] = changes["unsubscribed_at"] = at
        del changes["refused_at"]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(WechatAccount).values(**values)
    await session.execute(statement.on_conflict_do_update(index_elements=["openid"], set_=changes))


async def active_bindings(session: AsyncSession, openid: str) -> list[HomeBinding]:
    """The homes this account acts for, the current one first."""
    return list((await session.scalars(_ACTIVE_BINDINGS, {"openid": openid})).all())


# Built once (on the message path, building a statement costs more than SQLite running it).
# The owner wrote: they follow the account and read it. Clears a 43004 or 43101 mark; writes nothing
# (and locks nothing) when there is none, so it can run at every message (bot.gateway.inbox).
CLEAR_MARKS = (
    update(WechatAccount)
    .where(WechatAccount.openid == bindparam("owner_openid"),
           or_(WechatAccount.refused_at.is_not(None), WechatAccount.subscribed.is_(False)))
    .values(subscribed=True, refused_at=None)
)
_ACTIVE_BINDINGS = (
    select(HomeBinding)
    .where(HomeBinding.openid == bindparam("openid"), HomeBinding.status == "active")
    .order_by(HomeBinding.is_current.desc(), HomeBinding.id)
)
