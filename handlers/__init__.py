"""The product: the flows, wired here one line each, and what the service needs of the product.

``bot/app.py`` builds the service from this package's few names and from nothing else under
``handlers/``: the dispatcher (the flows' routers), the business services, the HTTP routes and
the scheduled jobs. A new flow is one module in ``handlers/flows/`` and one line below
(docs/adding-a-flow.md).
"""

from __future__ import annotations

from datetime import date

from bot.clock import Clock
from bot.dialogue.router import Dispatcher, Understander
from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain.calendar import coverage_warning
from handlers.domain.estates import SENDER_ESTATE, sender_scope, sync_estates
from handlers.domain.faq_edits import REFRESH_SECONDS as FAQ_REFRESH_SECONDS
from handlers.domain.faq_edits import fingerprint as faq_edits_fingerprint
from handlers.domain.faq_edits import load as load_faq_edits
from handlers.domain.kb import knowledge_base
from handlers.domain.kinds import BUILT_IN, TicketKinds
from handlers.domain.services import Services
from handlers.domain.services import build_services as build_domain_services
from handlers.domain.staffing import is_staff
from handlers.flows import (
    binding,
    complaint,
    consent,
    emergency,
    faq,
    fee,
    greeting,
    human,
    lock,
    menu,
    notices,
    rating,
    release,
    repair,
    staff,
    staff_binding,
    status,
    suggestion,
    visitor,
    withdrawal,
)
from handlers.jobs import scheduled_jobs
from handlers.web.api import api_routes
from handlers.web.console.app import console_app
from handlers.web.console.context import Keys as ConsoleKeys
from handlers.web.gate import gate_routes
from handlers.web.metrics import metrics_routes

FLOWS = (
    staff.FLOW,
    staff_binding.FLOW,
    binding.FLOW,
    fee.FLOW,
    repair.FLOW,
    emergency.FLOW,
    complaint.FLOW,
    suggestion.FLOW,
    visitor.FLOW,
    release.FLOW,
    consent.FLOW,  # a bare 同意 / 不同意 to a tenant's request, after the flows' own coded replies
    notices.FLOW,  # an owner asking about an active notice gets it (a text route that declines otherwise)
    status.FLOW,
    rating.FLOW,
    faq.FLOW,
    lock.FLOW,
    withdrawal.FLOW,
    human.FLOW,
    menu.FLOW,  # the custom menu's buttons (CLICK events)
    greeting.FLOW,  # last: it holds the fallback
)


def handler_resources() -> frozenset[str]:
    """What handlers may name beyond the framework's: the business services and the sender's estate."""
    return Services.names() | {SENDER_ESTATE}


def build_dispatcher(understander: Understander) -> Dispatcher:
    dispatcher = Dispatcher(understander, resources=handler_resources())
    dispatcher.include_routers(*(flow.router for flow in FLOWS))
    dispatcher.command_guard = is_staff
    return dispatcher


def ticket_kinds() -> TicketKinds:
    """The built-in ticket kinds and those the flows add."""
    return TicketKinds((*BUILT_IN, *(kind for flow in FLOWS for kind in flow.ticket_kinds)))


def build_services(settings: Settings, clock: Clock, outbox: Outbox) -> Services:
    return build_domain_services(settings, clock, outbox, ticket_kinds())


def startup_warnings(settings: Settings, today: date) -> list[str]:
    """What an operator should hear when the service starts: a calendar year not yet known, an
    estate's own FAQ answer for an entry kb.yaml does not have."""
    warning = coverage_warning(today) if settings.calendar.official_holidays else None
    warnings = [warning] if warning else []
    kb = knowledge_base()
    known = {entry.id for entry in kb.entries} if kb is not None else set()
    for estate in settings.estate_list:
        for entry_id in sorted(set(estate.faq) - known):
            warnings.append(f"estates: {estate.code}: faq.{entry_id} answers no entry of kb.yaml (ignored)")
    return warnings


__all__ = [
    "FAQ_REFRESH_SECONDS",
    "ConsoleKeys",
    "Services",
    "api_routes",
    "build_dispatcher",
    "build_services",
    "console_app",
    "faq_edits_fingerprint",
    "gate_routes",
    "handler_resources",
    "is_staff",
    "load_faq_edits",
    "metrics_routes",
    "scheduled_jobs",
    "sender_scope",
    "startup_warnings",
    "sync_estates",
]
