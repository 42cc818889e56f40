"""Writing validated records in batches: one transaction per batch, bulk INSERT and bulk UPDATE by
primary key, and no write at all for a row that is already as the file says.

Each kind has an importer with three steps: ``prepare`` loads the keys it checks against (homes,
staff) once; ``check`` applies the rules that need the database or the rest of the file (a bill
for an unknown home, duplicates and conflicts inside the file, an openid already taken); ``write``
upserts a batch that has passed both.

Duplicates inside one file: the first row wins. A later row with the same identity (owner: home
+ phone; bill: home + period + item; staff: phone) is rejected, as "重复" when it says the same
thing and as a conflict naming the first row's line when it says something else.

A home is its estate and its room key: ``3-2-501`` of two estates is two homes. Buildings are
made under their estate's row; a bill finds its home within its own estate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.importer.cells import quoted
from handlers.importer.columns import HeaderMap
from handlers.importer.estates import FileEstates
from handlers.importer.records import BillRecord, OwnerRecord, StaffRecord
from handlers.importer.report import Rejection
from models.bill import Bill
from models.estate import Building, Estate, Home, Resident
from models.staff import Staff, StaffEstate

R = TypeVar("R", OwnerRecord, BillRecord, StaffRecord)
H = TypeVar("H")
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

    def __init__(self, header: HeaderMap, estates: FileEstates, estate_ids: dict[str, int]) -> None:
        self.header = header
        self.estates = estates
        self.estate_ids = estate_ids  # code → row id, for every known estate
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

    def __init__(self, header: HeaderMap, estates: FileEstates, estate_ids: dict[str, int]) -> None:
        super().__init__(header, estates, estate_ids)
        self.buildings: dict[tuple[str, str], int] = {}  # (estate, building code) → id
        self.homes: dict[str, dict[str, _HomeState]] = {}  # estate → room key → home
        self.first_area: dict[tuple[str, str], tuple[int, Decimal]] = {}

    async def prepare(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        async with sessions() as session:
            buildings = await session.execute(
                select(Estate.code, Building.code, Building.id).join(Estate, Estate.id == Building.estate_id))
            self.buildings = {(estate, code): id_ for estate, code, id_ in buildings}
            self.homes = await _homes(session, _HomeState)

    def check(self, record: OwnerRecord) -> list[Rejection]:
        key = record.address.key
        home = (record.estate, key)
        if record.area_m2 is not None:
            first = self.first_area.get(home)
            if first is not None and first[1] != record.area_m2:
                return [
                    Rejection(
                        record.line,
                        self.column("area_m2"),
                        f"{record.area_m2} 与第{first[0]}行同一房屋 {key} 的面积 {first[1]} 不一致",
                    )
                ]
        identity, signature = (home, record.phone), (record.name, record.role)
        problem = self.first_seen.check(identity, signature, record.line, f"同一房屋（{key}）的同一手机号")
        if problem:
            return [problem]
        self.first_seen.add(identity, signature, record.line)
        if record.area_m2 is not None and home not in self.first_area:
            self.first_area[home] = (record.line, record.area_m2)
        return []

    async def write(self, session: AsyncSession, batch: list[OwnerRecord]) -> Counts:
        await self._add_buildings(session, {(record.estate, record.address.building) for record in batch})
        changed_homes = await self._upsert_homes(session, batch)
        return await self._upsert_residents(session, batch, changed_homes)

    def _home(self, record: OwnerRecord) -> _HomeState:
        return self.homes[record.estate][record.address.key]

    async def _add_buildings(self, session: AsyncSession, codes: set[tuple[str, str]]) -> None:
        missing = sorted(codes - self.buildings.keys())
        if missing:
            rows = await session.execute(
                insert(Building).returning(Building.estate_id, Building.code, Building.id),
                [{"estate_id": self.estate_ids[estate], "code": code} for estate, code in missing],
            )
            estate_of = {id_: code for code, id_ in self.estate_ids.items()}
            self.buildings.update({(estate_of[estate_id], code): id_ for estate_id, code, id_ in rows})

    async def _upsert_homes(self, session: AsyncSession, batch: list[OwnerRecord]) -> set[int]:
        """Insert new homes, update changed areas; return the lines that changed a home's area."""
        new: dict[tuple[int, str], dict[str, Any]] = {}  # (building id, room key) → values
        estate_of: dict[int, str] = {}  # building id → estate code, for the new homes
        area_changes: dict[int, tuple[_HomeState, Decimal, int]] = {}  # home id → (home, new area, line)
        for record in batch:
            address, area = record.address, record.area_m2
            state = self.homes.get(record.estate, {}).get(address.key)
            if state is None:
                building_id = self.buildings[(record.estate, address.building)]
                estate_of[building_id] = record.estate
                values = new.setdefault(
                    (building_id, address.key),
                    {
                        "building_id": building_id,
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
            elif area is not None and area != state.area and state.id not in area_changes:
                area_changes[state.id] = (state, area, record.line)
        if new:
            rows = await session.execute(
                insert(Home).returning(Home.building_id, Home.room_key, Home.id), list(new.values())
            )
            for building_id, key, id_ in rows:
                area = new[(building_id, key)]["area_m2"]
                self.homes.setdefault(estate_of[building_id], {})[key] = _HomeState(id_, area)
        if area_changes:
            await session.execute(
                update(Home), [{"id": id_, "area_m2": area} for id_, (_state, area, _line) in area_changes.items()]
            )
            for state, area, _line in area_changes.values():
                state.area = area
        return {line for _state, _area, line in area_changes.values()}

    async def _upsert_residents(self, session: AsyncSession, batch: list[OwnerRecord],
                                changed_homes: set[int]) -> Counts:
        home_ids = sorted({self._home(record).id for record in batch})
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
            home_id = self._home(record).id
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


async def _homes(session: AsyncSession, make: Callable[[int, Decimal | None], H]) -> dict[str, dict[str, H]]:
    """Every home on the register by estate code, then room key: ``make(id, area)`` of each."""
    rows = await session.execute(
        select(Estate.code, Home.room_key, Home.id, Home.area_m2)
        .join(Building, Building.id == Home.building_id)
        .join(Estate, Estate.id == Building.estate_id)
    )
    homes: dict[str, dict[str, H]] = {}
    for estate, key, id_, area in rows:
        homes.setdefault(estate, {})[key] = make(id_, area)
    return homes


# --- bills ------------------------------------------------------------------------------------


_NO_HOMES: dict[str, int] = {}


class BillImporter(Importer[BillRecord]):
    """Bills (账单) for homes already on the owner register; a bill never creates a home."""

    batch_size = 5000

    def __init__(self, header: HeaderMap, estates: FileEstates, estate_ids: dict[str, int]) -> None:
        super().__init__(header, estates, estate_ids)
        self.homes: dict[str, dict[str, int]] = {}  # estate → room key → home id

    async def prepare(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        async with sessions() as session:
            self.homes = await _homes(session, lambda id_, _area: id_)

    def check(self, record: BillRecord) -> list[Rejection]:
        home_id = self.homes.get(record.estate, _NO_HOMES).get(record.address.key)
        if home_id is None:
            return [Rejection(record.line, self.column("room"), self._no_home(record))]
        identity, signature = (home_id, record.period, record.item), (record.amount, record.paid)
        problem = self.first_seen.check(
            identity, signature, record.line, f"同一房屋（{record.address.key}）同一账期同一项目"
        )
        if problem:
            return [problem]
        self.first_seen.add(identity, signature, record.line)
        return []

    def _no_home(self, record: BillRecord) -> str:
        estate = self.estates.scope.get(record.estate)
        where = f"{estate.name}（{estate.code}）的" if self.estates.scope.multi else ""
        return f"房屋 {record.address.key} 不在{where}业主档案中，请先导入业主或核对房号"

    async def write(self, session: AsyncSession, batch: list[BillRecord]) -> Counts:
        keyed = [(self.homes[record.estate][record.address.key], record) for record in batch]
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
    estates: frozenset[str]  # the codes of its staff_estates rows


class StaffImporter(Importer[StaffRecord]):
    """The staff list: identity is the phone; an empty openid cell keeps the openid on record.

    Where the file tells estates (a column or ``--estate``), each person's ``staff_estates`` rows
    become exactly the row's estates (none for an admin); where it does not, they are kept.
    """

    batch_size = 1000

    def __init__(self, header: HeaderMap, estates: FileEstates, estate_ids: dict[str, int]) -> None:
        super().__init__(header, estates, estate_ids)
        self.staff: dict[str, _StaffState] = {}
        self.openids: dict[str, tuple[str, str]] = {}  # openid → (phone, name) in the database at the start
        self.claimed: dict[str, tuple[int, str]] = {}  # openid → (line, phone) in this file

    async def prepare(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        async with sessions() as session:
            served: dict[int, set[str]] = {}
            for staff_id, estate in await session.execute(select(StaffEstate.staff_id, StaffEstate.estate)):
                served.setdefault(staff_id, set()).add(estate)
            rows = await session.execute(
                select(Staff.phone, Staff.id, Staff.name, Staff.openid, Staff.role, Staff.skills))
            for phone, id_, name, openid, role, skills in rows:
                self.staff[phone] = _StaffState(id_, name, openid, role, skills, frozenset(served.get(id_, ())))
                if openid:
                    self.openids[openid] = (phone, name)

    def check(self, record: StaffRecord) -> list[Rejection]:
        estates = None if record.estates is None else frozenset(record.estates)
        identity, signature = record.phone, (record.name, record.openid, record.role, record.skills, estates)
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
        served: dict[str, frozenset[str]] = {}  # phone → its new set of estates, where it changes
        for record in batch:
            skills = "|".join(record.skills)
            wanted = None if record.estates is None else frozenset(record.estates)
            found = self.staff.get(record.phone)
            if found is None:
                values: dict[str, Any] = {"name": record.name, "phone": record.phone, "openid": record.openid,
                                          "role": record.role, "skills": skills, "on_duty": True}
                inserts.append(values)
                if wanted:
                    served[record.phone] = wanted
                counts.inserted += 1
                continue
            openid = record.openid or found.openid
            same_person = (found.name, found.openid, found.role, found.skills) == (record.name, openid, record.role,
                                                                                   skills)
            same_estates = wanted is None or wanted == found.estates
            if same_person and same_estates:
                counts.unchanged += 1
                continue
            if not same_person:
                updates.append({"id": found.id, "name": record.name, "openid": openid, "role": record.role,
                                "skills": skills})
            if wanted is not None and not same_estates:
                served[record.phone] = wanted
            counts.updated += 1
        if inserts:
            rows = await session.execute(insert(Staff).returning(Staff.phone, Staff.id), inserts)
            ids = dict(rows.all())
            for values in inserts:
                self._remember(values["phone"], _StaffState(ids[values["phone"]], values["name"], values["openid"],
                                                            values["role"], values["skills"], frozenset()))
        if updates:
            await session.execute(update(Staff), updates)
            by_id = {state.id: phone for phone, state in self.staff.items()}
            for values in updates:
                phone = by_id[values["id"]]
                self._remember(phone, _StaffState(values["id"], values["name"], values["openid"], values["role"],
                                                  values["skills"], self.staff[phone].estates))
        if served:
            await self._replace_estates(session, served)
        return counts

    async def _replace_estates(self, session: AsyncSession, served: dict[str, frozenset[str]]) -> None:
        """Each person's staff_estates rows become exactly the given codes."""
        ids = {phone: self.staff[phone].id for phone in served}
        for part in chunks(sorted(ids.values())):
            await session.execute(delete(StaffEstate).where(StaffEstate.staff_id.in_(part)))
        rows = [{"staff_id": ids[phone], "estate": code} for phone, codes in served.items() for code in sorted(codes)]
        if rows:
            await session.execute(insert(StaffEstate), rows)
        for phone, codes in served.items():
            self.staff[phone].estates = codes

    def _remember(self, phone: str, state: _StaffState) -> None:
        # ``openids`` stays the snapshot taken before the file: an openid held by someone else when
        # the import started is refused even if an earlier row frees it, so the outcome does not
        # depend on batch boundaries (the next import will accept it).
        self.staff[phone] = state


_IMPORTERS: dict[str, type[Importer[Any]]] = {
    "owners": OwnerImporter, "bills": BillImporter, "staff": StaffImporter,
}


def make_importer(kind: str, header: HeaderMap, estates: FileEstates, estate_ids: dict[str, int]) -> Importer[Any]:
    return _IMPORTERS[kind](header, estates, estate_ids)
