"""Staff sign-in to the console: passwords (argon2), one-time invites, lockout, and the audit trail.

- A password is set only through a one-time invite link (``wuyebot staff invite PHONE``, or an
  admin in the console's 设置 page); the link's token is random, kept only as its SHA-256, works
  once and expires (``console.invite_hours``). A new invite voids the earlier unused ones.
- Sign-in is the staff member's phone and password. ``console.max_failed_signins`` wrong
  passwords in a row lock the account for ``console.lockout_minutes``; a locked account is refused
  even with the right password, so guessing gains nothing. An unknown phone costs the same hash
  as a known one and gets the same answer, lockout included (its failures are counted from the
  audit trail), so phones cannot be probed.
- A password is 8-128 characters, not blank, not digits only, not one or two characters
  repeated, and does not contain the person's phone.
- Setting a password ends every other session of that person (``password_changed_at``).
- The audit trail records sign-ins, failures, lockouts, invites, full phone numbers shown, FAQ
  edits and retried pushes, with who, when and from which address.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import ConsoleSettings, Settings
from models import AuditEntry, ConsoleInvite, Staff

PASSWORD_MIN = 8
PASSWORD_MAX = 128
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


class PasswordRefused(Exception):
    """The new password breaks a rule; the message says which, in Chinese."""


@dataclass(frozen=True)
class SignIn:
    staff: Staff | None  # set when the sign-in succeeded
    locked_until: datetime | None = None  # set when the account is locked


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


async def create_invite(session: AsyncSession, staff: Staff, now: datetime, settings: ConsoleSettings,
                        by: str) -> str:
    """A fresh one-time token for ``staff`` (earlier unused invites stop working)."""
    await session.execute(update(ConsoleInvite).where(ConsoleInvite.staff_id == staff.id,
                                                      ConsoleInvite.used_at.is_(None)).values(used_at=now))
    token = secrets.token_urlsafe(24)
    session.add(ConsoleInvite(staff_id=staff.id, token_hash=token_hash(token), created_by=by, created_at=now,
                              expires_at=now + timedelta(hours=settings.invite_hours)))
    return token


async def open_invite(session: AsyncSession, token: str, now: datetime) -> tuple[ConsoleInvite, Staff] | None:
    """The invite and its staff member while the token is unused and unexpired; None otherwise."""
    if not token or len(token) > 100:
        return None
    invite = await session.scalar(select(ConsoleInvite).where(ConsoleInvite.token_hash == token_hash(token)))
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        return None
    staff = await session.get(Staff, invite.staff_id)
    return (invite, staff) if staff is not None else None


def check_new_password(staff: Staff, password: str, repeated: str) -> None:
    if password != repeated:
        raise PasswordRefused("两次输入的密码不一致")
    if len(password) < PASSWORD_MIN or len(password) > PASSWORD_MAX:
        raise PasswordRefused(f"密码长度需要 {PASSWORD_MIN}-{PASSWORD_MAX} 个字符")
    if not password.strip():
        raise PasswordRefused("密码不能全是空格")
    if len(set(password.lower())) <= 2:
        raise PasswordRefused("密码太简单：不能只由一两个字符重复组成")
    if password.isdigit() or staff.phone in password:
        raise PasswordRefused("密码不能是纯数字，也不能包含手机号")


async def set_password(session: AsyncSession, invite: ConsoleInvite, staff: Staff, password: str,
                       now: datetime) -> None:
    """Use the invite; the password must already have passed ``check_new_password``."""
    invite.used_at = now
    staff.password_hash = _HASHER.hash(password)
    staff.password_changed_at = now
    staff.failed_signins = 0
    staff.locked_until = None


async def sign_in(session: AsyncSession, phone: str, password: str, now: datetime,
                  settings: ConsoleSettings, address: str = "") -> SignIn:
    """Check a phone and password, count a failure towards the lockout, and record the attempt."""
    phone = phone.strip()[:20]
    await _one_attempt_at_a_time(session, phone)
    staff = await session.scalar(select(Staff).where(Staff.phone == phone)) if phone else None
    if staff is None or staff.password_hash is None:
        _verify(_DUMMY_HASH, password)
        result = await _unknown_phone(session, phone, now, settings)
    elif staff.locked_until is not None and staff.locked_until > now:
        _verify(_DUMMY_HASH, password)
        result = SignIn(None, staff.locked_until)
    elif not _verify(staff.password_hash, password):
        staff.failed_signins += 1
        result = SignIn(None)
        if staff.failed_signins >= settings.max_failed_signins:
            staff.failed_signins = 0
            staff.locked_until = now + timedelta(minutes=settings.lockout_minutes)
            result = SignIn(None, staff.locked_until)
    else:
        staff.failed_signins, staff.locked_until = 0, None
        if _HASHER.check_needs_rehash(staff.password_hash):
            staff.password_hash = _HASHER.hash(password)
        await audit(session, staff, "signin", now, address=address)
        return SignIn(staff)
    locked = result.locked_until
    await audit(session, staff, "signin_locked" if locked else "signin_failed", now, target=phone,
                detail=locked.isoformat() if locked else "", address=address, actor=staff.name if staff else "?")
    return result


async def _one_attempt_at_a_time(session: AsyncSession, phone: str) -> None:
    """Attempts on one phone are counted one after another: on PostgreSQL, parallel guesses from
    several connections (or instances) would each read the count before any wrote it, and all pass
    the limit. A transaction-scoped advisory lock on the phone serialises them (released at commit);
    the embedded SQLite has one writer at a time already."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"signin:{phone}"))))


async def _unknown_phone(session: AsyncSession, phone: str, now: datetime, settings: ConsoleSettings) -> SignIn:
    """The answer a staff phone would get after the same failures, so the lockout betrays nothing.

    The failures are the audit trail's: those since the phone's last lockout count towards the
    next, as ``staff.failed_signins`` does for a real account.
    """
    if not phone:
        return SignIn(None)
    last_lock = (await session.execute(
        select(AuditEntry.at, AuditEntry.detail).where(AuditEntry.target == phone, AuditEntry.action == "signin_locked")
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1))).first()
    until = _moment(last_lock.detail) if last_lock is not None else None
    if until is not None and until > now:
        return SignIn(None, until)
    failures = select(func.count()).select_from(AuditEntry).where(AuditEntry.target == phone,
                                                                 AuditEntry.action == "signin_failed")
    if last_lock is not None:
        failures = failures.where(AuditEntry.at >= last_lock.at)
    if (await session.scalar(failures) or 0) + 1 >= settings.max_failed_signins:
        return SignIn(None, now + timedelta(minutes=settings.lockout_minutes))
    return SignIn(None)


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password[:PASSWORD_MAX])
    except (VerificationError, InvalidHashError):
        return False


async def audit(session: AsyncSession, staff: Staff | None, action: str, now: datetime, *, target: str = "",
                detail: str = "", address: str = "", actor: str | None = None) -> None:
    session.add(AuditEntry(at=now, staff_id=staff.id if staff else None,
                           actor=actor or (staff.name if staff else "?"), action=action,
                           target=target[:120], detail=detail, address=address[:64]))


async def invite_command(settings: Settings, phone: str, now: datetime, *,
                         only_without_password: bool = False) -> tuple[str, str, datetime] | None:
    """``wuyebot staff invite PHONE``: (name, token, expiry), or None when no staff member has that phone
    (or, with ``only_without_password``, when they have set a password already)."""
    from bot.storage.db import create_engine, session_factory

    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine).begin() as session:
            staff = await session.scalar(select(Staff).where(Staff.phone == phone.strip()))
            if staff is None or (only_without_password and staff.password_hash is not None):
                return None
            token = await create_invite(session, staff, now, settings.console, by="command line")
            await audit(session, None, "invite", now, target=staff.name, actor="command line")
            return staff.name, token, now + timedelta(hours=settings.console.invite_hours)
    finally:
        await engine.dispose()
