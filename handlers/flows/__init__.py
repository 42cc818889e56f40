"""Conversation flows: one module per thing an owner or staff member comes to do.

Each module declares a ``router`` (what it answers) and ends with ``FLOW = Flow(router, …)``,
which also names any ticket kind of its own; ``handlers/__init__.py`` wires each flow in one line.
Flows never import each other: what two flows share lives in ``handlers.domain``, and a message
that belongs to another flow is passed on with ``Reroute`` (docs/adding-a-flow.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.dialogue.router import Router
from handlers.domain.kinds import TicketKind


@dataclass(frozen=True)
class Flow:
    router: Router
    ticket_kinds: tuple[TicketKind, ...] = ()  # kinds this flow adds to the built-in ones
