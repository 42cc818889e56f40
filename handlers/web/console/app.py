"""The console as a sub-application at ``/console``: templates, static files, sessions and pages.

Server-rendered (aiohttp-jinja2) with a little JavaScript for the live inbox; every asset ships in
the package (``templates/``, ``static/``), so it works on an intranet with no internet.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import session_middleware

from handlers.web.console import auth, board, inbox, manage, notices
from handlers.web.console.context import KEYS, Console, Keys
from handlers.web.console.render import redirect

HERE = Path(__file__).parent


def console_app(keys: Keys, secure_cookie: bool) -> web.Application:
    app = web.Application(middlewares=[session_middleware(auth.LazyCookieStorage(keys, secure_cookie)), auth.guard])
    app[KEYS] = keys
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    app.router.add_get("/", home)
    app.router.add_static("/static", HERE / "static", append_version=True)
    app.router.add_routes(auth.routes)
    app.router.add_routes(board.routes)
    app.router.add_routes(inbox.routes)
    app.router.add_routes(manage.routes)
    app.router.add_routes(notices.routes)
    inbox.close_feeds_at_shutdown(app)
    return app


async def home(request: web.Request) -> web.StreamResponse:
    """Front desk and engineers start at the board; supervisors at the dashboard."""
    raise redirect("/console/dashboard" if Console(request).supervising else "/console/board")
