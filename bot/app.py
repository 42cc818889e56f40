"""The aiohttp application factory (after aiohttp-demos/polls): typed keys, resources in cleanup_ctx."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp import web

from bot.clock import Clock, SystemClock
from bot.dialogue.engine import DialogueEngine, declare_engine_intents
from bot.dialogue.router import Dispatcher, WiringError
from bot.gateway.inbox import Inbox
from bot.gateway.replay import DatabaseReplayGuard, MemoryReplayGuard, ReplayGuard
from bot.gateway.webhook import Webhook
from bot.health import DatabaseProbe
from bot.keys import (
    CLOCK,
    CONVERSATIONS,
    ENGINE,
    HEALTH,
    HTTP,
    INBOX,
    JOBS,
    METRICS,
    OUTBOX,
    SENDER,
    SENDER_WAKE,
    SERVICES,
    SESSIONS,
    SETTINGS,
    WEBHOOK,
    WECHAT_API,
)
from bot.metrics import Metrics
from bot.middlewares import bearer_auth, bearer_ok, refuse_nul, request_ids
from bot.outbox import sandbox
from bot.outbox.courier import Courier
from bot.outbox.queue import Outbox
from bot.outbox.sender import OutboxSender
from bot.schedule.runner import JobRunner
from bot.settings import Settings
from bot.storage.db import create_engine, is_sqlite, session_factory
from bot.wechat_api import WeChatAPI

log = logging.getLogger(__name__)

SENDER_IDLE_SECONDS = 1.0


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    dispatcher_factory: Callable[[], Dispatcher] | None = None,
    run_sender: bool = True,
    run_scheduler: bool | None = None,
) -> web.Application:
    """Build the service. ``run_sender``/``run_scheduler`` off leave pushes and jobs to the test driving them."""
    import handlers

    app = web.Application(client_max_size=settings.webhook.max_body_bytes,
                          middlewares=[request_ids, refuse_nul, bearer_auth])
    app[SETTINGS] = settings
    app[CLOCK] = clock or SystemClock()
    app[METRICS] = Metrics()
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_http_and_wechat)
    app.cleanup_ctx.append(_inbox(dispatcher_factory or _default_dispatcher))
    if run_sender:
        app.cleanup_ctx.append(_sender_loop)
    if run_sender if run_scheduler is None else run_scheduler:
        app.cleanup_ctx.append(_scheduler)
    app.router.add_routes(handlers.api_routes(SESSIONS, SETTINGS, CLOCK, SERVICES))
    app.router.add_routes(handlers.gate_routes(SESSIONS, SETTINGS, CLOCK))
    app.router.add_routes(handlers.metrics_routes(SESSIONS, CLOCK, METRICS))
    app.add_subapp("/console", handlers.console_app(
        handlers.ConsoleKeys(SESSIONS, SETTINGS, CLOCK, SERVICES, OUTBOX, CONVERSATIONS),
        secure_cookie=settings.console.secure_cookie))
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/wechat", _webhook_verify)
    app.router.add_post("/wechat", _webhook_receive)
    if settings.wechat.sandbox:
        app.router.add_get("/sandbox/outbox", _sandbox_outbox)
    return app


def _default_dispatcher() -> Dispatcher:
    """The product's flows on the real NLU, checked against the NLU's labels (a start-up error if wrong)."""
    from bot.nlu import understand
    from bot.nlu.labels import INTENTS
    from handlers import build_dispatcher

    dispatcher = build_dispatcher(understand)
    declare_engine_intents(dispatcher)
    problems = dispatcher.check(INTENTS)
    if problems:
        raise WiringError("; ".join(problems))
    return dispatcher


async def _database(app: web.Application) -> AsyncIterator[None]:
    engine = create_engine(app[SETTINGS].database_url)
    app[ENGINE] = engine
    app[SESSIONS] = session_factory(engine)
    app[HEALTH] = DatabaseProbe(app[SESSIONS], app[CLOCK])
    yield
    await engine.dispose()


async def _http_and_wechat(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    async with aiohttp.ClientSession() as http:
        app[HTTP] = http
        if not settings.wechat.sandbox:
            app[WECHAT_API] = WeChatAPI(http, settings.wechat, app[SESSIONS], app[CLOCK])
        wake = asyncio.Event()
        app[OUTBOX] = Outbox(app[CLOCK], settings.quiet_hours, settings.tz, on_enqueue=wake.set)
        courier = Courier(app[SESSIONS], app.get(WECHAT_API), http, settings.wecom_robot_urls())
        app[SENDER] = OutboxSender(app[SESSIONS], app[CLOCK], courier, settings.notifications.outbox,
                                   templates=settings.notifications.templates, metrics=app[METRICS])
        app[SENDER_WAKE] = wake
        yield


def _inbox(dispatcher_factory: Callable[[], Dispatcher]) -> Callable[[web.Application], AsyncIterator[None]]:
    async def context(app: web.Application) -> AsyncIterator[None]:
        settings = app[SETTINGS]
        from bot.nlu import configure_estates
        from handlers import (
            build_services,
            load_faq_edits,
            scheduled_jobs,
            sender_scope,
            startup_warnings,
            sync_estates,
        )

        async with app[SESSIONS].begin() as session:
            await sync_estates(session, settings)  # config.yaml's estates have their rows
            await load_faq_edits(session, settings)  # FAQ answers edited in the console
        configure_estates({estate.code: estate.names for estate in settings.estate_list})  # the NLU's estate slot
        app[SERVICES] = build_services(settings, app[CLOCK], app[OUTBOX])
        for warning in startup_warnings(settings, app[CLOCK].now().astimezone(settings.tz).date()):
            log.warning("%s", warning)
        app[JOBS] = JobRunner(app[SESSIONS], settings.tz, scheduled_jobs(app[SERVICES], app[OUTBOX], settings),
                              catch_up=timedelta(days=settings.schedule.catch_up_days))
        resources: dict[str, Any] = {"settings": settings, "clock": app[CLOCK], "outbox": app[OUTBOX],
                                     **app[SERVICES].as_resources()}
        dispatcher = dispatcher_factory()
        # On a machine's very first start the NLU trains its model (about 2 s); the service answers
        # /healthz meanwhile, and messages wait for it (see Inbox: ``understanding_ready``).
        warm_up = asyncio.ensure_future(asyncio.to_thread(_warm_up, dispatcher))
        warm_up.add_done_callback(_report_warm_up)
        engine = DialogueEngine(dispatcher, settings, scope=sender_scope)
        resources["conversations"] = app[CONVERSATIONS] = engine.conversations
        app[INBOX] = inbox = Inbox(
            app[SESSIONS], engine, app[OUTBOX], app[CLOCK],
            deadline_seconds=settings.webhook.reply_deadline_seconds,
            passive_max_bytes=settings.webhook.passive_reply_max_bytes,
            resources=resources,
            # One process writes every conversation only on the embedded SQLite (see bot.quick).
            # Its answers know one estate's settings: with several, every message takes the full path.
            quick_replies=is_sqlite(settings.database_url) and settings.webhook.quick_replies
            and not settings.multi_estate,
            single_writer=is_sqlite(settings.database_url),
            understanding_ready=warm_up,
            metrics=app[METRICS],
        )
        app[SENDER].on_account_marked = inbox.forget_account
        app[WEBHOOK] = Webhook(settings.wechat, inbox, settings.webhook, _replay_guard(app))
        await inbox.start()
        refresher = None if is_sqlite(settings.database_url) else asyncio.create_task(_refresh_faq_edits(app))
        yield
        if refresher is not None:
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresher
        await inbox.close()
        with contextlib.suppress(Exception):
            await warm_up  # a thread cannot be cancelled: let it finish before the loop closes

    return context


async def _refresh_faq_edits(app: web.Application) -> None:
    """Another instance may save an FAQ edit in the console: re-read them when the table changed."""
    from handlers import FAQ_REFRESH_SECONDS, faq_edits_fingerprint, load_faq_edits

    seen = None
    while True:
        try:
            async with app[SESSIONS]() as session:
                mark = await faq_edits_fingerprint(session)
                if mark != seen:
                    await load_faq_edits(session, app[SETTINGS])
                seen = mark
        except Exception:
            log.exception("re-reading the FAQ edits failed; trying again shortly")
        await asyncio.sleep(FAQ_REFRESH_SECONDS)


def _replay_guard(app: web.Application) -> ReplayGuard:
    """Nonces in memory where one process serves the webhook (SQLite), in the database otherwise."""
    settings = app[SETTINGS]
    window = timedelta(seconds=settings.webhook.replay_window_seconds)
    if is_sqlite(settings.database_url):
        return MemoryReplayGuard(window)
    return DatabaseReplayGuard(app[SESSIONS], window)


def _report_warm_up(warm_up: asyncio.Future[None]) -> None:
    if not warm_up.cancelled() and warm_up.exception() is not None:
        log.error("the NLU could not load: %s", warm_up.exception())


def _warm_up(dispatcher: Dispatcher) -> None:
    """Load the NLU's model before the first message, so it never eats into WeChat's 5 s."""
    from datetime import UTC, datetime

    dispatcher.understander("你好", datetime.now(UTC))


async def _sender_loop(app: web.Application) -> AsyncIterator[None]:
    """Sends pushes as they are enqueued (woken at once) and otherwise every second."""
    wake = app[SENDER_WAKE]

    async def loop() -> None:
        while True:
            try:
                await app[SENDER].run_once()
            except Exception:
                log.exception("outbox sender run failed; trying again shortly")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), SENDER_IDLE_SECONDS)
            wake.clear()

    task = asyncio.create_task(loop())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _scheduler(app: web.Application) -> AsyncIterator[None]:
    """Periodic jobs on APScheduler; each reads its work from the database (bot.jobs)."""
    from bot.schedule.ticker import start_scheduler

    scheduler = start_scheduler(app[SETTINGS], app[JOBS], app[CLOCK], app[SENDER_WAKE].set)
    yield
    scheduler.shutdown(wait=False)


async def healthz(request: web.Request) -> web.Response:
    if INBOX in request.app and request.app[INBOX].understanding_error is not None:
        return web.json_response({"status": "error", "reason": "the NLU could not load (see the log)"}, status=503)
    verdict = await request.app[HEALTH].check()
    if not verdict.ok:
        return web.json_response({"status": "error", "reason": verdict.reason}, status=503)
    return web.json_response({"status": "ok"})


async def _sandbox_outbox(request: web.Request) -> web.Response:
    """Pushes shown to `wuyebot chat`: only to this machine, or with the admin token (docs/security.md)."""
    if not (sandbox.from_this_machine(request) or bearer_ok(request)):
        return web.json_response({"error": "the sandbox outbox answers only on this machine or with the admin token"},
                                 status=403)
    return await sandbox.list_pushes(request, request.app[SESSIONS])


async def _webhook_verify(request: web.Request) -> web.Response:
    return await request.app[WEBHOOK].verify(request)


async def _webhook_receive(request: web.Request) -> web.Response:
    return await request.app[WEBHOOK].receive(request)
