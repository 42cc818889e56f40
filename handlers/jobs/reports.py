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
from handlers.domain.estates import served_estates
from handlers.domain.services import Services
from handlers.jobs.summaries import supervisors
from handlers.reports import MONTH, WEEK, MonthlyReport, Report, ReportSet, WeeklyReport, compute_all, last_complete
from handlers.reports import wording as words


def weekly_summary(report: WeeklyReport, title: str = words.WEEKLY_TITLE) -> str:
    totals = report.totals
    unresolved = {row.key: row.open for row in report.by_tier}
    return words.WEEKLY_PUSH.format(
        title=title, week=report.period.label, new=totals.new, closed=totals.closed, open=totals.open,
        overdue=totals.overdue,
        tiers=words.WEEKLY_TIERS.format(**{tier: unresolved.get(tier, 0) for tier in words.TIER_ORDER}))


def monthly_summary(report: MonthlyReport, title: str = words.MONTHLY_TITLE) -> str:
    pct = words.whole_percent
    return words.MONTHLY_PUSH.format(
        title=title, month=report.period.label, collection=pct(report.fees.totals.rate),
        on_time=pct(report.repairs.totals.on_time_rate), satisfaction=pct(report.satisfaction.rate),
        visits=pct(report.return_visits.rate), repairs=report.repairs.totals.new, complaints=report.complaints.new,
        closure=pct(report.complaints.closure_rate), suggestions=pct(report.suggestions.rate),
        arrears=len(report.arrears))


def report_jobs(services: Services, settings: Settings) -> list[ScheduledJob]:
    notifier = services.notifier

    async def weekly(session: AsyncSession, now: datetime) -> str:
        period = last_complete(WEEK, now, settings.tz)
        return await _push(session, await compute_all(session, period, now, settings), f"weekly:{period.label}")

    async def monthly(session: AsyncSession, now: datetime) -> str:
        period = last_complete(MONTH, now, settings.tz)
        return await _push(session, await compute_all(session, period, now, settings), f"monthly:{period.label}")

    async def _push(session: AsyncSession, reports: ReportSet, key: str) -> str:
        """Each supervisor hears the estates they serve (one push each); an admin, the company."""
        texts = {report.estate: _summary(report, settings) for report in (reports.company, *reports.estates)}
        sent = 0
        for person in await supervisors(session):
            served = await served_estates(session, person, settings.company_default_estate)
            for code in [None] if served is None else [code for code in texts if code in served]:
                sent += await notifier.to_staff(session, person, texts[code], kind="summary",
                                                key=f"{key}:{code or 'company'}:{person.id}")
        return f"{' / '.join(texts[None].splitlines())} → {sent} pushes"

    return [ScheduledJob("weekly_report", weekly, settings.schedule.weekly_report),
            ScheduledJob("monthly_report", monthly, settings.schedule.monthly_report)]


def _summary(report: Report, settings: Settings) -> str:
    """The push of one report; an estate's says whose figures they are in its first line (20 characters
    reach a template message: "兰亭苑月报 2026-10 收缴86%")."""
    scoped = settings.multi_estate and report.estate is not None
    if isinstance(report, MonthlyReport):
        return monthly_summary(report, words.ESTATE_MONTHLY_TITLE.format(estate=report.estate_name) if scoped
                               else words.MONTHLY_TITLE)
    return weekly_summary(report, words.ESTATE_WEEKLY_TITLE.format(estate=report.estate_name) if scoped
                          else words.WEEKLY_TITLE)
