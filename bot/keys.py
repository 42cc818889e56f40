"""Typed keys of the aiohttp application (instead of string keys)."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.dialogue.conversation import ConversationStore
from bot.gateway.inbox import Inbox
from bot.gateway.webhook import Webhook
from bot.health import DatabaseProbe
from bot.metrics import Metrics
from bot.outbox.queue import Outbox
from bot.outbox.sender import OutboxSender
from bot.schedule.runner import JobRunner
from bot.settings import Settings
from bot.wechat_api import WeChatAPI
from handlers.domain.services import Services

SETTINGS = web.AppKey("settings", Settings)
CLOCK = web.AppKey("clock", Clock)
ENGINE = web.AppKey("engine", AsyncEngine)
HEALTH = web.AppKey("health", DatabaseProbe)
SESSIONS = web.AppKey("sessions", async_sessionmaker[AsyncSession])
HTTP = web.AppKey("http", aiohttp.ClientSession)
WECHAT_API = web.AppKey("wechat_api", WeChatAPI)
OUTBOX = web.AppKey("outbox", Outbox)
SENDER = web.AppKey("sender", OutboxSender)
INBOX = web.AppKey("inbox", Inbox)
WEBHOOK = web.AppKey("webhook", Webhook)
SENDER_WAKE = web.AppKey("sender_wake", asyncio.Event)
JOBS = web.AppKey("jobs", JobRunner)
METRICS = web.AppKey("metrics", Metrics)  # this instance's counters (GET /metrics)
SERVICES = web.AppKey("services", Services)  # the business services handlers receive by name

CONVERSATIONS = web.AppKey("conversations", ConversationStore)  # the one store of owners' dialogue state
