"""SQLAlchemy models of wuyebot and the queries that belong to them; no HTTP, no WeChat."""

from models.account import HomeBinding, WechatAccount
from models.base import Base
from models.bill import Bill, FeeReminder
from models.console import AppSecret, AuditEntry, ConsoleInvite, EndedSession, FaqAnswer, Handoff, HandoffMessage
from models.estate import Building, Estate, Home, Resident
from models.gate import GatePass
from models.messaging import (
    AccessToken,
    ConversationState,
    DeferredMessage,
    HealthCheck,
    JobRun,
    OutboxMessage,
    ProcessedMessage,
    WebhookNonce,
)
from models.notice import Notice, NoticeRecipient
from models.staff import Staff, StaffBindingCode, StaffEstate
from models.ticket import DailySequence, Ticket, TicketDeadline, TicketEvent, TicketOffer, TicketReporter
from models.visit import BindingAttempt, ReturnVisit

__all__ = [
    "AccessToken",
    "AppSecret",
    "AuditEntry",
    "Base",
    "Bill",
    "BindingAttempt",
    "Building",
    "ConsoleInvite",
    "ConversationState",
    "DailySequence",
    "DeferredMessage",
    "EndedSession",
    "Estate",
    "FaqAnswer",
    "FeeReminder",
    "GatePass",
    "Handoff",
    "HandoffMessage",
    "HealthCheck",
    "Home",
    "HomeBinding",
    "JobRun",
    "Notice",
    "NoticeRecipient",
    "OutboxMessage",
    "ProcessedMessage",
    "Resident",
    "ReturnVisit",
    "Staff",
    "StaffBindingCode",
    "StaffEstate",
    "Ticket",
    "TicketDeadline",
    "TicketEvent",
    "TicketOffer",
    "TicketReporter",
    "WebhookNonce",
    "WechatAccount",
]
