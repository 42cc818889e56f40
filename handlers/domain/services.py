"""The business services handlers receive by name (``desk``, ``intake``, ``workflow`` …), built once."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock
from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain.calendar import WorkingCalendar
from handlers.domain.intake import TicketIntake
from handlers.domain.notify import Notifier
from handlers.domain.routing import TicketRouter
from handlers.domain.sla import SlaPolicy
from handlers.domain.tickets import TicketDesk
from handlers.domain.workflow import Workflow


def build_services(settings: Settings, clock: Clock, outbox: Outbox) -> dict[str, Any]:
    calendar = WorkingCalendar(settings.calendar, settings.estate.office_hours, settings.tz)
    sla = SlaPolicy(settings, calendar)
    desk = TicketDesk(sla, settings.tz)
    notifier = Notifier(outbox, settings, clock)
    router = TicketRouter(desk, notifier, settings)
    return {
        "calendar": calendar,
        "sla": sla,
        "desk": desk,
        "notifier": notifier,
        "ticket_router": router,
        "intake": TicketIntake(desk, router, notifier, settings),
        "workflow": Workflow(desk, notifier, settings),
    }
