"""Sign-in, sessions and CSRF for the console (rules: handlers/domain/staff_access.py, docs/console.md).

- Sessions are encrypted cookies (aiohttp-session, Fernet). The key is made once and kept in the
  database (``app_secrets``), so every instance reads the same cookies and nothing needs
  configuring; deleting the row signs everyone out.
- The cookie is HttpOnly, SameSite=Strict, limited to ``/console`` and Secure when
  ``console.secure_cookie`` is on. A session holds the staff id, when their password last changed
  (a new password ends older sessions), when it was last used (``console.idle_minutes`` of idleness
  end it, on the service's clock), when it began (it lives at most ``SESSION_LIFETIME``), a random
  session id and a CSRF token. Signing out records the session id (``console_ended_sessions``), so a
  copy of the cookie taken before sign-out opens nothing either.
- Every POST must carry the session's CSRF token (a form field or the ``X-CSRF-Token`` header);
  without it the request is refused with 403 and changes nothing.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiohttp import web
from aiohttp_session import AbstractStorage, Session, get_session, new_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.domain import staff_access
from handlers.replies import console as words
from handlers.web.console.context import SERVED, STAFF, STAFF_ID, Console, Keys, load_served
from handlers.web.console.render import CSRF, flash, page, problem, redirect
from models import AppSecret, EndedSession, Staff

COOKIE = "wuyebot_console"
KEY_NAME = "console_cookie_key"
PUBLIC = ("/console/signin", "/console/invite/", "/console/static/")
SEEN, SINCE, STAMP, SID = "seen", "since", "pw", "sid"
# The longest a session lives, however busy: a clerk signs in each shift. It also bounds how long an
# ended session must be remembered.
SESSION_LIFETIME = timedelta(hours=12)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class LazyCookieStorage(AbstractStorage):
    """An encrypted cookie storage whose key is read from the database on the first request."""

    def __init__(self, keys: Keys, secure: bool) -> None:
        super().__init__(cookie_name=COOKIE, path="/console", httponly=True, samesite="Strict", secure=secure)
        self._keys = keys
        self._secure = secure
        self._inner: EncryptedCookieStorage | None = None
        self._lock = asyncio.Lock()

    async def _storage(self, request: web.Request) -> EncryptedCookieStorage:
        async with self._lock:
            if self._inner is None:
                async with request.config_dict[self._keys.sessions].begin() as session:
                    key = await cookie_key(session)
                self._inner = EncryptedCookieStorage(Fernet(key.encode()), cookie_name=COOKIE, path="/console",
                                                     httponly=True, samesite="Strict", secure=self._secure)
        return self._inner

    async def load_session(self, request: web.Request) -> Session:
        return await (await self._storage(request)).load_session(request)

    async def save_session(self, request: web.Request, response: web.StreamResponse, session: Session) -> None:
        await (await self._storage(request)).save_session(request, response, session)


async def cookie_key(session: AsyncSession) -> str:
    """The shared Fernet key: made by whichever instance needs it first, read by every other."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(insert(AppSecret).values(name=KEY_NAME, value=Fernet.generate_key().decode())
                          .on_conflict_do_nothing(index_elements=["name"]))
    value = await session.scalar(select(AppSecret.value).where(AppSecret.name == KEY_NAME))
    assert value is not None
    return value


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A readable form on every POST, then CSRF; a live session on every page but sign-in, invites and
    static files; an unknown address is a plain 404 page."""
    session = await get_session(request)
    if CSRF not in session:
        session[CSRF] = secrets.token_urlsafe(24)
    if request.method == "POST":
        refused = await _unreadable_form(request)
        if refused is not None:
            return refused
        if not await _csrf_ok(request, session):
            return await problem(request, 403, words.CSRF)
    if request.path.startswith(PUBLIC) or request.path == "/console/signin":
        return await _plainly(request, handler)
    console = Console(request)
    staff_id = session.get(STAFF_ID)
    if not isinstance(staff_id, int):
        return _to_signin(request)
    now = console.now()
    seen, since = _moment(session.get(SEEN)), _moment(session.get(SINCE))
    if (seen is None or since is None or now - seen > timedelta(minutes=console.settings.console.idle_minutes)
            or now - since > SESSION_LIFETIME):
        session.invalidate()
        await flash(request, words.IDLE, "warn")
        return _to_signin(request)
    async with console.sessions() as db:
        staff = await signed_in_staff(db, session)
        if staff is None:
            session.invalidate()
            return _to_signin(request)
        request[SERVED] = await load_served(db, staff, console.settings)
    request[STAFF] = staff
    if request.path != "/console/inbox/events":  # the live feed is not the person using the page
        session[SEEN] = now.isoformat()
    return await _plainly(request, handler)


async def signed_in_staff(db: AsyncSession, session: Session) -> Staff | None:
    """The session's staff member while it stands: not signed out, the password unchanged since."""
    staff_id = session.get(STAFF_ID)
    if not isinstance(staff_id, int):
        return None
    staff = await db.get(Staff, staff_id, populate_existing=True)
    if staff is None or staff.password_hash is None or session.get(STAMP) != _stamp(staff):
        return None
    if await db.get(EndedSession, str(session.get(SID, ""))[:48]) is not None:
        return None
    return staff


async def _unreadable_form(request: web.Request) -> web.StreamResponse | None:
    """Read the form once for every POST (handlers get the cached copy); a body too big or not UTF-8
    gets a plain refusal here, whether the CSRF token came in the form or in a header."""
    try:
        await request.post()
    except web.HTTPRequestEntityTooLarge:
        return await problem(request, 413, words.FORM_TOO_LARGE)
    except (ValueError, UnicodeDecodeError):
        return await problem(request, 400, words.FORM_UNREADABLE)
    return None


async def _plainly(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The page, or a plain Chinese 404/405 where aiohttp would answer in English."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return await problem(request, 404, words.NO_PAGE)
    except web.HTTPMethodNotAllowed:
        return await problem(request, 405, words.NO_PAGE)


async def _csrf_ok(request: web.Request, session: Session) -> bool:
    expected = session.get(CSRF)
    if not expected:
        return False
    given = request.headers.get("X-CSRF-Token")
    if given is None:
        try:
            form = await request.post()
        except (ValueError, web.HTTPException):
            return False
        value = form.get(CSRF)
        given = value if isinstance(value, str) else None
    return given is not None and hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode())


def _to_signin(request: web.Request) -> web.StreamResponse:
    if request.path == "/console/inbox/events" or request.headers.get("X-Requested-With") == "fetch":
        return web.json_response({"error": "signed out"}, status=401)
    target = request.path_qs if request.method == "GET" else "/console/"
    raise redirect(f"/console/signin?next={_quote(target)}")


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="")


def _safe_next(value: str | None) -> str:
    """Only a path inside the console: never an open redirect."""
    if value and value.startswith("/console/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/console/"


def _moment(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _stamp(staff: Staff) -> str:
    return staff.password_changed_at.isoformat() if staff.password_changed_at else ""


routes = web.RouteTableDef()


@routes.get("/signin")
async def signin_form(request: web.Request) -> web.StreamResponse:
    return await page(request, "signin.html", next=_safe_next(request.query.get("next")), phone="")


@routes.post("/signin")
async def signin(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    form = await request.post()
    phone, password = str(form.get("phone", ""))[:20], str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "")))
    now = console.now()
    async with console.sessions() as db, db.begin():
        result = await staff_access.sign_in(db, phone, password, now, console.settings.console,
                                            address=console.address)
    if result.staff is None:
        if result.locked_until is not None:
            until = result.locked_until.astimezone(console.settings.tz).strftime("%H:%M")
            reason = words.LOCKED.format(until=until)
        else:
            reason = words.BAD_SIGNIN
        return await page(request, "signin.html", status=401 if result.locked_until is None else 429,
                          next=target, phone=phone, error=reason)
    staff = result.staff
    session = await new_session(request)  # a fresh session: nothing from before sign-in carries over
    session[STAFF_ID] = staff.id
    session[SID] = secrets.token_urlsafe(24)
    session[STAMP] = _stamp(staff)
    session[SINCE] = session[SEEN] = now.isoformat()
    session[CSRF] = secrets.token_urlsafe(24)
    raise redirect(target)


@routes.post("/signout")
async def signout(request: web.Request) -> web.StreamResponse:
    """End the session here and for every copy of its cookie (see EndedSession)."""
    session = await get_session(request)
    sid = session.get(SID)
    if isinstance(sid, str):
        console = Console(request)
        now = console.now()
        async with console.sessions() as db, db.begin():
            await db.execute(delete(EndedSession).where(EndedSession.ended_at < now - SESSION_LIFETIME))
            await db.merge(EndedSession(sid=sid[:48], ended_at=now))
    session.invalidate()
    raise redirect("/console/signin")


@routes.get("/invite/{token}")
async def invite_form(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    async with console.sessions() as db:
        found = await staff_access.open_invite(db, request.match_info["token"], console.now())
    if found is None:
        return await problem(request, 404, words.INVITE_GONE)
    return await page(request, "invite.html", name=found[1].name, token=request.match_info["token"])


@routes.post("/invite/{token}")
async def invite_set(request: web.Request) -> web.StreamResponse:
    console = Console(request)
    form = await request.post()
    password, repeated = str(form.get("password", "")), str(form.get("repeated", ""))
    now = console.now()
    async with console.sessions() as db, db.begin():
        found = await staff_access.open_invite(db, request.match_info["token"], now)
        if found is None:
            return await problem(request, 404, words.INVITE_GONE)
        invite, staff = found
        try:
            staff_access.check_new_password(staff, password, repeated)
        except staff_access.PasswordRefused as refused:
            return await page(request, "invite.html", status=400, name=staff.name,
                              token=request.match_info["token"], error=str(refused))
        await staff_access.set_password(db, invite, staff, password, now)
        await staff_access.audit(db, staff, "password_set", now, address=console.address)
    await flash(request, words.PASSWORD_SET)
    raise redirect("/console/signin")
