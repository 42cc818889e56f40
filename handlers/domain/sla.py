"""SLA clocks: the deadlines a ticket must meet, from config.yaml's numbers (docs/domain.md's defaults).

Which rule a ticket follows is its kind's (``handlers.domain.kinds``).

| kind | deadline | limit |
|---|---|---|
| repair | ``on_site`` | someone on site within 1 working day, or at the visit booked with the owner if later |
| repair | ``resolve`` | done within 3 (single trade) or 7 (multi-trade) working days |
| emergency | ``acknowledge`` | acknowledged by staff within 15 minutes, day or night |
| complaint, major | ``report`` / ``answer`` / ``resolve`` | to the estate manager the same day; a clear answer within 2 days; resolved within 10 days |
| complaint, important | ``report`` / ``resolve`` | to the supervisor within 1 hour; resolved within 3 days |
| complaint, minor | ``resolve`` | within 2 days, or the owner's own date |
| suggestion | ``answer`` | answered within 3 days |

Working days follow :class:`handlers.domain.calendar.WorkingCalendar`; "days" for complaints and
suggestions are calendar days, as the standards write them.
"""  # noqa: E501 - a table row above is long

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.settings import Settings
from handlers.domain.calendar import WorkingCalendar
from handlers.domain.kinds import SlaRule, TicketKinds

# Which deadline a transition meets: the action that shows the promise was kept.
MET_BY_ACTION = {
    "accept": ("acknowledge", "report"),
    "start": ("on_site", "answer"),
    "complete": ("on_site", "answer", "resolve", "acknowledge", "report"),
}


@dataclass(frozen=True)
class Deadline:
    name: str
    due_at: datetime


class SlaPolicy:
    """The company's SLA numbers on each estate's own working calendar (its office hours, holidays)."""

    def __init__(self, settings: Settings, calendar: WorkingCalendar, kinds: TicketKinds | None = None) -> None:
        self._settings = settings
        self._sla = settings.sla
        self.calendar = calendar  # the company's default estate's
        self.kinds = kinds or TicketKinds()
        self._calendars: dict[str, WorkingCalendar] = {settings.estate.code: calendar}

    def calendar_for(self, estate: str | None) -> WorkingCalendar:
        """The working calendar of an estate (config.yaml's ``estates`` may give it other days and hours)."""
        code = estate or self._settings.estate.code
        found = self._calendars.get(code)
        if found is None:
            view = self._settings.for_estate(code)
            found = self._calendars[code] = WorkingCalendar(view.calendar, view.estate.office_hours, view.tz)
        return found

    def deadlines(
        self,
        kind: str,
        start: datetime,
        *,
        tier: str | None = None,
        multi_trade: bool = False,
        owner_due: datetime | None = None,
        appointment: datetime | None = None,
        estate: str | None = None,
    ) -> list[Deadline]:
        sla = self._sla
        calendar = self.calendar_for(estate)
        rule = self.kinds[kind].sla
        if rule is SlaRule.REPAIR:
            resolve_days = sla.repair.multi_trade_working_days if multi_trade else sla.repair.single_trade_working_days
            on_site = calendar.add_working_days(start, sla.repair.on_site_working_days)
            resolve = calendar.add_working_days(start, resolve_days)
            if appointment is not None and appointment > on_site:  # a visit booked later: on site then
                on_site = appointment
                resolve = max(resolve, calendar.add_working_days(appointment, resolve_days - 1))
            return [Deadline("on_site", on_site), Deadline("resolve", resolve)]
        if rule is SlaRule.EMERGENCY:
            return [Deadline("acknowledge", start + timedelta(minutes=sla.emergency.acknowledge_minutes))]
        if rule is SlaRule.COMPLAINT:
            return self._complaint(start, tier or "minor", owner_due, calendar)
        if rule is SlaRule.SUGGESTION:
            return [Deadline("answer", start + timedelta(days=sla.suggestion.answer_within_days))]
        if rule is SlaRule.APPOINTMENT and appointment is not None:
            return [Deadline("resolve", appointment)]
        return []

    def _complaint(self, start: datetime, tier: str, owner_due: datetime | None,
                   calendar: WorkingCalendar) -> list[Deadline]:
        limits = getattr(self._sla.complaint, tier)
        deadlines: list[Deadline] = []
        if limits.report_to is not None:
            hours = limits.report_within_hours or 0
            report = calendar.end_of_day(start) if hours == 0 else start + timedelta(hours=hours)
            deadlines.append(Deadline("report", report))
        if limits.answer_within_days is not None:
            deadlines.append(Deadline("answer", start + timedelta(days=limits.answer_within_days)))
        resolve = start + timedelta(days=limits.resolve_within_days)
        if tier == "minor" and owner_due is not None:
            resolve = owner_due
        deadlines.append(Deadline("resolve", resolve))
        return deadlines

    def warn_at(self, starts_at: datetime, due_at: datetime) -> datetime:
        """When to warn that a deadline is close: at ``warn_at_fraction`` (80%) of the time allowed."""
        return starts_at + (due_at - starts_at) * self._sla.warn_at_fraction
