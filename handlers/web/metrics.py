"""``GET /metrics``: Prometheus's text format, behind the admin bearer token (bot/app.py).

The counters are this instance's (``bot/metrics.py``); the outbox and SLA figures are read from
the database at each scrape (``handlers/domain/operations.py``). The names: docs/operations.md.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.metrics import CONTENT_TYPE, Metrics
from handlers.domain.operations import outbox_states, sla_breaches
from handlers.domain.sla import MET_BY_ACTION

DEADLINES = MET_BY_ACTION["complete"]  # every deadline's name, reported even at zero for alerts to watch


def metrics_routes(sessions_key: Any, clock_key: Any, metrics_key: Any) -> web.RouteTableDef:
    routes = web.RouteTableDef()

    @routes.get("/metrics")
    async def metrics(request: web.Request) -> web.Response:
        app = request.app
        figures: Metrics = app[metrics_key]
        now = app[clock_key].now()
        try:
            async with app[sessions_key]() as session:
                states = await outbox_states(session, now)
                breaches = await sla_breaches(session, now)
        except Exception:  # the database is down: the process's own counters still answer
            figures.outbox.clear()
            figures.sla_breaches.clear()
        else:
            for state, count in states.items():
                figures.outbox.labels(state).set(count)
            figures.sla_breaches.clear()
            for name in (*DEADLINES, *breaches):
                figures.sla_breaches.labels(name).set(breaches.get(name, 0))
        body = figures.render()
        content_type, _, charset = CONTENT_TYPE.partition("; charset=")
        return web.Response(body=body, content_type=content_type, charset=charset or "utf-8")

    return routes
