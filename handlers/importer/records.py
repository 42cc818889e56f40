"""A row of text cells to a typed record, or the list of reasons it is rejected.

Every column of a row is checked, so the clerk sees all of a row's problems at once. The estate
of a row comes from :class:`handlers.importer.estates.FileEstates` (its cell, ``--estate`` or the
only estate).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from handlers.importer import cells
from handlers.importer.addresses import Address, parse_address
from handlers.importer.cells import CellError
from handlers.importer.columns import HeaderMap
from handlers.importer.estates import FileEstates
from handlers.importer.report import Rejection

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class OwnerRecord:
    line: int
    estate: str  # code
    address: Address
    area_m2: Decimal | None
    name: str
    phone: str
    role: str


@dataclass(frozen=True, slots=True)
class BillRecord:
    line: int
    estate: str  # code
    address: Address
    period: str
    item: str
    amount: Decimal
    paid: bool


@dataclass(frozen=True, slots=True)
class StaffRecord:
    line: int
    name: str
    phone: str
    openid: str | None
    role: str
    skills: tuple[str, ...]
    estates: tuple[str, ...] | None  # codes served; () an admin; None: the file does not say


class RowChecker:
    """Reads one row's cells through parsers, collecting a Rejection per bad column."""

    def __init__(self, header: HeaderMap, line: int, row: list[str]) -> None:
        self.header, self.line, self.row = header, line, row
        self.problems: list[Rejection] = []

    def text(self, column: str) -> str:
        return self.header.cell(self.row, column)

    def take(self, column: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(self.text(column))
        except CellError as error:
            self.problem(error.column or column, error.reason)
            return None

    def address(self) -> Address | None:
        try:
            return parse_address(self.text("building"), self.text("unit"), self.text("room"))
        except CellError as error:
            self.problem(error.column or "room", error.reason)
            return None

    def problem(self, column: str | None, reason: str) -> None:
        written = self.header.written.get(column, column) if column else None
        self.problems.append(Rejection(self.line, written, reason))


def owner_record(header: HeaderMap, line: int, row: list[str], estates: FileEstates) -> OwnerRecord | list[Rejection]:
    check = RowChecker(header, line, row)
    estate = check.take("estate", estates.of_row) if estates.column else estates.fallback
    address = check.address()
    area = check.take("area_m2", cells.area)
    name = check.take("name", cells.name)
    phone = check.take("phone", cells.phone)
    role = check.take("role", cells.resident_role)
    if check.problems:
        return check.problems
    assert estate is not None and address is not None and name is not None and phone is not None
    assert role is not None
    return OwnerRecord(line, estate, address, area, name, phone, role)


def bill_record(header: HeaderMap, line: int, row: list[str], estates: FileEstates) -> BillRecord | list[Rejection]:
    check = RowChecker(header, line, row)
    estate = check.take("estate", estates.of_row) if estates.column else estates.fallback
    address = check.address()
    period = check.take("period", cells.period)
    item = check.take("item", cells.item)
    amount = check.take("amount", cells.amount)
    paid = check.take("paid", cells.paid)
    if check.problems:
        return check.problems
    assert estate is not None and address is not None and period is not None and item is not None
    assert amount is not None and paid is not None
    return BillRecord(line, estate, address, period, item, amount, paid)


def staff_record(header: HeaderMap, line: int, row: list[str], estates: FileEstates) -> StaffRecord | list[Rejection]:
    check = RowChecker(header, line, row)
    name = check.take("name", cells.name)
    phone = check.take("phone", cells.phone)
    openid = check.take("openid", cells.openid)
    role = check.take("role", cells.staff_role)
    skills = check.take("skills", cells.skills)
    served = check.take("estate", lambda text: estates.served(text, role))
    if check.problems:
        return check.problems
    assert name is not None and phone is not None and role is not None and skills is not None
    return StaffRecord(line, name, phone, openid, role, skills, served)
