"""The closed sets of values the tables hold, as enums; the schema checks them (CHECK constraints).

Each is a ``StrEnum``: a member equals its value, so ``ticket.status == "new"`` still reads right,
and JSON shows the value.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Enum


class TicketStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    VISITED = "visited"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ComplaintTier(StrEnum):
    MAJOR = "major"
    IMPORTANT = "important"
    MINOR = "minor"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    HELD = "held"  # outside WeChat's 48-hour window with no template: waits for the owner to write
    DEAD = "dead"


class Channel(StrEnum):
    CUSTOMER_SERVICE = "customer_service"
    TEMPLATE = "template"
    WECOM_ROBOT = "wecom_robot"


class ResidentRole(StrEnum):
    OWNER = "owner"
    TENANT = "tenant"


class BindingStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    REVOKED = "revoked"


class StaffRole(StrEnum):
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class VisitStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    ANSWERED = "answered"
    PHONE = "phone"  # no answer: listed for staff to call


class PassKind(StrEnum):
    VISITOR = "visitor"
    RELEASE = "release"


class PassStatus(StrEnum):
    PENDING_OWNER = "pending_owner"
    ACTIVE = "active"
    USED = "used"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


def checked(enum: type[StrEnum], length: int, column: str) -> Enum:
    """A column type storing the enum's values as text, with a CHECK constraint (``ck_<table>_<column>``)."""
    return Enum(enum, native_enum=False, create_constraint=True, length=length, validate_strings=True,
                values_callable=_values, name=column)


def _values(enum: Any) -> list[str]:
    return [member.value for member in enum]
