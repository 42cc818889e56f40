"""Ticket kinds, each declared once: number prefix, name, time limits, dispatch, return visit.

A ticket's number is its kind's prefix, the local date and a 3-digit daily sequence
(``R20261122001``); kinds that share a prefix share the sequence (repairs and emergencies are both
R…). What else a kind decides:

- ``sla``: which rule of ``handlers.domain.sla`` sets its deadlines;
- ``dispatch``: by skill (least-loaded or 抢单, per ``config.yaml`` ``dispatch``), to nobody (a
  release permit only needs the gate), or to several teams at once (a lock change needs customer
  service, the concierge and engineering together);
- ``urgent``: every supervisor is alerted at once, day or night;
- ``visit``: when a return visit (回访) is scheduled: after completion, after closing, or never;
- ``reopenable``: "没修好" / "还是没解决" after the work puts it back (to maintenance, or to the
  department with the supervisor leading, for a complaint);
- ``chased``: it appears in an owner's progress list and may be chased (催单);
- ``closes_on_completion``: the ticket is closed as soon as the work is reported done;
- ``updates``: what the owner is told when it is accepted, started and completed.

The kinds below are the built-in ones; a flow may declare more (``handlers.flows.Flow``), and
the product adds them to the registry the services use (docs/adding-a-flow.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

from handlers.replies import complaint as complaint_replies
from handlers.replies import suggestion as suggestion_replies
from handlers.replies import tickets as owner_replies


class SlaRule(Enum):
    REPAIR = "repair"  # on site within 1 working day, done within 3 or 7
    EMERGENCY = "emergency"  # acknowledged within 15 minutes
    COMPLAINT = "complaint"  # by tier
    SUGGESTION = "suggestion"  # answered within 3 days
    APPOINTMENT = "appointment"  # done at the slot booked with the owner
    NONE = "none"


class Dispatch(Enum):
    BY_SKILL = "by_skill"  # staff whose skills hold the category; config.yaml picks least-loaded or 抢单
    NOBODY = "nobody"  # nobody is dispatched (the gate checks a permit)
    TEAMS = "teams"  # every team named in ``teams`` is told, all must take part


class Visit(Enum):
    AFTER_COMPLETION = "after_completion"
    AFTER_CLOSING = "after_closing"
    NONE = "none"


@dataclass(frozen=True)
class OwnerUpdates:
    """What the owner hears as staff work on a ticket of this kind (placeholders: number, name,
    phone, when, note), and when their "没解决" (``reopened``: number, who, on_site) or a poor
    score (``rated_poor``: number, on_site) sends it back."""

    accepted: str = owner_replies.ACCEPTED
    started: str = owner_replies.STARTED
    completed: str = owner_replies.COMPLETED
    reopened: str = owner_replies.REOPENED
    rated_poor: str = owner_replies.RATED_POOR


@dataclass(frozen=True)
class TicketKind:
    name: str
    prefix: str  # one upper-case letter
    title: str  # how owners and staff read it: 报修, 投诉 …
    sla: SlaRule
    dispatch: Dispatch = Dispatch.BY_SKILL
    teams: tuple[str, ...] = ()  # for Dispatch.TEAMS: the skills of the teams that must all be there
    urgent: bool = False
    visit: Visit = Visit.NONE
    reopenable: bool = False
    chased: bool = True
    closes_on_completion: bool = False  # the work reported done is the end (no confirmation, no visit)
    updates: OwnerUpdates = OwnerUpdates()


REPAIR = TicketKind("repair", "R", "报修", SlaRule.REPAIR, visit=Visit.AFTER_COMPLETION, reopenable=True)
EMERGENCY = TicketKind("emergency", "R", "紧急报修", SlaRule.EMERGENCY, urgent=True, visit=Visit.AFTER_COMPLETION,
                       reopenable=True)
COMPLAINT = TicketKind("complaint", "C", "投诉", SlaRule.COMPLAINT, visit=Visit.AFTER_CLOSING, reopenable=True,
                       updates=OwnerUpdates(accepted=complaint_replies.ACCEPTED, started=complaint_replies.STARTED,
                                            completed=complaint_replies.COMPLETED,
                                            reopened=complaint_replies.REOPENED,
                                            rated_poor=complaint_replies.RATED_POOR))
SUGGESTION = TicketKind("suggestion", "S", "建议", SlaRule.SUGGESTION,
                        updates=OwnerUpdates(accepted=suggestion_replies.ACCEPTED,
                                             started=suggestion_replies.STARTED,
                                             completed=suggestion_replies.COMPLETED))
RELEASE = TicketKind("release", "P", "放行条", SlaRule.NONE, dispatch=Dispatch.NOBODY, chased=False)
BUILT_IN = (REPAIR, EMERGENCY, COMPLAINT, SUGGESTION, RELEASE)
# Visitor passes are not tickets, but their numbers (V…) come from the same daily sequences.
VISITOR_PASS_PREFIX = "V"


class UnknownKind(KeyError):
    """A ticket kind nobody declared."""


class TicketKinds:
    """The kinds this deployment knows: the built-in ones and those its flows declare."""

    def __init__(self, kinds: Iterable[TicketKind] = BUILT_IN) -> None:
        self._kinds: dict[str, TicketKind] = {}
        for kind in kinds:
            if kind.name in self._kinds:
                raise ValueError(f"ticket kind {kind.name!r} is declared twice")
            if len(kind.prefix) != 1 or not kind.prefix.isupper():
                raise ValueError(f"ticket kind {kind.name!r}: the prefix must be one upper-case letter")
            self._kinds[kind.name] = kind

    def __getitem__(self, name: str) -> TicketKind:
        try:
            return self._kinds[name]
        except KeyError:
            raise UnknownKind(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._kinds

    def __iter__(self) -> Iterator[TicketKind]:
        return iter(self._kinds.values())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._kinds)

    def where(self, **flags: object) -> tuple[str, ...]:
        """The names of the kinds whose attributes equal ``flags`` (``reopenable=True``)."""
        return tuple(kind.name for kind in self if all(getattr(kind, key) == value for key, value in flags.items()))
