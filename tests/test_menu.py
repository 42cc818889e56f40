"""The custom menu: its settings (WeChat's rules), `wuyebot menu push` against the fake WeChat API,
and every button's tap through the real webhook as a signed CLICK event (docs/menu.md)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.cli.menu import push_menu
from bot.clock import FrozenClock
from bot.keys import SESSIONS
from bot.nlu import understand
from bot.settings import MenuButton, MenuSettings, Settings, SettingsError, load_settings
from handlers import FLOWS
from models import ConversationState, GatePass
from tests.conftest import REPO
from tests.flows.conftest import MONDAY_10
from tests.support.chat import Chat
from tests.support.estate import seed_bills, seed_estate
from tests.support.wechat import event_xml

SHIPPED_KEYS = {
    "MENU_REPAIR": "repair", "MENU_TICKETS": "ticket_status", "MENU_COMPLAINT": "complaint",
    "MENU_SUGGESTION": "suggestion", "MENU_FEE": "fee_query", "MENU_VISITOR": "visitor_pass",
    "MENU_RELEASE": "release_permit", "MENU_GUIDE": "faq", "MENU_BIND": "bind_unit", "MENU_HUMAN": "human",
}


# ---------------------------------------------------------------- settings


def write_menu(tmp_path: Path, buttons: list[dict[str, Any]]) -> Path:
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    data["menu"] = {"buttons": buttons}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def click(name: str, key: str, intent: str = "repair") -> dict[str, str]:
    return {"name": name, "key": key, "intent": intent}


def test_the_shipped_menu_has_every_button_an_owner_expects() -> None:
    menu = load_settings(REPO / "config.yaml", {}).menu
    assert 1 <= len(menu.buttons) <= 3 and all(len(button.sub_buttons) <= 5 for button in menu.buttons)
    assert {button.key: button.intent for button in menu.click_buttons()} == SHIPPED_KEYS
    names = {button.name for button in menu.click_buttons()}
    assert {"报修", "查缴费", "访客登记", "我的工单", "转人工"} <= names
    assert menu.intent_for("MENU_FEE") == "fee_query" and menu.intent_for("MENU_NOPE") is None
    assert menu.intent_for(None) is None


def test_every_shipped_button_starts_a_flow_that_exists() -> None:
    routed = {label for flow in FLOWS for label in flow.router.intents}
    assert set(SHIPPED_KEYS.values()) <= routed


def test_the_payload_is_what_menu_create_takes() -> None:
    menu = MenuSettings(buttons=(
        MenuButton(name="报修", key="MENU_REPAIR", intent="repair"),
        MenuButton(name="更多", sub_buttons=(
            MenuButton(name="小区公告", url="https://example.com/notices"),
            MenuButton(name="查缴费", key="MENU_FEE", intent="fee_query"),
        )),
    ))
    assert menu.payload() == {"button": [
        {"type": "click", "name": "报修", "key": "MENU_REPAIR"},
        {"name": "更多", "sub_button": [
            {"type": "view", "name": "小区公告", "url": "https://example.com/notices"},
            {"type": "click", "name": "查缴费", "key": "MENU_FEE"},
        ]},
    ]}
    assert [button.key for button in menu.click_buttons()] == ["MENU_REPAIR", "MENU_FEE"]


@pytest.mark.parametrize(
    ("buttons", "message"),
    [
        ([click(f"按钮{i}", f"K{i}") for i in range(4)], "menu: WeChat allows at most 3 top-level buttons, not 4"),
        ([{"name": "服务", "sub_buttons": [click(f"子{i}", f"K{i}") for i in range(6)]}],
         "button “服务”: WeChat allows at most 5 sub-buttons, not 6"),
        ([click("报事报修啊", "K")], "button “报事报修啊”: name too long for a top-level button (at most 4 Chinese"),
        ([click("Repairs!!", "K")], "name too long for a top-level button (at most 4 Chinese characters or 8 letters)"),
        ([{"name": "服务", "sub_buttons": [click("报修投诉建议办事指南", "K")]}],
         "button “报修投诉建议办事指南”: name too long for a sub-button (at most 8 Chinese"),
        ([click("  ", "K")], "a top-level button has an empty name"),
        ([{"name": "报修", "key": "K"}],
         "button “报修”: give key and intent (a click button), url (a link) or sub_buttons"),
        ([click("报修", "K"), click("缴费", "K", "fee_query")], "button “缴费”: key K is used by another button"),
        ([click("报修", "MENU REPAIR")], "key must be at most 128 bytes without spaces"),
        ([click("报修", "K" * 129)], "key must be at most 128 bytes without spaces"),
        ([click("报修", "K", "报修")], "intent '报修' is not an intent label"),
        ([{"name": "公告", "url": "ftp://example.com"}], "button “公告”: url must start with https:// or http://"),
        ([{"name": "公告", "url": "https://example.com/" + "a" * 1010}], "url longer than 1024 bytes"),
        ([{"name": "公告", "url": "https://example.com", "key": "K"}], "a link button (url) takes no key or intent"),
        ([{"name": "服务", "key": "K", "sub_buttons": [click("报修", "R")]}],
         "button “服务”: a button with sub_buttons takes no key, intent or url"),
        ([{"name": "服务", "sub_buttons": [{"name": "更多", "sub_buttons": [click("报修", "R")]}]}],
         "button “更多”: a sub-button cannot have sub-buttons of its own"),
        ([{"name": "报修", "key": "K", "intent": "repair", "colour": "red"}],
         "menu.buttons.0.colour: is not a known setting"),
    ],
)
def test_a_menu_wechat_would_refuse_stops_loading_with_one_plain_line(tmp_path: Path, buttons: list[Any],
                                                                      message: str) -> None:
    path = write_menu(tmp_path, buttons)
    with pytest.raises(SettingsError) as caught:
        load_settings(path, {})
    text = str(caught.value)
    assert text.startswith(f"{path}: menu")
    assert message in text and "\n" not in text


@pytest.mark.parametrize("name", ["报事报修", "Repairs", "WiFi报修"])
def test_names_at_the_limit_are_accepted(tmp_path: Path, name: str) -> None:
    sub = "水电燃气门窗报修"  # 8 Chinese characters: the most a sub-button shows
    menu = load_settings(write_menu(tmp_path, [{"name": name, "sub_buttons": [click(sub, "K")]}]), {}).menu
    assert menu.buttons[0].name == name and menu.intent_for("K") == "repair"


def test_no_menu_section_means_an_empty_menu(tmp_path: Path) -> None:
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    del data["menu"]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_settings(path, {}).menu.buttons == ()


# ---------------------------------------------------------------- wuyebot menu push


@pytest.fixture
def live_settings(make_settings, fake_wechat) -> Settings:  # type: ignore[no-untyped-def]
    fake, base = fake_wechat
    return make_settings(WECHAT_TOKEN="t", WECHAT_APPID=fake.appid, WECHAT_SECRET=fake.secret,
                         WECHAT_API_BASE=base)


async def run_push(settings: Settings, *, dry_run: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await push_menu(settings, dry_run=dry_run, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


async def run_cli(tmp_path: Path, base: str, *args: str, config: Path | None = None) -> tuple[int, str, str]:
    """`python -m bot …` as an operator runs it, against the fake WeChat API."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("WECHAT_", "WUYEBOT_"))}
    env.update(PYTHONPATH=str(REPO), WUYEBOT_CONFIG=str(config or REPO / "config.yaml"),
               WUYEBOT_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", WECHAT_TOKEN="t",
               WECHAT_APPID="wx-test-app", WECHAT_SECRET="test-secret", WECHAT_API_BASE=base)
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, cwd=tmp_path, env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_menu_push_sets_the_menu_on_wechat(tmp_path: Path, fake_wechat) -> None:  # type: ignore[no-untyped-def]
    fake, base = fake_wechat
    code, out, err = await run_cli(tmp_path, base, "menu", "push")
    assert code == 0, err
    assert "Traceback" not in out + err
    assert out.startswith("menu pushed: 报事报修（报修、我的工单、投诉、建议）；生活服务（")
    assert len(fake.calls_to("token")) == 1
    [call] = fake.calls_to("menu/create")
    assert call.method == "POST" and call.params["access_token"] == fake.current_token
    assert call.body == load_settings(REPO / "config.yaml", {}).menu.payload()
    assert fake.menu == call.body
    assert "报事报修" in call.raw and "\\u" not in call.raw  # UTF-8 as WeChat measures names, not escapes


async def test_a_wechat_error_code_is_explained_and_exits_1(tmp_path: Path, fake_wechat) -> None:  # type: ignore[no-untyped-def]
    fake, base = fake_wechat
    fake.fail_next("menu/create", 40018)
    code, out, err = await run_cli(tmp_path, base, "menu", "push")
    assert code == 1
    assert "Traceback" not in out + err and out == ""
    assert "WeChat refused the menu: errcode 40018" in err
    assert "一级菜单名字太长 / invalid button name size" in err
    assert fake.menu is None


async def test_a_menu_breaking_wechat_rules_never_leaves(tmp_path: Path, fake_wechat) -> None:  # type: ignore[no-untyped-def]
    fake, base = fake_wechat
    config = write_menu(tmp_path, [click(f"按钮{i}", f"K{i}") for i in range(4)])
    code, _out, err = await run_cli(tmp_path, base, "menu", "push", config=config)
    assert code == 2
    assert err.strip() == (f"wuyebot: configuration error: {config}: menu: "
                           "WeChat allows at most 3 top-level buttons, not 4")
    assert fake.calls == []


@pytest.mark.parametrize(
    ("errcode", "explained"),
    [
        (40016, "一级菜单按钮个数不对（应为 1-3 个） / invalid button count"),
        (40025, "子菜单名字太长 / invalid sub-button name size"),
        (40164, "本机 IP 不在公众号后台的 IP 白名单中 / this server's IP address is not on the account's IP allow"),
        (48001, "公众号没有自定义菜单接口权限"),
        (65316, "菜单链接跳转的域名太多（最多 3 个） / the menu links to too many domains"),
        (65301, "未知错误，请查阅微信公众平台的全局返回码说明 / unknown code"),
    ],
)
async def test_each_refusal_names_its_code(live_settings, fake_wechat, errcode, explained) -> None:  # type: ignore[no-untyped-def]
    fake, _base = fake_wechat
    fake.fail_next("menu/create", errcode)
    code, out, err = await run_push(live_settings)
    assert (code, out) == (1, "")
    assert f"errcode {errcode} (scripted error {errcode})" in err and explained in err


async def test_an_invalid_token_is_refreshed_once_then_explained(live_settings, fake_wechat) -> None:  # type: ignore[no-untyped-def]
    fake, _base = fake_wechat
    fake.fail_next("menu/create", 40001)
    code, _out, err = await run_push(live_settings)
    assert code == 0, err  # one 40001 is a token another server refreshed: fetched again, sent again
    assert len(fake.calls_to("token")) == 2 and fake.menu is not None
    fake.menu = None
    fake.fail_next("menu/create", 40001)
    fake.fail_next("menu/create", 40001)
    code, _out, err = await run_push(live_settings)
    assert code == 1 and "errcode 40001" in err and "access_token 无效" in err and fake.menu is None


async def test_a_wrong_secret_is_explained(make_settings, fake_wechat) -> None:  # type: ignore[no-untyped-def]
    fake, base = fake_wechat
    settings = make_settings(WECHAT_TOKEN="t", WECHAT_APPID=fake.appid, WECHAT_SECRET="wrong", WECHAT_API_BASE=base)
    code, _out, err = await run_push(settings)
    assert code == 1 and "errcode 40125" in err and "AppSecret 无效，请检查 WECHAT_SECRET" in err
    assert "wrong" not in err and fake.calls_to("menu/create") == []


async def test_wechat_out_of_reach_is_one_plain_line(make_settings) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(WECHAT_TOKEN="t", WECHAT_APPID="wx1", WECHAT_SECRET="s",
                             WECHAT_API_BASE="http://127.0.0.1:9/cgi-bin/")
    code, out, err = await run_push(settings)
    assert (code, out) == (1, "")
    assert err.startswith("wuyebot: the menu was not pushed: WeChat token unreachable") and err.count("\n") == 1


async def test_sandbox_mode_pushes_nothing_and_dry_run_prints_the_json(make_settings) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings()
    code, out, err = await run_push(settings)
    assert (code, out) == (2, "") and "sandbox mode: set WECHAT_APPID and WECHAT_SECRET" in err
    code, out, err = await run_push(settings, dry_run=True)
    assert (code, err) == (0, "") and json.loads(out) == settings.menu.payload()


async def test_a_button_for_an_intent_no_flow_answers_is_refused(live_settings, fake_wechat) -> None:  # type: ignore[no-untyped-def]
    fake, _base = fake_wechat
    menu = MenuSettings(buttons=(MenuButton(name="报修", key="MENU_REPAIR", intent="repiar"),))
    code, _out, err = await run_push(live_settings.model_copy(update={"menu": menu}))
    assert code == 2
    assert err == "wuyebot: menu: button “报修” (MENU_REPAIR): no flow answers the intent 'repiar'\n"
    assert fake.calls == []
    code, _out, err = await run_push(live_settings.model_copy(update={"menu": MenuSettings()}))
    assert code == 2 and "config.yaml has no menu.buttons" in err


# ---------------------------------------------------------------- taps through the webhook


@pytest.fixture(autouse=True, scope="module")
def _nlu_loaded() -> None:
    """Load the NLU model before the first message, so its cold start never meets the reply deadline."""
    understand("你好", MONDAY_10)


@pytest.fixture
async def chat(make_settings, start_service) -> Chat:  # type: ignore[no-untyped-def]
    clock = FrozenClock(MONDAY_10)
    service = await start_service(make_settings(), clock=clock, run_sender=False)
    async with service.app[SESSIONS].begin() as session:
        people = await seed_estate(session)
    return Chat(service=service, clock=clock, people=people)


async def tap(chat: Chat, openid: str, key: str, *, created: int | None = None) -> str:
    answer = await chat.service.wechat.post(event_xml(openid, "CLICK", key, created=created))
    assert answer.status == 200, answer.body
    return answer.content or ""


async def form_of(chat: Chat, openid: str) -> dict[str, Any] | None:
    async with chat.sessions() as session:
        row = await session.scalar(select(ConversationState).where(ConversationState.openid == openid))
    return None if row is None else row.data.get("form")


async def test_repair_asks_what_is_broken_and_takes_the_answer_as_the_report(chat: Chat) -> None:
    await chat.bind("owner", "3-2-501", "13800000001")
    owner = chat.person("owner")
    reply = await tap(chat, "owner", "MENU_REPAIR")
    assert "哪里需要维修" in reply
    assert (await form_of(chat, "owner") or {}).get("intent") == "repair"
    assert "什么时间方便师傅上门" in await owner.says("卫生间水管接头漏水了")
    card = await owner.says("明天下午3点")
    assert "渗漏水，卫生间水管接头漏水了" in card and "11月24日（周二）15:00" in card
    assert "工单号 R20261123001" in await owner.says("确认")
    [ticket] = await chat.tickets()
    assert (ticket.kind, ticket.category, ticket.description) == ("repair", "渗漏水", "卫生间水管接头漏水了")


async def test_a_question_after_the_tap_is_answered_and_the_repair_waits(chat: Chat) -> None:
    await chat.bind("owner", "3-2-501", "13800000001")
    await seed_bills(chat)
    owner = chat.person("owner")
    await tap(chat, "owner", "MENU_REPAIR")
    reply = await owner.says("我家物业费还欠多少")
    assert "合计" in reply and "我们继续刚才的报修" in reply
    assert "什么时间" in await owner.says("厨房水龙头关不紧一直滴水")
    assert "已为您取消本次报修" in await owner.says("取消")
    assert await chat.tickets() == []


async def test_an_unbound_owner_tapping_repair_is_asked_where(chat: Chat) -> None:
    assert "哪里需要维修" in await tap(chat, "newbie", "MENU_REPAIR")
    reply = await chat.person("newbie").says("客厅灯不亮了")
    assert "房号" in reply or "哪里" in reply
    assert await form_of(chat, "newbie") is not None and await chat.tickets() == []


async def test_fee_answers_the_bill_at_once_and_only_to_a_bound_account(chat: Chat) -> None:
    await chat.bind("owner", "3-2-501", "13800000001")
    await seed_bills(chat)
    reply = await tap(chat, "owner", "MENU_FEE")
    assert "3-2-501 的待缴费用如下" in reply and "合计" in reply
    assert await form_of(chat, "owner") is None
    reply = await tap(chat, "stranger", "MENU_FEE")
    assert "绑定房屋" in reply and "¥" not in reply


async def test_my_tickets_shows_their_progress(chat: Chat) -> None:
    await chat.bind("owner", "3-2-501", "13800000001")
    owner = chat.person("owner")
    await owner.says("卫生间水管接头漏水了，明天下午3点在家")
    await owner.says("确认")
    reply = await tap(chat, "owner", "MENU_TICKETS")
    assert "R20261123001" in reply
    assert "没有处理中的工单" in await tap(chat, "someone-else", "MENU_TICKETS")


async def test_visitor_waits_for_who_and_when(chat: Chat) -> None:
    await chat.bind("owner", "3-2-501", "13800000001")
    owner = chat.person("owner")
    assert "访客是谁、什么时候来" in await tap(chat, "owner", "MENU_VISITOR")
    assert (await form_of(chat, "owner") or {}).get("asking") == "__opening__"  # not a card about nobody
    card = await owner.says("明天下午3点朋友来，开车，车牌粤A12345")
    assert "请确认访客登记" in card and "粤A12345" in card and "11月24日" in card
    assert "访客登记成功" in await owner.says("确认")
    async with chat.sessions() as session:
        assert (await session.scalar(select(GatePass))).plate == "粤A12345"  # type: ignore[union-attr]


async def test_human_hands_over_once_even_when_retried(chat: Chat) -> None:
    await chat.bind("owner", "3-2-501", "13800000001")
    reply = await tap(chat, "owner", "MENU_HUMAN", created=1_795_000_000)
    assert "已为您转接人工客服" in reply
    assert await tap(chat, "owner", "MENU_HUMAN", created=1_795_000_000) == reply  # WeChat's retry
    alerts = [text for text in await chat.pushes_to("staff-zhao") if text.startswith("【转人工】")]
    assert len(alerts) == 1 and "3-2-501" in alerts[0]
    await chat.person("owner").says("门禁卡刷不开单元门")  # a person has it now: the words go to them
    assert any("门禁卡刷不开单元门" in text for text in await chat.pushes_to("staff-zhao"))
    assert "人工客服正在为您服务" in await tap(chat, "owner", "MENU_REPAIR")
    assert "人工客服正在为您服务" in await tap(chat, "owner", "MENU_HUMAN")
    assert len([text for text in await chat.pushes_to("staff-zhao") if text.startswith("【转人工】")]) == 1


async def test_guide_lists_the_questions_it_answers(chat: Chat) -> None:
    reply = await tap(chat, "owner", "MENU_GUIDE")
    assert "1. 装修要办什么手续？" in reply and "门禁卡丢了怎么补办？" in reply
    assert "装修申报" in await chat.person("owner").says("装修要办什么手续")


@pytest.mark.parametrize(("key", "words"), [("MENU_COMPLAINT", "投诉"), ("MENU_SUGGESTION", "建议"),
                                            ("MENU_RELEASE", "搬出的物品"), ("MENU_BIND", "房号")])
async def test_the_other_buttons_start_their_flows(chat: Chat, key: str, words: str) -> None:
    await chat.bind("owner", "3-2-501", "13800000001")
    assert words in await tap(chat, "owner", key)
    assert (await form_of(chat, "owner") or {}).get("intent") == SHIPPED_KEYS[key]


async def test_an_unknown_key_is_answered_politely_and_changes_nothing(chat: Chat) -> None:
    await chat.bind("owner", "3-2-501", "13800000001")
    owner = chat.person("owner")
    await owner.says("卫生间水管接头漏水了")  # a repair under way
    reply = await tap(chat, "owner", "MENU_FROM_AN_OLD_MENU")
    assert reply.startswith("不好意思，这个菜单按钮已经更新了。请问需要办理什么业务？")
    assert "“报修”" in reply and "“转人工”" in reply
    assert (await form_of(chat, "owner") or {}).get("intent") == "repair"
    assert "不好意思" in await tap(chat, "owner", "")  # a CLICK without a key
