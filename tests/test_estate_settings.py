"""config.yaml's estates: each estate's view of the settings, and the mistakes an operator can make."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import Settings, SettingsError, load_settings
from handlers import startup_warnings
from tests.conftest import REPO


def _config(tmp_path: Path, **changes: Any) -> Path:
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    config.update(changes)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def _load(path: Path) -> Settings:
    return load_settings(path, {"WUYEBOT_DATABASE_URL": "sqlite+aiosqlite:///:memory:"})


def test_the_repository_config_serves_two_estates_the_default_first() -> None:
    settings = _load(REPO / "config.yaml")
    assert [estate.code for estate in settings.estate_list] == ["default", "lanting"]
    assert settings.multi_estate and settings.company_default_estate == "default"


def test_an_estate_sees_its_own_office_calendar_and_prices_and_the_company_s_standards() -> None:
    settings = _load(REPO / "config.yaml")
    lanting = settings.for_estate("lanting")
    assert lanting.estate.name == "兰亭苑" and lanting.estate.hotline == "0755-2777 5555"
    assert lanting.estate.office_hours.start == time(9, 0)
    assert lanting.calendar.weekend == (7,) and settings.calendar.weekend == (6, 7)
    assert lanting.repair.paid_services["管道堵塞"].startswith("管道疏通 60元")
    assert lanting.repair.multi_trade_categories == settings.repair.multi_trade_categories  # not overridden
    assert lanting.estate.company == settings.estate.company  # inherited from the company's estate block
    assert lanting.sla == settings.sla and lanting.quiet_hours == settings.quiet_hours
    # every view knows the others, and the company's default is the same from each
    assert lanting.for_estate("default").estate.name == "阳光花园"
    assert lanting.company_default_estate == "default"


def test_an_unknown_code_gives_the_company_defaults() -> None:
    settings = _load(REPO / "config.yaml")
    assert settings.for_estate("nowhere").estate.code == "default"
    assert settings.for_estate(None).estate.code == "default"


def test_todays_single_estate_config_is_one_estate_called_default(tmp_path: Path) -> None:
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    config.pop("estates")
    config["estate"].pop("code")
    config["estate"].pop("aliases")
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    settings = _load(path)
    assert [estate.code for estate in settings.estate_list] == ["default"]
    assert not settings.multi_estate and settings.for_estate("default") is settings


def test_an_entry_with_the_default_code_refines_the_company_estate(tmp_path: Path) -> None:
    settings = _load(_config(tmp_path, estates=[{"code": "default", "name": "阳光花园", "aliases": ["阳光"],
                                                  "quiet_hours": {"start": "22:00", "end": "07:30"}}]))
    assert [estate.code for estate in settings.estate_list] == ["default"]
    assert settings.for_estate("default").quiet_hours.start == time(22, 0)


@pytest.mark.parametrize(("estates", "message"), [
    ([{"code": "lanting", "name": "兰亭苑"}, {"code": "lanting", "name": "兰亭苑二期"}], "listed twice"),
    ([{"code": "a b", "name": "兰亭苑"}], "estate code"),
    ([{"name": "兰亭苑"}], "needs a code and a name"),
    ([{"code": "lanting", "name": "兰亭苑", "aliases": ["阳光"]}], "belongs to both"),
    ([{"code": "lanting", "name": "兰亭苑", "sla": {}}], "not a known setting"),
    ([{"code": "lanting", "name": "兰亭苑", "notifications": {"templates": {}}}], "only wecom_robots"),
    ([{"code": "lanting", "name": "兰亭苑", "calendar": {"weekend": [8]}}], "weekdays"),
    (["lanting"], "estates.0"),
])
def test_a_mistake_in_estates_is_one_line_naming_it(tmp_path: Path, estates: list[Any], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        _load(_config(tmp_path, estates=estates))
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_an_estate_answer_for_no_faq_entry_is_reported_at_start(tmp_path: Path) -> None:
    settings = _load(_config(tmp_path, estates=[{"code": "lanting", "name": "兰亭苑", "faq": {"expres": "…"}}]))
    warnings = startup_warnings(settings, date(2026, 12, 3))
    assert any("lanting" in line and "faq.expres" in line for line in warnings), warnings


async def test_an_owner_of_lanting_gets_lantings_own_faq_answer(make_settings, start_service) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from bot.clock import FrozenClock
    from bot.keys import SESSIONS
    from models import Building, Estate, Home, HomeBinding, Resident, WechatAccount
    from tests.support.chat import Chat

    clock = FrozenClock(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    service = await start_service(make_settings(), clock=clock, run_sender=False)
    async with service.app[SESSIONS].begin() as session:
        lanting = await session.scalar(select(Estate).where(Estate.code == "lanting"))
        home = Home(building=Building(estate=lanting, code="5"), unit="1", room="302", room_key="5-1-302")
        resident = Resident(home=home, name="周敏", phone="13800000011", role="owner")
        session.add_all([home, resident, WechatAccount(openid="o-zhou", subscribed=True)])
        await session.flush()
        session.add(HomeBinding(openid="o-zhou", home_id=home.id, resident_id=resident.id, role="owner",
                                status="active", is_current=True, created_at=clock.now()))
    chat = Chat(service=service, clock=clock, people={})
    lanting_answer = await chat.person("o-zhou").says("快递可以放物业代收吗")
    default_answer = await chat.person("o-someone").says("快递可以放物业代收吗")
    assert "南门快递驿站" in lanting_answer, lanting_answer
    assert "南门快递驿站" not in default_answer and "快递柜" in default_answer, default_answer


def test_each_estate_may_have_its_own_wecom_groups(tmp_path: Path) -> None:
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    config["notifications"]["wecom_robots"] = {"repair": "https://robot.example/company-repair"}
    config["estates"][0]["notifications"] = {"wecom_robots": {"security": "https://robot.example/lanting-gate"}}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    settings = _load(path)
    assert settings.wecom_robot_recipient("default", "repair") == "repair"
    assert settings.wecom_robot_recipient("default", "security") is None  # the company's guards have none
    assert settings.wecom_robot_recipient("lanting", "security") == "lanting:security"
    assert settings.wecom_robot_recipient("lanting", "repair") == "lanting:repair"  # the company's group, inherited
    assert settings.wecom_robot_urls() == {
        "repair": "https://robot.example/company-repair",
        "lanting:repair": "https://robot.example/company-repair",
        "lanting:security": "https://robot.example/lanting-gate",
    }


def test_a_copy_of_the_settings_gives_views_built_from_the_copy() -> None:
    settings = _load(REPO / "config.yaml")
    robots = settings.notifications.model_copy(update={"wecom_robots": {"repair": "https://robot.example/r"}})
    copied = settings.model_copy(update={"notifications": robots})
    assert copied.for_estate("default").notifications.wecom_robots == {"repair": "https://robot.example/r"}
    assert copied.for_estate("lanting").notifications.wecom_robots == {"repair": "https://robot.example/r"}
    assert settings.for_estate("default").notifications.wecom_robots == {}  # the original is untouched
