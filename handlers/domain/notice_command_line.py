"""``wuyebot notice create|cancel|extend|end|list`` (docs/notices.md): one transaction per command.

The pushes are queued in the outbox; a running ``wuyebot serve`` (or ``jobs run-due``) sends them.
"""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import select

from bot.clock import SystemClock
from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain import notices
from handlers.replies import notices as replies
from models import Notice


async def run(settings: Settings, action: str, options: dict[str, str | bool | None], out: TextIO,
              err: TextIO) -> int:
    """Do ``action``; print what happened in Chinese (and the notice's number), or why not (exit 1)."""
    from bot.storage.db import create_engine, session_factory

    clock = SystemClock()
    outbox = Outbox(clock, settings.quiet_hours, settings.tz)
    engine = create_engine(settings.database_url)
    now = clock.now()
    try:
        async with session_factory(engine).begin() as session:
            if action == "list":
                rows = (await session.scalars(select(Notice).order_by(Notice.id.desc()).limit(50))).all()
                for listed in rows:
                    counts = await notices.delivery(session, listed)
                    print(f"{listed.number} {listed.estate} {notices.scope_words(listed.buildings, listed.units)} "
                          f"{listed.kind} {notices.when_words(listed, settings)} "
                          f"{replies.STATUS_NAMES.get(listed.status, listed.status)} "
                          f"发送 {counts.sent}/{counts.recipients}", file=out)
                return 0
            if action == "create":
                tz = settings.tz
                asked = notices.Draft(
                    estate=str(options.get("estate") or settings.company_default_estate), kind=str(options["kind"]),
                    starts_at=notices.moment_from(str(options["start"]), tz),
                    ends_at=notices.moment_from(str(options["end"]), tz), text=str(options["text"]),
                    buildings=notices.codes_from(options.get("buildings")),
                    units=notices.codes_from(options.get("units")), urgent=bool(options.get("urgent")))
                made, delivery = await notices.create(session, asked, now, outbox, settings, "命令行")
                print(made.number, file=out)
                print(replies.SENT.format(number=made.number, reached=delivery.recipients - delivery.unreachable,
                                          unreachable=replies.UNREACHABLE.format(count=delivery.unreachable)
                                          if delivery.unreachable else ""), file=out)
                return 0
            notice = await notices.find(session, str(options["number"]), for_update=True)
            if notice is None:
                print(replies.NO_NOTICE.format(number=options["number"]), file=err)
                return 1
            if action == "cancel":
                told = await notices.cancel(session, notice, now, outbox, settings)
                print(replies.CANCELLED_STAFF.format(number=notice.number, told=replies.TOLD_CANCEL.format(count=told)
                                                     if told else ""), file=out)
            elif action == "extend":
                end = notices.moment_from(str(options["end"]), settings.tz)
                told = await notices.extend(session, notice, end, now, outbox, settings)
                print(replies.EXTENDED_STAFF.format(number=notice.number, end=notices.moment_words(end, settings),
                                                    count=told), file=out)
            else:
                told = await notices.end_now(session, notice, now, outbox, settings)
                print(replies.ENDED_STAFF.format(number=notice.number, count=told), file=out)
            return 0
    except notices.NoticeRefused as refused:
        print(f"wuyebot: {refused}", file=err)
        return 1
    finally:
        await engine.dispose()
