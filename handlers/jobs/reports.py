"""The weekly complaint summary and the monthly service summary pushed to supervisors.

The figures are the reports' own (``handlers.reports``) for the last complete week (Monday 9:00)
and month (the 1st, 9:00). The first two lines of a push become a template message's fields
outside WeChat's 48-hour window, so each holds 20 characters at most with realistic figures.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.schedule.runner import ScheduledJob
from bot.settings import Settings
from handlers.domain.services import Services
from handlers.jobs.summaries import push_to_supervisors
from handlers.reports import MONTH, WEEK, MonthlyReport, WeeklyReport, last_complete, monthly_report, weekly_report
from handlers.reports import wording as words


def weekly_summary(report: WeeklyReport) -> str:
    totals = report.totals
    unresolved = {row.key: row.open for row in report.by_tier}
    return words.WEEKLY_PUSH.format(
        week=report.period.label, new=totals.new, closed=totals.closed, open=totals.open, overdue=totals.overdue,
        tiers=words.WEEKLY_TIERS.format(**{tier: unresolved.get(tier, 0) for tier in words.TIER_ORDER}))


def monthly_summary(report: MonthlyReport) -> str:
    pct = words.whole_percent
    return words.MONTHLY_PUSH.format(
        month=report.period.label, collection=pct(report.fees.totals.rate),
        on_time=pct(report.repairs.totals.on_time_rate), satisfaction=pct(report.satisfaction.rate),
        visits=pct(report.return_visits.rate), repairs=report.repairs.totals.new, complaints=report.complaints.new,
        closure=pct(report.complaints.closure_rate), suggestions=pct(report.suggestions.rate),
        arrears=len(report.arrears))


def report_jobs(services: Services, settings: Settings) -> list[ScheduledJob]:
    notifier = services.notifier

    async def weekly(session: AsyncSession, now: datetime) -> str:
        period = last_complete(WEEK, now, settings.tz)
        text = weekly_summary(await weekly_report(session, period, now, settings))
        sent = await push_to_supervisors(session, notifier, text, key=f"weekly:{period.label}")
        return f"{' / '.join(text.splitlines())} → {sent} people"

    async def monthly(session: AsyncSession, now: datetime) -> str:
        period = last_complete(MONTH, now, settings.tz)
        text = monthly_summary(await monthly_report(session, period, now, settings))
        sent = await push_to_supervisors(session, notifier, text, key=f"monthly:{period.label}")
        return f"{' / '.join(text.splitlines())} → {sent} people"

    return [ScheduledJob("weekly_report", weekly, settings.schedule.weekly_report),
            ScheduledJob("monthly_report", monthly, settings.schedule.monthly_report)]
