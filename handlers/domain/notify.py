"""Notifications about tickets, all through the outbox.

Staff get a customer-service message inside WeChat's 48-hour window and a template message
outside it (when one is configured); WeCom group robots get markdown with owners' phones masked.
Owners hear about their tickets: the reporter and every extra reporter of a merged ticket.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.outbox.queue import CUSTOMER_SERVICE, TEMPLATE, WECOM_ROBOT, Outbox, template_payload
from bot.privacy import mask_phones
from bot.settings import Settings
from models import Staff, Ticket, TicketReporter, WechatAccount

CUSTOMER_SERVICE_WINDOW = timedelta(hours=48)


class Notifier:
    def __init__(self, outbox: Outbox, settings: Settings, clock: Clock) -> None:
        self._outbox = outbox
        self._settings = settings
        self._clock = clock

    async def to_staff(
        self, session: AsyncSession, staff: Staff, text: str, *, key: str, kind: str = "staff_alert",
        ticket: Ticket | None = None,
    ) -> bool:
        """A staff alert goes at once, quiet hours or not; False when the person has no openid."""
        if not staff.openid:
            return False
        template_id = self._settings.notifications.templates.get(kind)
        inside_window = True
        if template_id is not None:  # only then does the 48-hour window decide anything
            last_seen = await session.scalar(
                select(WechatAccount.last_inbound_at).where(WechatAccount.openid == staff.openid))
            inside_window = last_seen is not None and self._clock.now() - last_seen < CUSTOMER_SERVICE_WINDOW
        if inside_window or template_id is None:
            await self._outbox.enqueue(session, key=key, recipient=staff.openid, text=text, kind=kind, urgent=True)
        else:
            await self._outbox.enqueue(session, key=key, recipient=staff.openid, channel=TEMPLATE, kind=kind,
                                       urgent=True, payload=template_payload(template_id, text))
        return True

    async def to_group(self, session: AsyncSession, team: str, markdown: str, *, key: str,
                       estate: str | None = None) -> bool:
        """A WeCom group robot, if the estate (its own or the company's) has one for the team or building."""
        recipient = self._settings.wecom_robot_recipient(estate, team)
        if recipient is None:
            return False
        await self._outbox.enqueue(session, key=key, recipient=recipient, channel=WECOM_ROBOT, kind="group",
                                   urgent=True, payload={"markdown": mask_phones(markdown)})
        return True

    async def to_owners(
        self, session: AsyncSession, ticket: Ticket, text: str, *, key: str, urgent: bool = False,
        due_at: datetime | None = None,
    ) -> int:
        """Everyone who reported the ticket; returns how many were told."""
        recipients = [ticket.openid] if ticket.openid else []
        recipients += list(await session.scalars(
            select(TicketReporter.openid).where(TicketReporter.ticket_id == ticket.id)))
        quiet = self._settings.for_estate(ticket.estate).quiet_hours  # the ticket's estate's quiet hours
        for openid in dict.fromkeys(recipients):
            await self._outbox.enqueue(session, key=f"{key}:{openid}", recipient=openid, text=text,
                                       kind="ticket_update", urgent=urgent, due_at=due_at, channel=CUSTOMER_SERVICE,
                                       quiet_hours=quiet)
        return len(set(recipients))
