"""The business services handlers receive by name (``desk``, ``intake``, ``workflow`` …), built once.

Each field's name is the parameter name a handler uses to receive it; the dispatcher checks
those names when the routers are included (``Services.names``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from bot.clock import Clock
from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain.calendar import WorkingCalendar
from handlers.domain.intake import TicketIntake
from handlers.domain.kinds import TicketKinds
from handlers.domain.notify import Notifier
from handlers.domain.routing import TicketRouter
from handlers.domain.sla import SlaPolicy
from handlers.domain.tickets import TicketDesk
from handlers.domain.workflow import Workflow


@dataclass(frozen=True)
class Services:
    kinds: TicketKinds
    calendar: WorkingCalendar
    sla: SlaPolicy
    desk: TicketDesk
    notifier: Notifier
    ticket_router: TicketRouter
    intake: TicketIntake
    workflow: Workflow

    @classmethod
    def names(cls) -> frozenset[str]:
        return frozenset(field.name for field in fields(cls))

    def as_resources(self) -> dict[str, object]:
        """The services by name, for injection into handlers."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


def build_services(settings: Settings, clock: Clock, outbox: Outbox, kinds: TicketKinds | None = None) -> Services:
    kinds = kinds or TicketKinds()
    calendar = WorkingCalendar(settings.calendar, settings.estate.office_hours, settings.tz)
    sla = SlaPolicy(settings, calendar, kinds)
    desk = TicketDesk(sla, settings.tz, settings.company_default_estate)
    notifier = Notifier(outbox, settings, clock)
    router = TicketRouter(desk, notifier, settings)
    return Services(
        kinds=kinds, calendar=calendar, sla=sla, desk=desk, notifier=notifier, ticket_router=router,
        intake=TicketIntake(desk, router, notifier, settings), workflow=Workflow(desk, notifier, settings),
    )
