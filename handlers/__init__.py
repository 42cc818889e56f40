"""One module per owner or staff flow; each declares a Router, wired here in one line each."""

from __future__ import annotations

from bot.dialogue.router import Dispatcher, Understander
from handlers.web.api import api_routes
from handlers.web.gate import gate_routes
from handlers.jobs import scheduled_jobs
from handlers.domain.services import build_services


def build_dispatcher(understander: Understander) -> Dispatcher:
    from handlers.flows import binding, complaint, emergency, faq, fee, greeting, human, rating, release, repair, staff, staff_binding, status, suggestion, visitor

    dispatcher = Dispatcher(understander)
    dispatcher.include_routers(
        staff.router,
        staff_binding.router,
        binding.router,
        fee.router,
        repair.router,
        emergency.router,
        complaint.router,
        suggestion.router,
        visitor.router,
        release.router,
        status.router,
        rating.router,
        faq.router,
        human.router,
        greeting.router,  # last: it holds the fallback
    )
    return dispatcher


__all__ = ["api_routes", "build_dispatcher", "build_services", "gate_routes", "scheduled_jobs"]
