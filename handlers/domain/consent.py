"""An owner's consent to a tenant's request: binding the home, or a release permit (放行条).

Both ask every owner account bound to the home to reply “同意 …” or “拒绝 …” with the request's
code; only an active owner of that home decides, and the tenant hears the outcome by push. The
decisions live here so the flow that asked (binding, release) and the flow that takes a bare
同意 / 不同意 (consent) decide the same way.

A binding's consent code is derived from its id (:func:`consent_code`), so it needs no column:
it is unique among any 9000 consecutive bindings, and it is only ever looked up among the pending
bindings of homes the replying account owns, so a guessed code decides nothing. A permit's code is
its ticket number (P…).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox.queue import Outbox
from bot.settings import Settings
from handlers.domain import passes
from handlers.domain.estates import estate_of_home
from handlers.domain.homes import ACTIVE, OWNER, PENDING, TENANT, bound_homes, home_label
from handlers.domain.notify import Notifier
from handlers.domain.passes import STATUS_NAMES, Window
from handlers.domain.tickets import TicketDesk
from handlers.replies import binding as binding_replies
from handlers.replies import release as release_replies
from models import GatePass, Home, HomeBinding, Resident
from models.enums import BindingStatus, PassStatus

GATE_TEAM = "security"


def consent_code(binding_id: int) -> str:
    """A 4-digit code for a tenant's request (7919 is prime to 9000, so codes cycle through all 9000)."""
    return f"{1000 + (binding_id * 7919) % 9000}"


@dataclass(frozen=True)
class Pending:
    """A tenant's request waiting for this owner: a binding or a release permit, and its code."""

    code: str
    binding: HomeBinding | None = None
    gate_pass: GatePass | None = None


def _owned_homes(openid: str) -> Select[int]:
    """The homes this account is an active owner of (a subquery)."""
    return select(HomeBinding.home_id).where(HomeBinding.openid == openid, HomeBinding.role == OWNER,
                                             HomeBinding.status == ACTIVE)


async def pending_for_owner(session: AsyncSession, openid: str) -> list[Pending]:
    """Every tenant request waiting for a decision on the homes this account owns, oldest first."""
    owned = _owned_homes(openid)
    bindings = await session.scalars(select(HomeBinding).where(
        HomeBinding.home_id.in_(owned), HomeBinding.role == TENANT, HomeBinding.status == PENDING)
        .order_by(HomeBinding.id))
    permits = await session.scalars(select(GatePass).where(
        GatePass.home_id.in_(owned), GatePass.kind == "release", GatePass.status == "pending_owner")
        .order_by(GatePass.id))
    return ([Pending(consent_code(binding.id), binding=binding) for binding in bindings]
            + [Pending(gate_pass.number, gate_pass=gate_pass) for gate_pass in permits])


async def tenant_binding_for_code(session: AsyncSession, openid: str, code: str) -> HomeBinding | None:
    """The tenant binding of a home this account owns whose consent code is ``code`` (any status)."""
    owned = _owned_homes(openid)
    requests = await session.scalars(
        select(HomeBinding).where(HomeBinding.home_id.in_(owned), HomeBinding.role == TENANT)
        .order_by(HomeBinding.id.desc()))
    return next((binding for binding in requests if consent_code(binding.id) == code), None)


async def decide_tenant_binding(session: AsyncSession, outbox: Outbox, settings: Settings, request: HomeBinding,
                                agreed: bool, now: datetime) -> str:
    """The owner's answer to a pending tenant binding: active or rejected, and the tenant told."""
    code = consent_code(request.id)
    if request.status != PENDING:
        return binding_replies.CONSENT_ALREADY.format(code=code)
    home = await session.get(Home, request.home_id)
    tenant = await session.get(Resident, request.resident_id)
    assert home is not None and tenant is not None  # foreign keys
    settings = settings.for_estate(await estate_of_home(session, home.id))  # the home's: hotline, quiet hours
    request.decided_at = now
    if not agreed:
        request.status = BindingStatus.REJECTED
        await outbox.enqueue(session, key=f"binding:{request.id}:rejected", recipient=request.openid, kind="binding",
                             text=binding_replies.TENANT_REFUSED.format(room=home.room_key,
                                                                        hotline=settings.estate.hotline),
                             quiet_hours=settings.quiet_hours)
        return binding_replies.CONSENT_REFUSED.format(name=tenant.name, room=home.room_key)
    others = await bound_homes(session, request.openid)
    request.status = BindingStatus.ACTIVE
    request.is_current = not others
    told = (binding_replies.TENANT_APPROVED_NOT_CURRENT.format(room=home.room_key, current=others[0].room) if others
            else binding_replies.TENANT_APPROVED.format(room=home.room_key))
    await outbox.enqueue(session, key=f"binding:{request.id}:approved", recipient=request.openid, kind="binding",
                         text=told, quiet_hours=settings.quiet_hours)
    return binding_replies.CONSENT_GIVEN.format(name=tenant.name, room=home.room_key)


async def for_owner(session: AsyncSession, openid: str, text: str, home: Home, settings: Settings) -> str:
    """A consent request as one owner reads it: the room with its estate when their homes are in several."""
    homes = await bound_homes(session, openid)
    bound = next((each for each in homes if each.home.id == home.id), None)
    label = home_label(bound, homes, settings) if bound is not None else home.room_key
    return text.replace(home.room_key, label, 1) if label != home.room_key else text


def permit_window(gate_pass: GatePass, settings: Settings) -> str:
    return Window(gate_pass.valid_from, gate_pass.valid_until).describe(settings.tz)


async def tell_gate(session: AsyncSession, notifier: Notifier, gate_pass: GatePass, home: Home,
                    settings: Settings) -> None:
    """The guards' group hears of a permit that became active (when a robot is configured for them)."""
    await notifier.to_group(session, GATE_TEAM, release_replies.GATE_NOTICE.format(
        number=gate_pass.number, room=home.room_key, window=permit_window(gate_pass, settings),
        items=gate_pass.items, plate=gate_pass.plate or release_replies.NO_PLATE), key=f"gate:{gate_pass.number}",
        estate=await estate_of_home(session, home.id))  # that estate's guards


async def decide_release(session: AsyncSession, settings: Settings, desk: TicketDesk, notifier: Notifier,
                         gate_pass: GatePass, agreed: bool, openid: str, now: datetime) -> str:
    """The owner's answer to a tenant's release permit: active (the gate told) or rejected."""
    number = gate_pass.number
    if gate_pass.status != "pending_owner":
        status = STATUS_NAMES[passes.effective_status(gate_pass, now)]
        return release_replies.ALREADY_DECIDED.format(number=number, status=status)
    window = permit_window(gate_pass, settings)
    if now > gate_pass.valid_until:
        return release_replies.DAY_PASSED.format(number=number, window=window)
    ticket = await desk.load(session, number, for_update=True)
    home = await session.get(Home, gate_pass.home_id)
    settings = settings.for_estate(await estate_of_home(session, gate_pass.home_id))  # the home's hotline
    by = f"owner:{openid}"
    if agreed:
        gate_pass.status = PassStatus.ACTIVE
        if ticket is not None:
            await desk.apply(session, ticket, "note", now, by=by, note="业主同意放行")
            told = release_replies.TENANT_APPROVED.format(number=number, code=gate_pass.code, window=window,
                                                         items=gate_pass.items)
            await notifier.to_owners(session, ticket, told, key=f"release-approved:{number}")
        if home is not None:
            await tell_gate(session, notifier, gate_pass, home, settings)
        return release_replies.OWNER_APPROVED.format(number=number)
    gate_pass.status = PassStatus.REJECTED
    await passes.cancel_ticket_of(session, gate_pass, now, by=by, desk=desk, note="业主不同意放行")
    if ticket is not None:
        await notifier.to_owners(session, ticket, release_replies.TENANT_REJECTED.format(
            number=number, items=gate_pass.items, hotline=settings.estate.hotline), key=f"release-rejected:{number}")
    return release_replies.OWNER_REJECTED.format(number=number)
