"""Bills (账单): one item of one month for one home."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import AwareDateTime, Money


class Bill(Base):
    __tablename__ = "bills"
    __table_args__ = (UniqueConstraint("home_id", "period", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("homes.id"), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    item: Mapped[str] = mapped_column(String(20))  # 物业费, 停车费, 水费 …
    amount: Mapped[Decimal] = mapped_column(Money())
    paid: Mapped[bool] = mapped_column(Boolean, default=False)


class FeeReminder(Base):
    """A monthly arrears reminder (催缴) to one home: at most one per home per month."""

    __tablename__ = "fee_reminders"
    __table_args__ = (UniqueConstraint("home_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("homes.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM of the run
    amount: Mapped[Decimal] = mapped_column(Money())
    months_owed: Mapped[int] = mapped_column(Integer)
    oldest_period: Mapped[str] = mapped_column(String(7))
    sent_at: Mapped[datetime] = mapped_column(AwareDateTime())
