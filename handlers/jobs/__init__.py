"""The periodic jobs of the service, with their schedules from config.yaml."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox.queue import Outbox
from bot.schedule.runner import ScheduledJob
from bot.settings import Settings
from handlers.domain.escalation import escalate_due
from handlers.domain.estates import served_estates
from handlers.domain.fee_reminders import dunning_flags, send_fee_reminders
from handlers.domain.notices import due_steps
from handlers.domain.services import Services
from handlers.domain.visits import run_return_visits
from handlers.jobs.pruning import prune
from handlers.jobs.reports import report_jobs
from handlers.jobs.summaries import daily_summary, supervisors
from handlers.replies import visits as replies


def scheduled_jobs(services: Services, outbox: Outbox, settings: Settings) -> list[ScheduledJob]:
    schedule = settings.schedule
    notifier = services.notifier

    async def sla_check(session: AsyncSession, now: datetime) -> str:
        return f"queued {await escalate_due(session, now, services.sla, notifier, settings)} escalations"

    async def return_visits(session: AsyncSession, now: datetime) -> str:
        return await run_return_visits(session, now, outbox, settings)

    async def fee_reminders(session: AsyncSession, now: datetime) -> str:
        sent = await send_fee_reminders(session, now, outbox, settings)
        flags = await dunning_flags(session, now, settings)
        for person in await supervisors(session):  # each hears the estates they serve; an admin the company
            served = await served_estates(session, person, settings.company_default_estate)
            mine = [flag for flag in flags if served is None or flag.estate in served]
            reminded = sent.homes if served is None else sum(sent.homes_by_estate.get(code, 0) for code in served)
            text = replies.DUNNING_SUMMARY.format(reminded=reminded, letters=sum(f.level == "letter" for f in mine),
                                                  legal=sum(f.level == "legal" for f in mine))
            await notifier.to_staff(session, person, text, key=f"dunning:{now:%Y-%m}:{person.id}", kind="summary")
        return sent.summary()

    async def daily(session: AsyncSession, now: datetime) -> str:
        return await daily_summary(session, now, notifier, settings)

    async def notice_steps(session: AsyncSession, now: datetime) -> str:
        return await due_steps(session, now, outbox, settings)

    async def pruning(session: AsyncSession, now: datetime) -> str:
        return await prune(session, now, settings.retention)

    jobs = [
        ScheduledJob("sla_check", sla_check),
        ScheduledJob("notices", notice_steps),
        ScheduledJob("prune", pruning, schedule.prune),
        ScheduledJob("return_visits", return_visits),
        ScheduledJob("fee_reminders", fee_reminders, schedule.fee_reminders),
        ScheduledJob("daily_summary", daily, schedule.daily_summary),
    ]
    return jobs + report_jobs(services, settings)
