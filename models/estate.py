"""The estate register: buildings, homes and the people on the owner register (业主档案)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.enums import ResidentRole, checked
from models.types import Money


class Estate(Base):
    """An estate (小区/项目). Its settings live in config.yaml under its code (docs/estates.md); the
    row is what buildings, tickets and staff refer to, written from the settings at start-up."""

    __tablename__ = "estates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # bot.settings.DEFAULT_ESTATE_CODE for the default
    name: Mapped[str] = mapped_column(String(100))

    buildings: Mapped[list[Building]] = relationship(back_populates="estate")


class Building(Base):
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("estate_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"))
    code: Mapped[str] = mapped_column(String(20))  # "3", "B", "A"

    estate: Mapped[Estate] = relationship(back_populates="buildings")
    homes: Mapped[list[Home]] = relationship(back_populates="building")


class Home(Base):
    """One home, addressed by its room key in the normal form of docs/nlu.md (``3-2-501``)."""

    __tablename__ = "homes"
    __table_args__ = (UniqueConstraint("building_id", "room_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    unit: Mapped[str] = mapped_column(String(10), default="")
    room: Mapped[str] = mapped_column(String(20))
    room_key: Mapped[str] = mapped_column(String(50), index=True)  # unique within its building's estate
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(10, 2, asdecimal=True))
    in_custody: Mapped[bool] = mapped_column(Boolean, default=False)  # 托管: pays 70% of the property fee
    prepaid_balance: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))

    building: Mapped[Building] = relationship(back_populates="homes")
    residents: Mapped[list[Resident]] = relationship(back_populates="home")


class Resident(Base):
    """A person on the owner register of one home: its owner or a tenant."""

    __tablename__ = "residents"
    __table_args__ = (UniqueConstraint("home_id", "phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("homes.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(11), index=True)
    role: Mapped[ResidentRole] = mapped_column(checked(ResidentRole, 10, "role"))

    home: Mapped[Home] = relationship(back_populates="residents")
