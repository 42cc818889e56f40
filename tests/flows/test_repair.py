"""报修 through the webhook, and the whole loop with staff (issue 7's conversation test)."""

from __future__ import annotations

from datetime import timedelta

from tests.support.chat import Chat


async def test_repair_for_the_bound_home_then_the_staff_loop(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang, wang = chat.person("owner-zhang"), chat.person("staff-wang")

    reply = await zhang.says("卫生间水管接头漏水了")
    assert "什么时间方便" in reply  # room from the binding, phone from the register: only the time is missing
    reply = await zhang.says("明天下午3点")
    assert "请确认报修信息" in reply and "3-2-501" in reply and "13800000001" in reply
    reply = await zhang.says("确认")
    assert "工单号 R20261123001" in reply and "约定的时间 11月24日（周二）15:00" in reply  # booked past the 1-day limit

    [ticket] = await chat.tickets()
    assert (ticket.category, ticket.status, ticket.preferred_time) == ("渗漏水", "assigned", "11月24日（周二）15:00")
    assert any("R20261123001" in text for text in await wang.pushes())  # staff notified at once

    assert "已由您接单" in await wang.says("接单 R20261123001")
    assert "王师傅" in (await zhang.pushes())[-1]
    assert "完工" in await wang.says("完工 R20261123001 已更换接头")
    told = (await zhang.pushes())[-1]
    assert "已处理完成" in told and "1-5" in told  # the owner is asked to confirm


async def test_repair_asks_one_thing_at_a_time_and_checks_a_correction(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    reply = await zhang.says("家里马桶堵了，电话13912345678")
    assert "什么时间" in reply  # the home from the binding, the phone from the message
    reply = await zhang.says("不对，是502")
    assert "3-2-502 不是您绑定的房屋" in reply  # a correction is checked like a first answer
    reply = await zhang.says("3栋2单元501")
    assert "什么时间" in reply
    reply = await zhang.says("随时都可以")
    assert "3-2-501" in reply and "管道疏通" in reply  # a paid-service category names its price first
    assert "上门时间：随时" in reply and "隨" not in reply
    reply = await zhang.says("好的")
    assert "工单号" in reply


async def test_an_unbound_account_cannot_book_a_home_visit(chat: Chat) -> None:
    stranger = chat.person("owner-unbound")
    assert "房号" in await stranger.says("家里马桶堵了")
    assert "尚未绑定" in await stranger.says("3栋2单元501")
    assert await chat.tickets() == []


async def test_cancel_at_each_step(chat: Chat) -> None:
    owner = chat.person("owner-x")
    for steps in (["家里马桶堵了"], ["家里马桶堵了", "3栋2单元501"], ["家里马桶堵了", "3栋2单元501", "13912345678"],
                  ["家里马桶堵了", "3栋2单元501", "13912345678", "随时"]):
        for text in steps:
            await owner.says(text)
        assert "已为您取消本次报修" in await owner.says("取消")
    assert await chat.tickets() == []


async def test_a_shared_place_and_the_idle_timeout(chat: Chat) -> None:
    owner = chat.person("owner-y")
    reply = await owner.says("3栋电梯按钮坏了按了没反应")
    assert "联系电话" in reply
    chat.clock.travel(timedelta(minutes=31))
    reply = await owner.says("你好")
    assert "已超过30分钟没有回复，已自动取消" in reply


async def test_a_bare_room_number_means_one_in_the_owners_own_unit(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    await chat.bind("owner-zhang", "3-2-502", "13800000002")  # holds both homes of the landing
    zhang = chat.person("owner-zhang")
    await zhang.says("厨房下水道堵了")
    reply = await zhang.says("不对，是502")
    assert "3-2-502" in reply or "什么时间" in reply
    await zhang.says("随时")
    reply = await zhang.says("确认")
    [ticket] = await chat.tickets()
    assert ticket.home_id == chat.people["other"].id


async def test_a_traditional_writer_stays_traditional_through_the_form(chat: Chat) -> None:
    """A time or a phone number shows no script: the card keeps the owner's traditional characters."""
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    assert "時間" in await zhang.says("廚房水龍頭一直滴水，麻煩派師傅來看看")
    card = await zhang.says("12月9日 15:00")
    assert "請確認報修信息" in card and "确认" not in card
    assert "工單號" in await zhang.says("確認")


async def test_any_time_with_a_phone_in_the_same_answer(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    assert "什么时间方便" in await zhang.says("厨房水槽下面的管子漏水了")
    card = await zhang.says("随时都可以，电话13900000009")
    assert "请确认报修信息" in card and "13900000009" in card


async def test_a_category_corrected_mid_form_is_said_and_kept(chat: Chat) -> None:
    await chat.bind("owner-zhang", "3-2-501", "13800000001")
    zhang = chat.person("owner-zhang")
    assert "什么时间方便" in await zhang.says("厨房水槽漏水")
    reply = await zhang.says("不对，不是漏水，是下水道堵了，水下不去")
    assert "问题类型已改为“管道堵塞”" in reply and "什么时间方便" in reply
    assert "管道堵塞" in await zhang.says("明天上午9点")
    assert "工单号" in await zhang.says("知道了，确认")
    [ticket] = await chat.tickets()
    assert ticket.category == "管道堵塞"
