"""Several estates in one deployment, end to end (issue 16's "done when"), judged as owners and staff see it.

Two estates from the repo's config.yaml: ``default`` 阳光花园 and ``lanting`` 兰亭苑 (office 09:00-18:00,
Saturdays worked, hotline 0755-2777 5555). Each has building 3, unit 2, room 501, so ``3-2-501`` exists
twice. 王师傅 and 赵主管 serve only 阳光花园, 刘师傅 and 孙主管 only 兰亭苑, 陈经理 (admin) the company.

Everything goes through the real app: signed WeChat XML to ``/wechat``, the admin API with the bearer
token, pushes read from the outbox and, once sent, from a fake WeChat API. The database is only
written to seed the register (homes, residents, staff, bills) and read to check the outcome.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.clock import FrozenClock
from bot.keys import SENDER, SESSIONS
from bot.nlu import understand
from models import (
    Bill,
    Building,
    Estate,
    Home,
    HomeBinding,
    Resident,
    Staff,
    StaffEstate,
    Ticket,
    TicketEvent,
    WechatAccount,
)
from tests.fakes.wechat_api import FakeWeChatAPI
from tests.support.chat import Chat, Person

TZ = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # an ordinary working day in both estates
FRIDAY_EVENING = datetime(2026, 11, 27, 20, 30, tzinfo=TZ)  # after both offices close; no public holiday near
SATURDAY, MONDAY = date(2026, 11, 28), date(2026, 11, 30)

ADMIN_TOKEN = "estates-e2e-admin"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SUNSHINE, LANTING = "阳光花园", "兰亭苑"
SUNSHINE_HOTLINE, LANTING_HOTLINE = "0755-2888 6666", "0755-2777 5555"

# Owners' accounts and their register rows: (openid, estate, name, phone).
ZHANG = ("owner-zhang", "default", "张伟", "13800000001")  # 阳光花园 3-2-501
ZHOU = ("owner-zhou", "lanting", "周敏", "13800000011")  # 兰亭苑 3-2-501
LIN_PHONE = "13800000021"  # 林芳 owns 3-2-501 in both estates

_retry_ids = itertools.count(9_300_000_000)


@pytest.fixture(autouse=True, scope="module")
def _nlu_loaded() -> None:
    """Load the NLU model before the first message, so its cold start never meets the 4-second reply deadline."""
    understand("你好", MONDAY_10)


# --- the world: two estates, their register, their staff -------------------------------------------------


@dataclass
class World:
    chat: Chat
    fake: FakeWeChatAPI
    homes: dict[str, Home]  # estate code → its 3-2-501
    staff: dict[str, Staff]  # wang, liu, zhao, sun, chen

    def person(self, openid: str) -> Person:
        return self.chat.person(openid)

    @property
    def service(self) -> Any:
        return self.chat.service

    # the admin API -----------------------------------------------------------------------------------
    async def api_get(self, path: str) -> tuple[int, Any]:
        async with self.service.http.get(self.service.url + path, headers=AUTH) as response:
            return response.status, await response.json(content_type=None)

    async def api_post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        async with self.service.http.post(self.service.url + path, json=body, headers=AUTH) as response:
            return response.status, await response.json(content_type=None)

    async def ticket_json(self, number: str) -> dict[str, Any]:
        status, data = await self.api_get(f"/api/tickets/{number}")
        assert status == 200, data
        return dict(data)

    # the database, read to check ---------------------------------------------------------------------
    async def tickets(self, **where: Any) -> list[Ticket]:
        async with self.chat.sessions() as session:
            query = select(Ticket).filter_by(**where).order_by(Ticket.id)
            return list((await session.scalars(query)).all())

    async def ticket(self, number: str) -> Ticket:
        [found] = await self.tickets(number=number)
        return found

    async def events(self, number: str) -> list[tuple[str, str]]:
        async with self.chat.sessions() as session:
            rows = await session.execute(select(TicketEvent.action, TicketEvent.by).join(
                Ticket, Ticket.id == TicketEvent.ticket_id).where(Ticket.number == number).order_by(TicketEvent.id))
            return [(action, by) for action, by in rows]

    async def pushes_about(self, openid: str, number: str) -> list[str]:
        return [text for text in await self.chat.pushes_to(openid) if number in text]

    async def bindings(self, openid: str) -> list[tuple[str, str, str]]:
        """(estate code, room, status) of each binding of the account."""
        async with self.chat.sessions() as session:
            rows = await session.execute(
                select(Estate.code, Home.room_key, HomeBinding.status)
                .join(Home, Home.id == HomeBinding.home_id).join(Building, Building.id == Home.building_id)
                .join(Estate, Estate.id == Building.estate_id)
                .where(HomeBinding.openid == openid).order_by(HomeBinding.id))
            return [(code, room, status) for code, room, status in rows]

    # seeding -----------------------------------------------------------------------------------------
    async def bind(self, openid: str, estate: str, phone: str, *, current: bool = True) -> None:
        """Bind an account to an estate's 3-2-501 directly (binding itself is tested through the chat)."""
        async with self.chat.sessions.begin() as session:
            resident = await session.scalar(select(Resident).where(
                Resident.home_id == self.homes[estate].id, Resident.phone == phone))
            assert resident is not None, (estate, phone)
            if await session.get(WechatAccount, openid) is None:
                session.add(WechatAccount(openid=openid, subscribed=True))
                await session.flush()
            session.add(HomeBinding(openid=openid, home_id=resident.home_id, resident_id=resident.id, role="owner",
                                    status="active", is_current=current, created_at=self.chat.now()))

    async def open_ticket_for(self, who: str, estate: str) -> None:
        """Give a staff member an open ticket already (someone busier than a colleague)."""
        async with self.chat.sessions.begin() as session:
            count = await session.scalar(select(func.count()).select_from(Ticket))
            now = self.chat.now()
            session.add(Ticket(number=f"R20261101{900 + int(count or 0)}", kind="repair", estate=estate,
                               status="accepted", home_id=self.homes[estate].id, category="水电",
                               description="厨房插座没电", assignee_id=self.staff[who].id,
                               created_at=now, updated_at=now))


async def _seed(session: Any) -> tuple[dict[str, Home], dict[str, Staff]]:
    estates = {estate.code: estate for estate in await session.scalars(select(Estate))}
    assert set(estates) >= {"default", "lanting"}, "config.yaml configures both estates"
    homes: dict[str, Home] = {}
    for code in ("default", "lanting"):
        building = Building(estate=estates[code], code="3")
        homes[code] = Home(building=building, unit="2", room="501", room_key="3-2-501", area_m2=Decimal("89.50"))
        session.add_all([building, homes[code]])
    session.add_all([
        Resident(home=homes["default"], name=ZHANG[2], phone=ZHANG[3], role="owner"),
        Resident(home=homes["lanting"], name=ZHOU[2], phone=ZHOU[3], role="owner"),
        Resident(home=homes["default"], name="林芳", phone=LIN_PHONE, role="owner"),
        Resident(home=homes["lanting"], name="林芳", phone=LIN_PHONE, role="owner"),
    ])
    staff = {
        "wang": Staff(name="王师傅", phone="13900000001", openid="staff-wang", role="staff", skills="水电|渗漏水"),
        "liu": Staff(name="刘师傅", phone="13900000002", openid="staff-liu", role="staff", skills="水电|渗漏水"),
        "zhao": Staff(name="赵主管", phone="13900000003", openid="staff-zhao", role="supervisor", skills="噪音"),
        "sun": Staff(name="孙主管", phone="13900000004", openid="staff-sun", role="supervisor", skills="噪音"),
        "chen": Staff(name="陈经理", phone="13900000005", openid="staff-chen", role="admin", skills=""),
    }
    session.add_all(staff.values())
    await session.flush()
    serving = {"wang": "default", "zhao": "default", "liu": "lanting", "sun": "lanting"}
    session.add_all(StaffEstate(staff_id=staff[who].id, estate=code) for who, code in serving.items())
    session.add_all([
        Bill(home_id=homes["default"].id, period="2026-10", item="物业费", amount=Decimal("235.50"), paid=False),
        Bill(home_id=homes["lanting"].id, period="2026-10", item="物业费", amount=Decimal("318.00"), paid=False),
        Bill(home_id=homes["lanting"].id, period="2026-10", item="停车费", amount=Decimal("150.00"), paid=False),
    ])
    await session.flush()
    return homes, staff


@pytest.fixture
async def make_world(make_settings, start_service, fake_wechat):  # type: ignore[no-untyped-def]
    fake, base = fake_wechat

    async def build(at: datetime = MONDAY_10) -> World:
        settings = make_settings(WECHAT_TOKEN="t", WECHAT_APPID=fake.appid, WECHAT_SECRET=fake.secret,
                                 WECHAT_API_BASE=base, WUYEBOT_ADMIN_TOKEN=ADMIN_TOKEN)
        assert [estate.code for estate in settings.estate_list] == ["default", "lanting"]
        clock = FrozenClock(at)
        service = await start_service(settings, clock=clock, run_sender=False, run_scheduler=False)
        async with service.app[SESSIONS].begin() as session:
            homes, staff = await _seed(session)
        return World(chat=Chat(service=service, clock=clock, people=dict(staff)), fake=fake, homes=homes,
                     staff=staff)

    return build


@pytest.fixture
async def world(make_world) -> World:  # type: ignore[no-untyped-def]
    return await make_world()


# --- conversations ------------------------------------------------------------------------------------


async def finish_repair(person: Person, reply: str) -> str:
    """Answer the repair form's remaining questions (any time; confirm) until the ticket number is told."""
    for _ in range(4):
        if "工单号" in reply:
            return reply
        if "什么时间" in reply:
            reply = await person.says("随时都可以")
        elif "请确认" in reply:
            reply = await person.says("确认")
        else:
            break
    raise AssertionError(f"the repair did not reach a ticket: {reply}")


async def file_repair(world: World, openid: str, text: str = "卫生间水管漏水了") -> Ticket:
    """An owner reports a leak, leaves the time to us and confirms: the ticket made."""
    person = world.person(openid)
    await finish_repair(person, await person.says(text))
    mine = await world.tickets(openid=openid)
    assert mine, f"no ticket for {openid}"
    return mine[-1]


async def file_emergency(world: World, openid: str) -> Ticket:
    """A burst pipe: an emergency ticket at once, offered for 抢单 (dispatch.emergency: grab)."""
    await world.person(openid).says("厨房水管爆了，水漫了一地")
    [ticket] = await world.tickets(openid=openid, kind="emergency")
    assert ticket.status == "new" and ticket.assignee_id is None
    return ticket


# --- 1. a repair stays in its estate ------------------------------------------------------------------


async def test_a_lanting_repair_is_a_lanting_ticket_routed_to_liu_not_to_the_less_busy_wang(world: World) -> None:
    await world.open_ticket_for("liu", "lanting")  # 刘师傅 is busier: only the estate keeps 王师傅 away
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    ticket = await file_repair(world, ZHOU[0])

    assert ticket.estate == "lanting" and ticket.home_id == world.homes["lanting"].id
    assert ticket.assignee_id == world.staff["liu"].id, "the 兰亭苑 repair went to someone who does not serve it"
    assert (await world.ticket_json(ticket.number))["assignee"] == "刘师傅"
    assert await world.pushes_about("staff-liu", ticket.number)
    assert not await world.pushes_about("staff-wang", ticket.number)

    await world.service.app[SENDER].run_once()  # what actually reaches WeChat
    reached = {sent["touser"] for sent in world.fake.sent() if ticket.number in str(sent)}
    assert "staff-liu" in reached and "staff-wang" not in reached


async def test_the_admin_api_says_each_tickets_estate(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await world.bind(ZHANG[0], "default", ZHANG[3])
    lanting, default = await file_repair(world, ZHOU[0]), await file_repair(world, ZHANG[0])

    status, data = await world.api_get("/api/tickets")
    assert status == 200, data
    listed = {ticket["number"]: ticket for ticket in data["tickets"]}
    assert listed[lanting.number].get("estate") == "lanting", listed[lanting.number]
    assert listed[default.number].get("estate") == "default", listed[default.number]
    assert (await world.ticket_json(lanting.number)).get("estate") == "lanting"


async def test_a_default_repair_goes_to_wang_not_to_the_less_busy_liu(world: World) -> None:
    await world.open_ticket_for("wang", "default")  # 王师傅 is busier: only the estate keeps 刘师傅 away
    await world.bind(ZHANG[0], "default", ZHANG[3])
    ticket = await file_repair(world, ZHANG[0])

    assert ticket.estate == "default" and ticket.home_id == world.homes["default"].id
    assert ticket.assignee_id == world.staff["wang"].id, "the 阳光花园 repair went to someone who does not serve it"
    assert await world.pushes_about("staff-wang", ticket.number)
    assert not await world.pushes_about("staff-liu", ticket.number)


async def test_a_lanting_emergency_is_offered_to_lanting_staff_and_supervisor_only(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    ticket = await file_emergency(world, ZHOU[0])

    assert ticket.estate == "lanting"
    assert await world.pushes_about("staff-liu", ticket.number)
    assert await world.pushes_about("staff-sun", ticket.number)  # 兰亭苑's supervisor is alerted
    assert not await world.pushes_about("staff-wang", ticket.number)
    assert not await world.pushes_about("staff-zhao", ticket.number)


# --- 2. an owner never sees another estate's tickets, passes or bills ---------------------------------


async def test_an_owner_asking_after_another_estates_ticket_learns_nothing_and_cannot_chase_it(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await world.bind(ZHANG[0], "default", ZHANG[3])
    ticket = await file_repair(world, ZHOU[0])
    zhang = world.person(ZHANG[0])

    asked = await zhang.says(f"查询工单 {ticket.number}")
    assert asked == await zhang.says("查询工单 R20261123099")  # found exactly like a number that does not exist
    assert "卫生间" not in asked and "漏水" not in asked and "刘师傅" not in asked and "王师傅" not in asked

    before = await world.events(ticket.number)
    staff_told = [len(await world.chat.pushes_to(f"staff-{who}")) for who in ("wang", "liu", "sun", "zhao")]
    await zhang.says(f"催单 {ticket.number}")
    assert await world.events(ticket.number) == before  # no 催办 recorded
    assert [len(await world.chat.pushes_to(f"staff-{who}")) for who in ("wang", "liu", "sun", "zhao")] == staff_told

    own = await world.person(ZHOU[0]).says(f"查询工单 {ticket.number}")  # its owner does see it
    assert ticket.number in own and "没有找到" not in own


async def test_an_owner_asking_after_another_estates_visitor_pass_learns_nothing(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await world.bind(ZHANG[0], "default", ZHANG[3])
    zhou, zhang = world.person(ZHOU[0]), world.person(ZHANG[0])
    assert "请确认访客登记" in await zhou.says("明天下午有朋友来，帮我登记访客")
    registered = await zhou.says("确认")
    assert "访客登记成功" in registered and "V20261123001" in registered

    asked = await zhang.says("V20261123001 访客登记成功了吗")
    assert asked == await zhang.says("V20261123099 访客登记成功了吗")
    assert "有效" not in asked and "14:00" not in asked
    assert "访客通行证 V20261123001" in await zhou.says("V20261123001 访客登记成功了吗")


async def test_each_owner_of_a_3_2_501_sees_only_their_own_estates_bill(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await world.bind(ZHANG[0], "default", ZHANG[3])

    for text in ("我家物业费还欠多少", "3-2-501的物业费"):
        lanting = await world.person(ZHOU[0]).says(text)
        assert "¥318.00" in lanting and "¥150.00" in lanting and "合计：¥468.00" in lanting, lanting
        assert "235.50" not in lanting
        default = await world.person(ZHANG[0]).says(text)
        assert "¥235.50" in default and "合计：¥235.50" in default, default
        assert "318.00" not in default and "150.00" not in default


# --- 3. staff act only on their own estate's tickets --------------------------------------------------


async def test_staff_of_default_cannot_take_or_finish_a_lanting_ticket_by_chat(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    ticket = await file_emergency(world, ZHOU[0])
    number = ticket.number

    for openid in ("staff-wang", "staff-zhao"):  # a worker and a supervisor of 阳光花园
        reply = await world.person(openid).says(f"接单 {number}")
        assert "已由您接单" not in reply, f"{openid} took a 兰亭苑 ticket: {reply}"
        after = await world.ticket(number)
        assert (after.status, after.assignee_id) == ("new", None), f"{openid} changed the ticket"

    assert "已由您接单" in await world.person("staff-liu").says(f"接单 {number}")  # its own estate's staff may
    events = await world.events(number)
    for openid in ("staff-wang", "staff-zhao"):
        await world.person(openid).says(f"开始 {number}")
        await world.person(openid).says(f"完工 {number} 已修好")
        after = await world.ticket(number)
        assert (after.status, after.assignee_id) == ("accepted", world.staff["liu"].id), openid
    assert await world.events(number) == events  # not even a refused step left a trace

    assert "完工" in await world.person("staff-liu").says(f"完工 {number} 已更换水管")
    assert (await world.ticket(number)).status == "completed"


async def test_staff_commands_on_their_own_estates_ticket_still_work(world: World) -> None:
    await world.bind(ZHANG[0], "default", ZHANG[3])
    ticket = await file_emergency(world, ZHANG[0])

    assert "已由您接单" in await world.person("staff-wang").says(f"接单 {ticket.number}")
    assert (await world.ticket(ticket.number)).assignee_id == world.staff["wang"].id
    assert "完工" in await world.person("staff-zhao").says(f"完工 {ticket.number} 主管代为完工")  # its supervisor
    assert (await world.ticket(ticket.number)).status == "completed"


async def test_the_api_refuses_a_default_worker_on_a_lanting_ticket_with_403_and_changes_nothing(
        world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await world.bind(ZHANG[0], "default", ZHANG[3])
    lanting = await file_repair(world, ZHOU[0])
    status, data = await world.api_post(f"/api/tickets/{lanting.number}/actions",
                                         {"action": "assign", "staff": "刘师傅", "note": "兰亭苑的单"})
    assert status == 200 and data["assignee"] == "刘师傅", data  # the admin hands it to 兰亭苑's worker
    before = await world.ticket_json(lanting.number)

    for action in ("accept", "start", "complete"):
        status, data = await world.api_post(f"/api/tickets/{lanting.number}/actions",
                                             {"action": action, "staff": "王师傅"})
        assert status == 403, (action, status, data)
    status, data = await world.api_post(f"/api/tickets/{lanting.number}/actions",
                                        {"action": "assign", "staff": "王师傅"})
    assert 400 <= status < 500, (status, data)  # nor may it be handed to someone who does not serve 兰亭苑
    assert await world.ticket_json(lanting.number) == before

    status, data = await world.api_post(f"/api/tickets/{lanting.number}/actions",
                                        {"action": "accept", "staff": "刘师傅"})
    assert status == 200 and data["status"] == "accepted", data

    default = await file_repair(world, ZHANG[0])
    status, data = await world.api_post(f"/api/tickets/{default.number}/actions",
                                        {"action": "accept", "staff": "王师傅"})
    assert status == 200 and data["status"] == "accepted" and data["assignee"] == "王师傅", data


# --- 4. each estate's calendar drives its clocks ------------------------------------------------------


async def test_a_friday_evening_repair_is_due_on_site_saturday_in_lanting_and_monday_in_default(
        make_world: Any) -> None:
    world: World = await make_world(FRIDAY_EVENING)
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await world.bind(ZHANG[0], "default", ZHANG[3])
    lanting = await file_repair(world, ZHOU[0])
    default = await file_repair(world, ZHANG[0])
    assert (lanting.estate, default.estate) == ("lanting", "default")

    lanting_due = datetime.fromisoformat((await world.ticket_json(lanting.number))["deadlines"]["on_site"])
    default_due = datetime.fromisoformat((await world.ticket_json(default.number))["deadlines"]["on_site"])
    assert lanting_due.astimezone(TZ).date() == SATURDAY  # 兰亭苑 works Saturdays
    assert lanting_due.astimezone(TZ).time() <= datetime(2026, 1, 1, 18, 0).time()  # within its 09:00-18:00
    assert default_due.astimezone(TZ).date() == MONDAY


# --- 5. binding names, or is asked, the estate --------------------------------------------------------


async def _answer_name_and_phone(person: Person, reply: str, name: str, phone: str) -> str:
    assert "姓名" in reply, reply
    reply = await person.says(name)
    assert "手机号" in reply, reply
    return await person.says(phone)


async def test_binding_with_the_estate_named_binds_that_estates_home(world: World) -> None:
    zhou = world.person(ZHOU[0])
    reply = await _answer_name_and_phone(zhou, await zhou.says("绑定 兰亭苑3栋2单元501"), ZHOU[2], ZHOU[3])
    assert "绑定成功" in reply, reply
    assert await world.bindings(ZHOU[0]) == [("lanting", "3-2-501", "active")]


async def test_binding_a_room_both_estates_have_asks_which_estate_and_the_answer_continues(world: World) -> None:
    zhou = world.person(ZHOU[0])
    asked = await zhou.says("绑定3栋2单元501")
    assert SUNSHINE in asked and LANTING in asked, asked
    assert await world.bindings(ZHOU[0]) == []

    reply = await _answer_name_and_phone(zhou, await zhou.says(LANTING), ZHOU[2], ZHOU[3])
    assert "绑定成功" in reply, reply
    assert await world.bindings(ZHOU[0]) == [("lanting", "3-2-501", "active")]


# --- 6. an account with homes in both estates ---------------------------------------------------------


@pytest.mark.parametrize(("answer", "estate"), [(LANTING, "lanting"), (SUNSHINE, "default")],
                         ids=["answers_lanting", "answers_default"])
async def test_an_owner_with_homes_in_both_estates_is_asked_which_and_the_ticket_follows_the_answer(
        world: World, answer: str, estate: str) -> None:
    await world.bind("owner-lin", "default", LIN_PHONE, current=True)
    await world.bind("owner-lin", "lanting", LIN_PHONE, current=False)
    lin = world.person("owner-lin")

    asked = await lin.says("卫生间水管漏水了")
    assert SUNSHINE in asked and LANTING in asked, asked
    assert await world.tickets() == []

    await finish_repair(lin, await lin.says(answer))
    [ticket] = await world.tickets()
    assert ticket.estate == estate and ticket.home_id == world.homes[estate].id


async def test_an_owner_with_one_home_is_never_shown_estate_names(world: World) -> None:
    await world.bind(ZHANG[0], "default", ZHANG[3])
    zhang = world.person(ZHANG[0])
    replies = [await zhang.says("卫生间水管漏水了")]
    replies.append(await zhang.says("随时都可以"))
    replies.append(await zhang.says("确认"))
    replies.append(await zhang.says("我家物业费还欠多少"))
    replies.append(await zhang.says("我的工单"))
    assert "工单号" in replies[2] and "¥235.50" in replies[3]
    for reply in replies:
        assert SUNSHINE not in reply and LANTING not in reply, reply


# --- 7. the estate's own hotline --------------------------------------------------------------------


async def test_a_lanting_owner_is_given_lantings_hotline_and_a_default_owner_defaults(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await world.bind(ZHANG[0], "default", ZHANG[3])

    for text in ("我家物业费还欠多少", "怎么交物业费"):
        lanting = await world.person(ZHOU[0]).says(text)
        assert LANTING_HOTLINE in lanting and SUNSHINE_HOTLINE not in lanting, lanting
        default = await world.person(ZHANG[0]).says(text)
        assert SUNSHINE_HOTLINE in default and LANTING_HOTLINE not in default, default
    methods = await world.person(ZHOU[0]).says("怎么交物业费")
    assert LANTING in methods and SUNSHINE not in methods, methods


# --- retries --------------------------------------------------------------------------------------


async def test_a_retried_message_never_makes_a_second_ticket_in_either_estate(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await world.bind(ZHANG[0], "default", ZHANG[3])
    wechat = world.service.wechat

    for openid in (ZHOU[0], ZHANG[0]):  # an emergency is a ticket in one message
        msg_id = next(_retry_ids)
        for _ in range(3):  # WeChat retries the same MsgId
            answer = await wechat.say(openid, "厨房水管爆了，水漫了一地", msg_id=msg_id)
            assert answer.status == 200
    assert len(await world.tickets(estate="lanting", kind="emergency")) == 1
    assert len(await world.tickets(estate="default", kind="emergency")) == 1

    for openid in (ZHOU[0], ZHANG[0]):  # a repair is a ticket at 确认
        person = world.person(openid)
        await person.says("卫生间水管漏水了")
        reply = await person.says("随时都可以")
        assert "请确认" in reply, reply
        msg_id = next(_retry_ids)
        for _ in range(3):
            assert (await wechat.say(openid, "确认", msg_id=msg_id)).status == 200
    assert len(await world.tickets(estate="lanting", kind="repair")) == 1
    assert len(await world.tickets(estate="default", kind="repair")) == 1


# --- more of an account with homes in both estates, and shared places -----------------------------------


async def test_the_which_home_question_takes_a_number_from_its_list(world: World) -> None:
    await world.bind("owner-lin", "default", LIN_PHONE, current=True)
    await world.bind("owner-lin", "lanting", LIN_PHONE, current=False)
    lin = world.person("owner-lin")
    asked = await lin.says("卫生间水管漏水了")
    assert "1. 阳光花园 3-2-501" in asked and "2. 兰亭苑 3-2-501" in asked, asked
    assert "什么时间" in await lin.says("2")
    card = await lin.says("随时都可以")
    assert "兰亭苑 3-2-501" in card, card  # the card says which home, with its estate
    await finish_repair(lin, card)
    [ticket] = await world.tickets()
    assert ticket.estate == "lanting" and ticket.home_id == world.homes["lanting"].id


async def test_naming_the_estate_in_the_report_asks_nothing_more_about_the_home(world: World) -> None:
    await world.bind("owner-lin", "default", LIN_PHONE, current=True)
    await world.bind("owner-lin", "lanting", LIN_PHONE, current=False)
    lin = world.person("owner-lin")
    reply = await lin.says("兰亭苑那套卫生间水管漏水了")
    assert "哪一套" not in reply, reply
    await finish_repair(lin, reply)
    [ticket] = await world.tickets()
    assert ticket.estate == "lanting"


async def test_a_visitor_pass_from_an_account_in_both_estates_is_for_the_home_it_names(world: World) -> None:
    await world.bind("owner-lin", "default", LIN_PHONE, current=True)
    await world.bind("owner-lin", "lanting", LIN_PHONE, current=False)
    lin = world.person("owner-lin")
    asked = await lin.says("明天下午有朋友来看我")
    assert SUNSHINE in asked and LANTING in asked, asked
    reply = await lin.says("兰亭苑")
    for _ in range(3):
        if "确认" in reply and "车牌" not in reply:
            break
        reply = await lin.says("没开车")
    assert "请确认" in reply or "确认" in reply, reply
    await lin.says("确认")
    async with world.chat.sessions() as session:
        from models import GatePass

        [gate_pass] = list(await session.scalars(select(GatePass)))
    assert gate_pass.home_id == world.homes["lanting"].id


async def test_a_lanting_owner_reporting_a_shared_place_files_a_lanting_ticket_for_lanting_staff(
        world: World) -> None:
    await world.open_ticket_for("liu", "lanting")  # busier than 王师傅: only the estate keeps him away
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    zhou = world.person(ZHOU[0])
    reply = await zhou.says("5栋楼道灯不亮了")
    for _ in range(3):
        if "工单号" in reply:
            break
        reply = await zhou.says("确认")
    [ticket] = await world.tickets(openid=ZHOU[0])
    assert ticket.home_id is None and ticket.estate == "lanting", (ticket.place, ticket.estate)
    assert ticket.assignee_id in (world.staff["liu"].id, world.staff["sun"].id), ticket.category


async def test_a_lanting_owners_handoff_goes_to_lanting_people_only(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await world.person(ZHOU[0]).says("转人工")
    told = {openid for openid in ("staff-zhao", "staff-sun", "staff-wang", "staff-liu")
            if any("转人工" in text or ZHOU[0] in text or "3-2-501" in text
                   for text in await world.chat.pushes_to(openid))}
    assert "staff-sun" in told and "staff-zhao" not in told and "staff-wang" not in told, told


async def test_staff_answer_reaches_only_owners_of_their_estates(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await world.bind(ZHANG[0], "default", ZHANG[3])
    await world.person(ZHOU[0]).says("转人工")
    await world.person(ZHANG[0]).says("转人工")
    reply = await world.person("staff-sun").says("回复 3-2-501 您好，我是孙主管")
    assert "已发送" in reply, reply
    async with world.chat.sessions.begin() as session:  # 兰亭苑 gets a 5-1-302 阳光花园 does not have
        lanting = await session.scalar(select(Estate).where(Estate.code == "lanting"))
        session.add(Home(building=Building(estate=lanting, code="5"), unit="1", room="302", room_key="5-1-302"))
    refused = await world.person("staff-zhao").says("回复 5-1-302 您好")
    assert "兰亭苑" in refused and "不在您服务" in refused, refused
    assert any("孙主管" in text for text in await world.chat.pushes_to(ZHOU[0]))
    assert not any("孙主管" in text for text in await world.chat.pushes_to(ZHANG[0]))


async def test_each_supervisors_daily_brief_counts_the_estates_they_serve(world: World) -> None:
    from bot.keys import SERVICES
    from handlers.jobs.summaries import daily_summary

    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await file_repair(world, ZHOU[0])
    async with world.chat.sessions.begin() as session:
        await daily_summary(session, world.chat.now(), world.service.app[SERVICES].notifier, world.service.settings)
    sun = [text for text in await world.chat.pushes_to("staff-sun") if "每日简报" in text]
    zhao = [text for text in await world.chat.pushes_to("staff-zhao") if "每日简报" in text]
    chen = [text for text in await world.chat.pushes_to("staff-chen") if "每日简报" in text]
    assert sun and sun[-1].startswith(LANTING) and "未完成工单 1 张" in sun[-1], sun
    assert zhao and zhao[-1].startswith(SUNSHINE) and "未完成工单 0 张" in zhao[-1], zhao
    assert chen and chen[-1].startswith("全公司") and "未完成工单 1 张" in chen[-1], chen


async def test_an_emergency_naming_a_room_both_estates_have_is_the_senders_estates_home(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    reply = await world.person(ZHOU[0]).says("3栋2单元501水管爆了，水漫了一地")
    assert "0755-2777 5599" in reply, reply  # 兰亭苑's night-duty phone
    [ticket] = await world.tickets(openid=ZHOU[0], kind="emergency")
    assert ticket.estate == "lanting" and ticket.home_id == world.homes["lanting"].id


async def test_the_weekly_summary_reaches_each_supervisor_with_their_estates_figures(world: World) -> None:
    from bot.keys import SERVICES
    from handlers.jobs.reports import report_jobs

    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await world.person(ZHOU[0]).says("楼上装修太吵了，投诉一下")  # a lanting complaint, this week
    await world.person(ZHOU[0]).says("确认")
    world.chat.clock.travel(timedelta(days=7))
    [weekly, _monthly] = report_jobs(world.service.app[SERVICES], world.service.settings)
    async with world.chat.sessions.begin() as session:
        await weekly.body(session, world.chat.now())
    sun = [text for text in await world.chat.pushes_to("staff-sun") if "周报" in text]
    zhao = [text for text in await world.chat.pushes_to("staff-zhao") if "周报" in text]
    chen = [text for text in await world.chat.pushes_to("staff-chen") if "周报" in text]
    assert [text.split()[0] for text in sun] == ["兰亭苑周报"], sun
    assert [text.split()[0] for text in zhao] == ["阳光花园周报"], zhao
    assert [text.split()[0] for text in chen] == ["投诉周报"], chen  # the company's, for the admin


async def test_an_owner_in_both_estates_lists_switches_and_unbinds_by_estate(world: World) -> None:
    await world.bind("owner-lin", "default", LIN_PHONE, current=True)
    await world.bind("owner-lin", "lanting", LIN_PHONE, current=False)
    lin = world.person("owner-lin")
    listed = await lin.says("我绑定了哪些房子")
    assert "阳光花园 3-2-501" in listed and "兰亭苑 3-2-501" in listed, listed
    asked = await lin.says("切换到3-2-501")
    assert "切换到 兰亭苑 3-2-501" in asked or "切换到 阳光花园 3-2-501" in asked, asked  # which of the two
    switched = await lin.says("切换到兰亭苑")
    assert "兰亭苑 3-2-501" in switched, switched
    async with world.chat.sessions() as session:
        current = await session.scalar(select(HomeBinding.home_id).where(
            HomeBinding.openid == "owner-lin", HomeBinding.is_current.is_(True)))
    assert current == world.homes["lanting"].id
    unbound = await lin.says("解除绑定 阳光花园")
    assert "阳光花园 3-2-501" in unbound, unbound
    assert await world.bindings("owner-lin") == [("default", "3-2-501", "revoked"), ("lanting", "3-2-501", "active")]


async def test_switching_to_a_person_is_not_switching_homes(world: World) -> None:
    await world.bind(ZHANG[0], "default", ZHANG[3])
    reply = await world.person(ZHANG[0]).says("切换到人工")
    assert "人工" in reply and "房屋" not in reply, reply


async def test_an_owner_in_both_estates_asks_for_one_estates_bills_and_gets_its_ways_to_pay(world: World) -> None:
    await world.bind("owner-lin", "default", LIN_PHONE, current=True)
    await world.bind("owner-lin", "lanting", LIN_PHONE, current=False)
    reply = await world.person("owner-lin").says("兰亭苑那套物业费还欠多少")
    assert "兰亭苑 3-2-501" in reply and "¥318.00" in reply and LANTING_HOTLINE in reply, reply
    assert "阳光花园 3-2-501" in reply  # the other home, named, for the next question


async def test_a_new_follower_is_welcomed_by_the_company_and_a_lanting_owner_by_lanting(world: World) -> None:
    from tests.support.wechat import event_xml

    newcomer = (await world.service.wechat.post(event_xml("o-newcomer", "subscribe"))).content
    assert "欢迎关注阳光物业" in newcomer and SUNSHINE in newcomer and LANTING in newcomer, newcomer
    assert "0755-2888 9999" in newcomer and "0755-2777 5599" in newcomer  # every estate's night duty
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    again = (await world.service.wechat.post(event_xml(ZHOU[0], "subscribe"))).content
    assert "欢迎关注兰亭苑" in again and "0755-2777 5599" in again and "0755-2888 9999" not in again, again


async def test_the_handoff_notice_names_the_estate_and_its_reference_works_for_an_admin(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await world.person(ZHOU[0]).says("转人工")
    notice = [text for text in await world.chat.pushes_to("staff-sun") if "转人工" in text][-1]
    assert "回复 兰亭苑3-2-501" in notice, notice
    reply = await world.person("staff-chen").says("回复 兰亭苑3-2-501 您好，我是陈经理")  # the admin serves both
    assert "已发送" in reply, reply
    assert any("陈经理" in text for text in await world.chat.pushes_to(ZHOU[0]))


# --- isolation cases an independent review found (each failed before its fix) -------------------------


async def _staff_pushes(world: World, number: str) -> dict[str, int]:
    return {who: len(await world.pushes_about(f"staff-{who}", number)) for who in ("wang", "zhao", "liu", "sun")}


async def test_a_note_on_another_estates_ticket_is_refused(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    ticket = await file_repair(world, ZHOU[0])
    await world.person("staff-wang").says(f"备注 {ticket.number} 我是阳光花园的王师傅")
    assert ("note", "王师傅") not in await world.events(ticket.number), "wang wrote on a lanting ticket"


async def test_a_chase_reaches_only_the_tickets_estates_supervisor(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    ticket = await file_emergency(world, ZHOU[0])
    before = await _staff_pushes(world, ticket.number)
    world.chat.clock.travel(timedelta(minutes=31))
    await world.person(ZHOU[0]).says(f"催单 {ticket.number}")
    after = await _staff_pushes(world, ticket.number)
    assert after["zhao"] == before["zhao"], "阳光花园's supervisor was told of a 兰亭苑 chase"


async def test_a_reopen_reaches_only_the_tickets_estates_supervisor(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    ticket = await file_repair(world, ZHOU[0])
    liu = world.person("staff-liu")
    await liu.says(f"接单 {ticket.number}")
    await liu.says(f"完工 {ticket.number} 修好了")
    before = await _staff_pushes(world, ticket.number)
    await world.person(ZHOU[0]).says(f"{ticket.number} 还是没修好，又漏水了")
    after = await _staff_pushes(world, ticket.number)
    assert after["zhao"] == before["zhao"], "阳光花园's supervisor was told of a 兰亭苑 reopen"


async def test_a_withdrawal_reaches_only_the_tickets_estates_supervisor(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    ticket = await file_emergency(world, ZHOU[0])
    before = await _staff_pushes(world, ticket.number)
    await world.person(ZHOU[0]).says("不用来了，水管已经自己关好了，撤销刚才的报修")
    after = await _staff_pushes(world, ticket.number)
    assert after["zhao"] == before["zhao"], "阳光花园's supervisor was told of a 兰亭苑 withdrawal"


async def test_a_shared_place_repair_goes_to_the_estate_with_that_building(world: World) -> None:
    """林芳: current home in 阳光花园, another in 兰亭苑; only 兰亭苑 has building 6."""
    async with world.chat.sessions.begin() as session:
        lanting = await session.scalar(select(Estate).where(Estate.code == "lanting"))
        session.add(Home(building=Building(estate=lanting, code="6"), unit="2", room="601", room_key="6-2-601"))
    await world.bind("owner-lin", "default", LIN_PHONE, current=True)
    await world.bind("owner-lin", "lanting", LIN_PHONE, current=False)
    lin = world.person("owner-lin")
    reply = await lin.says("6栋楼道灯不亮了")
    for _ in range(3):
        if "工单号" in reply:
            break
        await lin.says("确认")
    [ticket] = await world.tickets(openid="owner-lin")
    assert ticket.estate == "lanting", (ticket.place, ticket.building, ticket.estate)


async def _report_shared(world: World, openid: str, text: str) -> str:
    person = world.person(openid)
    reply = await person.says(text)
    for _ in range(3):
        if "工单号" in reply or ("工单" in reply and "已" in reply):
            break
        reply = await person.says("确认")
    return reply


async def test_shared_place_reports_of_two_estates_are_never_merged(world: World) -> None:
    await world.bind(ZHANG[0], "default", ZHANG[3])
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    await _report_shared(world, ZHANG[0], "3栋电梯坏了，一直停在5楼")
    second = await _report_shared(world, ZHOU[0], "3栋电梯坏了，按了没反应")
    assert "已有其他业主" not in second, second
    tickets = await world.tickets()
    assert len(tickets) == 2 and {t.estate for t in tickets} == {"default", "lanting"}, "merged across estates"
    status = await world.person(ZHOU[0]).says("我的工单进度")
    default_ticket = next(t for t in tickets if t.estate == "default")
    assert default_ticket.number not in status, status  # 周敏 hears nothing of 阳光花园's lift


async def test_the_gate_sees_the_estate_and_refuses_another_estates_pass(world: World) -> None:
    from models import GatePass
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    zhou = world.person(ZHOU[0])
    await zhou.says("今天下午有朋友来，帮我登记访客")
    await zhou.says("确认")
    async with world.chat.sessions() as session:
        [gate_pass] = list(await session.scalars(select(GatePass)))
    world.chat.clock.travel(timedelta(hours=4, minutes=30))  # 14:30
    status, data = await world.api_post("/api/passes/verify", {"code": gate_pass.code, "estate": "default"})
    assert status == 200 and data["valid"] is False and data["reason"] == "非本小区通行码", data
    assert data["pass"]["estate"] == "lanting" and data["pass"]["estate_name"] == LANTING
    status, data = await world.api_post("/api/passes/verify", {"code": gate_pass.code, "estate": "lanting"})
    assert data["valid"] is True and data["pass"]["uses"] == 1, data  # the refusal did not use it


async def test_a_poor_rating_reaches_only_the_tickets_estates_supervisor(world: World) -> None:
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    ticket = await file_repair(world, ZHOU[0])
    liu = world.person("staff-liu")
    await liu.says(f"接单 {ticket.number}")
    await liu.says(f"完工 {ticket.number} 修好了")
    before = await _staff_pushes(world, ticket.number)
    await world.person(ZHOU[0]).says("评价 1分，师傅态度很差")
    after = await _staff_pushes(world, ticket.number)
    assert after["zhao"] == before["zhao"]


async def test_reassigning_by_a_name_two_estates_share_picks_the_tickets_estates(world: World) -> None:
    from models import Staff, StaffEstate
    async with world.chat.sessions.begin() as session:
        other = Staff(name="王师傅", phone="13900000099", openid="staff-wang2", role="staff", skills="水电")
        session.add(other)
        await session.flush()
        session.add(StaffEstate(staff_id=other.id, estate="lanting"))
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    ticket = await file_repair(world, ZHOU[0])
    reply = await world.person("staff-sun").says(f"转派 {ticket.number} 王师傅")
    assert "王师傅" in reply and "不在" not in reply, reply  # 兰亭苑's 王师傅, not 阳光花园's
    assert (await world.ticket(ticket.number)).assignee_id == other.id
    status, data = await world.api_post(f"/api/tickets/{ticket.number}/actions",
                                        {"action": "assign", "staff": "王师傅"})
    assert status == 200, data


async def test_a_lock_change_for_the_estate_named_books_that_home(world: World) -> None:
    await world.bind("owner-lin", "default", LIN_PHONE, current=True)
    await world.bind("owner-lin", "lanting", LIN_PHONE, current=False)
    lin = world.person("owner-lin")
    asked = await lin.says("兰亭苑那套房子钥匙丢了，想预约换锁")
    assert "哪一套" not in asked, asked  # the estate was named
    card = await lin.says("明天上午10点")
    assert "兰亭苑 3-2-501" in card, card
    await lin.says("确认")
    tickets = await world.tickets(openid="owner-lin")
    assert tickets and tickets[-1].estate == "lanting" and tickets[-1].home_id == world.homes["lanting"].id


async def test_the_dunning_summary_counts_each_supervisors_estates(world: World) -> None:
    from bot.keys import OUTBOX, SERVICES
    from handlers import scheduled_jobs

    await world.bind(ZHANG[0], "default", ZHANG[3])
    await world.bind(ZHOU[0], "lanting", ZHOU[3])
    jobs = {job.name: job for job in scheduled_jobs(world.service.app[SERVICES], world.service.app[OUTBOX],
                                                    world.service.settings)}
    async with world.chat.sessions.begin() as session:
        await jobs["fee_reminders"].body(session, world.chat.now())
    def dunning(texts: list[str]) -> list[str]:
        return [text for text in texts if "【催缴】" in text]
    assert [t[:13] for t in dunning(await world.chat.pushes_to("staff-sun"))] == ["【催缴】本月已提醒 1 户"]
    assert [t[:13] for t in dunning(await world.chat.pushes_to("staff-zhao"))] == ["【催缴】本月已提醒 1 户"]
    assert [t[:13] for t in dunning(await world.chat.pushes_to("staff-chen"))] == ["【催缴】本月已提醒 2 户"]


async def test_a_consent_request_names_the_estate_for_an_owner_with_homes_in_both(world: World) -> None:
    await world.bind("owner-lin", "default", LIN_PHONE, current=True)
    await world.bind("owner-lin", "lanting", LIN_PHONE, current=False)
    async with world.chat.sessions.begin() as session:
        session.add(Resident(home_id=world.homes["lanting"].id, name="孙悦", phone="13800000013", role="tenant"))
    tenant = world.person("o-tenant")
    reply = await tenant.says("绑定 兰亭苑3栋2单元501")
    reply = await tenant.says("孙悦")
    reply = await tenant.says("13800000013")
    assert "业主" in reply, reply
    asked = [text for text in await world.chat.pushes_to("owner-lin") if "孙悦" in text]
    assert asked and "兰亭苑 3-2-501" in asked[-1], asked
