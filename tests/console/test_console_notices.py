"""The console's 通知 page in the browser: the front desk drafts a notice, checks who it goes to, sends it,
and ends it early; 张伟 (3-2-501) receives the notice and the all clear at the fake WeChat API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from models import AuditEntry, Notice
from tests.console.conftest import PHONE, ZHANG, ConsoleWorld, screenshot


async def _until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition did not come true in time")


async def test_the_desk_previews_sends_and_ends_a_notice_and_the_owner_hears_both(
        console_world: ConsoleWorld, new_page: Callable[..., Any]) -> None:
    await console_world.person(ZHANG[0]).says("你好")  # he wrote today: customer-service messages reach him
    page = await new_page("desk")
    await page.goto("/console/notices")
    await page.select_option("select[name=kind]", "停水")
    await page.fill("input[name=buildings]", "3")
    await page.fill("input[name=start]", "2026-11-23T10:10")
    await page.fill("input[name=end]", "2026-11-23T14:00")
    await page.fill("textarea[name=text]", "二次供水管道维修，请提前储水。")
    await page.click("#new-notice button[type=submit]")
    draft = await page.locator("#draft").inner_text()
    assert "3栋" in draft and "将发给 1 位" in draft, draft
    assert not any("二次供水" in text for text in console_world.texts_sent_to(ZHANG[0]))  # nothing before 确认
    await page.click("#draft button:has-text('确认发送')")
    await page.wait_for_selector(".flash.ok")
    await _until(lambda: any("二次供水管道维修" in text and "10:10-14:00" in text
                             for text in console_world.texts_sent_to(ZHANG[0])))
    row = page.locator("tbody tr", has_text="停水")
    assert "生效" in await row.inner_text()
    await screenshot(page, "notices-desktop")

    console_world.clock.travel(timedelta(minutes=20))  # 10:20: the water is back early (within the idle limit)
    await page.reload()
    await row.locator("button:has-text('提前结束')").click()
    await page.wait_for_selector(".flash.ok")
    await _until(lambda: any("已恢复供水" in text for text in console_world.texts_sent_to(ZHANG[0])))
    await asyncio.sleep(0.5)
    assert sum("二次供水管道维修" in text for text in console_world.texts_sent_to(ZHANG[0])) == 1
    async with console_world.sessions()() as session:
        notice = await session.scalar(select(Notice))
        assert notice is not None and notice.status == "ended"
        actions = set(await session.scalars(select(AuditEntry.action).where(AuditEntry.target == notice.number)))
    assert actions == {"notice_send", "notice_end"}
    phone = await new_page("desk", size=PHONE)
    await phone.goto("/console/notices")
    await screenshot(phone, "notices-phone")


async def test_a_notice_for_a_building_that_does_not_exist_is_refused_on_the_page(
        console_world: ConsoleWorld, new_page: Callable[..., Any]) -> None:
    page = await new_page("desk")
    await page.goto("/console/notices")
    await page.select_option("select[name=kind]", "停电")
    await page.fill("input[name=buildings]", "99")
    await page.fill("input[name=start]", "2026-11-23T12:00")
    await page.fill("input[name=end]", "2026-11-23T13:00")
    await page.fill("textarea[name=text]", "线路检修")
    await page.click("#new-notice button[type=submit]")
    assert "没有 99 栋" in await page.locator("[role=alert]").inner_text()
    assert await page.input_value("textarea[name=text]") == "线路检修"  # what was typed is kept
    async with console_world.sessions()() as session:
        assert await session.scalar(select(Notice)) is None


async def test_a_tradesperson_has_no_notices_page(console_world: ConsoleWorld,
                                                  new_page: Callable[..., Any]) -> None:
    page = await new_page("wang")
    response = await page.goto("/console/notices")
    assert response is not None and response.status == 403
    assert "前台或主管" in await page.inner_text("body")
    await page.goto("/console/board")
    assert await page.locator("nav a", has_text="通知").count() == 0
