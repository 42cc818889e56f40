"""The business services handlers receive by name (``desk``, ``intake``, ``workflow`` …), built once."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock
from bot.outbox import Outbox
from bot.settings import Settings
from handlers.calendar import WorkingCalendar
from handlers.intake import TicketIntake
from handlers.notify import Notifier
from handlers.routing import TicketRouter
from handlers.sla import SlaPolicy
from handlers.tickets import TicketDesk
from handlers.workflow import Workflow


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
