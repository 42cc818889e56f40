"""Writing validated records in batches: one transaction per batch, bulk INSERT and bulk UPDATE by
primary key, and no write at all for a row that is already as the file says.

Each kind has an importer with three steps: ``prepare`` loads the keys it checks against (homes,
staff) once; ``check`` applies the rules that need the database or the rest of the file (a bill
for an unknown home, duplicates and conflicts inside the file, an openid already taken); ``write``
upserts a batch that has passed both.

Duplicates inside one file: the first row wins. A later row with the same identity (owner: home
+ phone; bill: home + period + item; staff: phone) is rejected, as "重复" when it says the same
thing and as a conflict naming the first row's line when it says something else.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.importer.cells import quoted
from handlers.importer.columns import HeaderMap
from handlers.importer.records import BillRecord, OwnerRecord, StaffRecord
from handlers.importer.report import Rejection
from models.bill import Bill
from models.estate import Building, Estate, Home, Resident
from models.staff import Staff

R = TypeVar("R", OwnerRecord, BillRecord, StaffRecord)
DEFAULT_ESTATE_NAME = "本小区"
_IN_CHUNK = 500  # keys per IN (…) list, well inside every database's parameter limit


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class _FirstSeen:
    """The first accepted row of each identity, so later rows can be told duplicate or conflict."""

    rows: dict[Any, tuple[int, Any]] = field(default_factory=dict)

    def check(self, identity: Any, signature: Any, line: int, what: str) -> Rejection | None:
        first = self.rows.get(identity)
        if first is None:
            return None
        first_line, first_signature = first
        if first_signature == signature:
            return Rejection(line, None, f"与第{first_line}行重复，已跳过")
        return Rejection(line, None, f"与第{first_line}行是{what}，但内容不同；以第{first_line}行为准，本行未导入")

    def add(self, identity: Any, signature: Any, line: int) -> None:
        self.rows[identity] = (line, signature)


def chunks(values: Sequence[Any], size: int = _IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Importer(Generic[R]):
    batch_size = 2000

    def __init__(self, header: HeaderMap) -> None:
        self.header = header
        self.first_seen = _FirstSeen()

    async def prepare(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        raise NotImplementedError

    def check(self, record: R) -> list[Rejection]:
        raise NotImplementedError

    async def write(self, session: AsyncSession, batch: list[R]) -> Counts:
        raise NotImplementedError

    def column(self, name: str) -> str:
        return self.header.written[name]


# --- owners -----------------------------------------------------------------------------------


@dataclass
class _HomeState:
    id: int
    area: Decimal | None


class OwnerImporter(Importer[OwnerRecord]):
    """The owner register (业主档案): creates buildings and homes as needed, upserts residents."""

    def __init__(self, header: HeaderMap, estate_name: str | None) -> None:
        super().__init__(header)
        self.estate_name = estate_name
        self.estate_id: int | None = None
        self.buildings: dict[str, int] = {}
        self.homes: dict[str, _HomeState] = {}
        self.first_area: dict[str, tuple[int, Decimal]] = {}

    async def prepare(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        async with sessions() as session:
            self.estate_id = await _find_estate(session, self.estate_name)
            if self.estate_id is not None:
                buildings = await session.execute(
                    select(Building.code, Building.id).where(Building.estate_id == self.estate_id))
                self.buildings = dict(buildings.all())
            rows = await session.execute(select(Home.room_key, Home.id, Home.area_m2))
            self.homes = {key: _HomeState(id_, area) for key, id_, area in rows}

    def check(self, record: OwnerRecord) -> list[Rejection]:
        key = record.address.key
        if record.area_m2 is not None:
            first = self.first_area.get(key)
            if first is not None and first[1] != record.area_m2:
                return [
                    Rejection(
                        record.line,
                        self.column("area_m2"),
                        f"{record.area_m2} 与第{first[0]}行同一房屋 {key} 的面积 {first[1]} 不一致",
                    )
                ]
        identity, signature = (key, record.phone), (record.name, record.role)
        problem = self.first_seen.check(identity, signature, record.line, f"同一房屋（{key}）的同一手机号")
        if problem:
            return [problem]
        self.first_seen.add(identity, signature, record.line)
        if record.area_m2 is not None and key not in self.first_area:
            self.first_area[key] = (record.line, record.area_m2)
        return []

    async def write(self, session: AsyncSession, batch: list[OwnerRecord]) -> Counts:
        if self.estate_id is None:
            name = self.estate_name or DEFAULT_ESTATE_NAME
            self.estate_id = (await session.execute(insert(Estate).returning(Estate.id), [{"name": name}])).scalar_one()
        await self._add_buildings(session, {record.address.building for record in batch})
        changed_homes = await self._upsert_homes(session, batch)
        return await self._upsert_residents(session, batch, changed_homes)

    async def _add_buildings(self, session: AsyncSession, codes: set[str]) -> None:
        missing = sorted(codes - self.buildings.keys())
        if missing:
            rows = await session.execute(
                insert(Building).returning(Building.code, Building.id),
                [{"estate_id": self.estate_id, "code": code} for code in missing],
            )
            self.buildings.update(rows.all())

    async def _upsert_homes(self, session: AsyncSession, batch: list[OwnerRecord]) -> set[int]:
        """Insert new homes, update changed areas; return the lines that changed a home's area."""
        new: dict[str, dict[str, Any]] = {}
        area_changes: dict[str, tuple[Decimal, int]] = {}
        for record in batch:
            address, area = record.address, record.area_m2
            state = self.homes.get(address.key)
            if state is None:
                values = new.setdefault(
                    address.key,
                    {
                        "building_id": self.buildings[address.building],
                        "unit": address.unit,
                        "room": address.room,
                        "room_key": address.key,
                        "area_m2": None,
                        "in_custody": False,
                        "prepaid_balance": Decimal("0.00"),
                    },
                )
                if values["area_m2"] is None:
                    values["area_m2"] = area
            elif area is not None and area != state.area and address.key not in area_changes:
                area_changes[address.key] = (area, record.line)
        if new:
            rows = await session.execute(
                insert(Home).returning(Home.room_key, Home.id), list(new.values())
            )
            for key, id_ in rows:
                self.homes[key] = _HomeState(id_, new[key]["area_m2"])
        if area_changes:
            await session.execute(
                update(Home),
                [{"id": self.homes[key].id, "area_m2": area} for key, (area, _line) in area_changes.items()],
            )
            for key, (area, _line) in area_changes.items():
                self.homes[key].area = area
        return {line for _area, line in area_changes.values()}

    async def _upsert_residents(self, session: AsyncSession, batch: list[OwnerRecord],
                                changed_homes: set[int]) -> Counts:
        home_ids = sorted({self.homes[record.address.key].id for record in batch})
        existing: dict[tuple[int, str], tuple[int, str, str]] = {}
        for part in chunks(home_ids):
            rows = await session.execute(
                select(Resident.home_id, Resident.phone, Resident.id, Resident.name, Resident.role).where(
                    Resident.home_id.in_(part)
                )
            )
            existing.update({(home_id, phone): (id_, name, role) for home_id, phone, id_, name, role in rows})
        counts = Counts()
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for record in batch:
            home_id = self.homes[record.address.key].id
            found = existing.get((home_id, record.phone))
            if found is None:
                inserts.append({"home_id": home_id, "name": record.name, "phone": record.phone, "role": record.role})
                counts.inserted += 1
            elif (found[1], found[2]) != (record.name, record.role):
                updates.append({"id": found[0], "name": record.name, "role": record.role})
                counts.updated += 1
            elif record.line in changed_homes:
                counts.updated += 1
            else:
                counts.unchanged += 1
        if inserts:
            await session.execute(insert(Resident), inserts)
        if updates:
            await session.execute(update(Resident), updates)
        return counts


async def _find_estate(session: AsyncSession, name: str | None) -> int | None:
    """The estate named in the settings; failing that the only estate there is (one per database)."""
    if name is not None:
        found = await session.scalar(select(Estate.id).where(Estate.name == name))
        if found is not None:
            return found
    ids = (await session.scalars(select(Estate.id).limit(2))).all()
    return ids[0] if len(ids) == 1 else None


# --- bills ------------------------------------------------------------------------------------


class BillImporter(Importer[BillRecord]):
    """Bills (账单) for homes already on the owner register; a bill never creates a home."""

    batch_size = 5000

    def __init__(self, header: HeaderMap) -> None:
        super().__init__(header)
        self.homes: dict[str, int] = {}

    async def prepare(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        async with sessions() as session:
            rows = await session.execute(select(Home.room_key, Home.id))
            self.homes = dict(rows.all())

    def check(self, record: BillRecord) -> list[Rejection]:
        home_id = self.homes.get(record.address.key)
        if home_id is None:
            reason = f"房屋 {record.address.key} 不在业主档案中，请先导入业主或核对房号"
            return [Rejection(record.line, self.column("room"), reason)]
        identity, signature = (home_id, record.period, record.item), (record.amount, record.paid)
        problem = self.first_seen.check(
            identity, signature, record.line, f"同一房屋（{record.address.key}）同一账期同一项目"
        )
        if problem:
            return [problem]
        self.first_seen.add(identity, signature, record.line)
        return []

    async def write(self, session: AsyncSession, batch: list[BillRecord]) -> Counts:
        keyed = [(self.homes[record.address.key], record) for record in batch]
        home_ids = sorted({home_id for home_id, _record in keyed})
        periods = sorted({record.period for _home_id, record in keyed})
        existing: dict[tuple[int, str, str], tuple[int, Decimal, bool]] = {}
        for part in chunks(home_ids):
            rows = await session.execute(
                select(Bill.home_id, Bill.period, Bill.item, Bill.id, Bill.amount, Bill.paid).where(
                    Bill.home_id.in_(part), Bill.period.in_(periods)
                )
            )
            existing.update({(h, p, i): (id_, amount, paid) for h, p, i, id_, amount, paid in rows})
        counts = Counts()
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for home_id, record in keyed:
            found = existing.get((home_id, record.period, record.item))
            if found is None:
                inserts.append(
                    {"home_id": home_id, "period": record.period, "item": record.item, "amount": record.amount,
                     "paid": record.paid}
                )
                counts.inserted += 1
            elif (found[1], found[2]) != (record.amount, record.paid):
                updates.append({"id": found[0], "amount": record.amount, "paid": record.paid})
                counts.updated += 1
            else:
                counts.unchanged += 1
        if inserts:
            await session.execute(insert(Bill), inserts)
        if updates:
            await session.execute(update(Bill), updates)
        return counts


# --- staff ------------------------------------------------------------------------------------


@dataclass
class _StaffState:
    id: int
    name: str
    openid: str | None
    role: str
    skills: str


class StaffImporter(Importer[StaffRecord]):
    """The staff list: identity is the phone; an empty openid cell keeps the openid on record."""

    batch_size = 1000

    def __init__(self, header: HeaderMap) -> None:
        super().__init__(header)
        self.staff: dict[str, _StaffState] = {}
        self.openids: dict[str, tuple[str, str]] = {}  # openid → (phone, name) in the database at the start
        self.claimed: dict[str, tuple[int, str]] = {}  # openid → (line, phone) in this file

    async def prepare(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        async with sessions() as session:
            rows = await session.execute(
                select(Staff.phone, Staff.id, Staff.name, Staff.openid, Staff.role, Staff.skills))
            for phone, id_, name, openid, role, skills in rows:
                self.staff[phone] = _StaffState(id_, name, openid, role, skills)
                if openid:
                    self.openids[openid] = (phone, name)

    def check(self, record: StaffRecord) -> list[Rejection]:
        identity, signature = record.phone, (record.name, record.openid, record.role, record.skills)
        problem = self.first_seen.check(identity, signature, record.line, "同一手机号")
        if problem:
            return [problem]
        if record.openid:
            holder = self.openids.get(record.openid)
            if holder is not None and holder[0] != record.phone:
                reason = f"{quoted(record.openid)} 已属于员工 {holder[1]}，一个 openid 只能对应一位员工"
                return [Rejection(record.line, self.column("openid"), reason)]
            claim = self.claimed.get(record.openid)
            if claim is not None and claim[1] != record.phone:
                reason = f"{quoted(record.openid)} 与第{claim[0]}行的 openid 相同，一个 openid 只能对应一位员工"
                return [Rejection(record.line, self.column("openid"), reason)]
            self.claimed[record.openid] = (record.line, record.phone)
        self.first_seen.add(identity, signature, record.line)
        return []

    async def write(self, session: AsyncSession, batch: list[StaffRecord]) -> Counts:
        counts = Counts()
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for record in batch:
            skills = "|".join(record.skills)
            found = self.staff.get(record.phone)
            if found is None:
                values: dict[str, Any] = {"name": record.name, "phone": record.phone, "openid": record.openid,
                                          "role": record.role, "skills": skills, "on_duty": True}
                inserts.append(values)
                counts.inserted += 1
                continue
            openid = record.openid or found.openid
            if (found.name, found.openid, found.role, found.skills) == (record.name, openid, record.role, skills):
                counts.unchanged += 1
                continue
            updates.append({"id": found.id, "name": record.name, "openid": openid, "role": record.role,
                            "skills": skills})
            counts.updated += 1
        if inserts:
            rows = await session.execute(insert(Staff).returning(Staff.phone, Staff.id), inserts)
            ids = dict(rows.all())
            for values in inserts:
                self._remember(values["phone"], _StaffState(ids[values["phone"]], values["name"], values["openid"],
                                                            values["role"], values["skills"]))
        if updates:
            await session.execute(update(Staff), updates)
            by_id = {state.id: phone for phone, state in self.staff.items()}
            for values in updates:
                phone = by_id[values["id"]]
                self._remember(phone, _StaffState(values["id"], values["name"], values["openid"], values["role"],
                                                  values["skills"]))
        return counts

    def _remember(self, phone: str, state: _StaffState) -> None:
        # ``openids`` stays the snapshot taken before the file: an openid held by someone else when
        # the import started is refused even if an earlier row frees it, so the outcome does not
        # depend on batch boundaries (the next import will accept it).
        self.staff[phone] = state


def make_importer(kind: str, header: HeaderMap, estate_name: str | None) -> Importer[Any]:
    if kind == "owners":
        return OwnerImporter(header, estate_name)
    if kind == "bills":
        return BillImporter(header)
    return StaffImporter(header)


