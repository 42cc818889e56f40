"""Probes of the staff console by someone who means harm, and by a bad network.

Each test says what the console SHOULD do when attacked or fed rubbish: pages and POSTs without a
session, stolen and replayed cookies, open redirects, CSRF, invite links, lockout, another estate's
tickets and owners (刘主管 serves 兰亭苑 only), hostile owners' text, malformed requests, forms sent
twice and the live feed. Most probes speak HTTP with aiohttp (one cookie jar per person, redirects
shown, not followed); the XSS probe uses the browser, where a script would run.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

import aiohttp
import pytest
from sqlalchemy import select, update

from handlers.domain.kb import knowledge_base
from models import ConsoleInvite, FaqAnswer, Handoff, HomeBinding, OutboxMessage, Resident, Staff, Ticket, TicketEvent
from tests.console.conftest import PASSWORD, STAFF, ZHANG, ZHOU, ConsoleWorld, sign_in
from tests.console.probe_support import (
    INVITE_LINK,
    Browserless,
    audit_rows,
    count,
    handoff_of,
    invites_open,
    make_invite,
    outbox_to,
    password_is,
    plain_refusal,
    signed_out,
    thread_texts,
    ticket_row,
)

NEW_PASSWORD = "Lanting-2026-new"


@pytest.fixture
async def clients(console_world: ConsoleWorld) -> AsyncIterator[Callable[[], Browserless]]:
    made: list[Browserless] = []

    def make() -> Browserless:
        client = Browserless(console_world)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


async def _signed_in(clients: Callable[[], Browserless], staff: str) -> Browserless:
    client = clients()
    status, _body, headers = await client.sign_in(staff)
    assert status == 303, f"{staff} could not sign in"
    assert not headers["Location"].startswith("/console/signin")
    return client


async def _repair(world: ConsoleWorld, openid: str, words: str = "卫生间水管漏水了") -> Ticket:
    """An owner reports a leak through the webhook, answering the bot until a ticket number comes."""
    person = world.person(openid)
    reply = await person.says(words)
    for _ in range(4):
        if "工单号" in reply:
            break
        reply = await person.says("随时都可以" if "什么时间" in reply else "确认")
    async with world.sessions()() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.openid == openid).order_by(Ticket.id.desc()))
    assert ticket is not None, f"no ticket for {openid}: {reply}"
    return ticket


async def _handed_over(world: ConsoleWorld, openid: str) -> Handoff:
    assert "人工" in await world.person(openid).says("转人工")
    return await handoff_of(world, openid)


async def _two_estates(world: ConsoleWorld) -> dict[str, Any]:
    """阳光花园 (ZHANG) and 兰亭苑 (ZHOU), each with a repair ticket and an open handoff."""
    await world.chat.bind(ZHOU[0], "6-1-302", ZHOU[2])
    sunshine_ticket = await _repair(world, ZHANG[0])
    lanting_ticket = await _repair(world, ZHOU[0], "厨房水管漏水了")
    sunshine_handoff = await _handed_over(world, ZHANG[0])
    lanting_handoff = await _handed_over(world, ZHOU[0])
    assert sunshine_handoff.estate == "default" and lanting_handoff.estate == "lanting"
    assert sunshine_ticket.estate == "default" and lanting_ticket.estate == "lanting"
    return {"sunshine_ticket": sunshine_ticket, "lanting_ticket": lanting_ticket,
            "sunshine_handoff": sunshine_handoff, "lanting_handoff": lanting_handoff}


async def _until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition did not come true in time")


def _faq_entry() -> str:
    kb = knowledge_base()
    assert kb is not None and kb.entries
    return kb.entries[0].id


# ---------------------------------------------------------------------------------------------------
# Auth: no session, fixation, open redirect, sign-out, a new password
# ---------------------------------------------------------------------------------------------------


class TestWithoutASession:
    async def test_every_page_sends_a_stranger_to_sign_in_and_shows_no_data(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        ticket = await _repair(console_world, ZHANG[0])
        handoff = await _handed_over(console_world, ZHANG[0])
        stranger = clients()
        pages = ["/console/", "/console/board", "/console/board?status=open", f"/console/tickets/{ticket.number}",
                 "/console/inbox", f"/console/inbox?h={handoff.id}", "/console/inbox/list",
                 "/console/dashboard", "/console/outbox", "/console/outbox?view=sent", "/console/faq",
                 "/console/settings"]
        for path in pages:
            status, body, headers = await stranger.get(path)
            assert signed_out(status, headers), f"{path} answered {status} without a session"
            assert ticket.number not in body and "3-2-501" not in body and ZHANG[2] not in body, path
        status, body, _headers = await stranger.get("/console/inbox/events")
        assert status == 401
        status, _body, headers = await stranger.get("/console/inbox/list", headers={"X-Requested-With": "fetch"})
        assert status == 401

    async def test_every_post_without_a_signed_in_session_changes_nothing(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        ticket = await _repair(console_world, ZHANG[0])
        handoff = await _handed_over(console_world, ZHANG[0])
        pushes_before = len(await outbox_to(console_world, ZHANG[0]))
        sun_id = console_world.staff["sun"].id
        posts = {
            f"/console/tickets/{ticket.number}/act": {"action": "cancel", "note": "x"},
            f"/console/tickets/{ticket.number}/reveal": {},
            f"/console/inbox/{handoff.id}/reveal": {},
            f"/console/inbox/{handoff.id}/take": {"nonce": "1"},
            f"/console/inbox/{handoff.id}/reply": {"text": "不是员工发的", "nonce": "2"},
            f"/console/inbox/{handoff.id}/end": {"nonce": "3"},
            "/console/outbox/1/retry": {},
            "/console/faq": {"estate": "default", "entry": _faq_entry(), "answer": "被改了"},
            f"/console/staff/{sun_id}/invite": {},
            "/console/signout": {},
        }
        stranger = clients()  # a session with a valid CSRF token, but nobody signed in
        for path, fields in posts.items():
            status, body, headers = await stranger.form(path, fields)
            assert signed_out(status, headers), f"POST {path} answered {status} without a signed-in session"
            assert ZHANG[2] not in body
        cookieless = clients()  # no cookie at all
        for path, fields in posts.items():
            status, _body, headers = await cookieless.post(path, fields)
            assert status in (401, 403) or signed_out(status, headers), path
        assert (await ticket_row(console_world, ticket.number)).status == ticket.status
        assert len(await outbox_to(console_world, ZHANG[0])) == pushes_before
        after = await handoff_of(console_world, ZHANG[0])
        assert after.agent_id is None and after.ended_at is None
        assert await audit_rows(console_world, "reveal_phone") == []
        assert await audit_rows(console_world, "invite") == []
        assert await count(console_world, FaqAnswer) == 0


class TestSessions:
    async def test_a_cookie_from_before_sign_in_never_becomes_a_signed_in_session(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        victim = clients()
        await victim.csrf()
        planted = victim.cookie()  # what an attacker could have planted before the victim signed in
        assert planted is not None
        status, _body, _headers = await victim.sign_in("zhao")
        assert status == 303
        assert victim.cookie() != planted
        attacker = clients()
        attacker.set_cookie(planted)
        status, _body, headers = await attacker.get("/console/dashboard")
        assert signed_out(status, headers)

    async def test_signing_out_ends_the_session_even_for_a_copy_of_the_cookie(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        wang = await _signed_in(clients, "wang")
        stolen = wang.cookie()
        assert stolen is not None
        assert (await wang.get("/console/board"))[0] == 200
        status, _body, headers = await wang.form("/console/signout", {}, token_from="/console/board")
        assert status == 303 and headers["Location"] == "/console/signin"
        assert signed_out(*(await wang.get("/console/board"))[::2])
        replay = clients()  # the cookie copied before sign-out (a shared PC, a proxy log)
        replay.set_cookie(stolen)
        status, body, headers = await replay.get("/console/board")
        assert signed_out(status, headers), "the cookie still works after sign-out"
        assert "王师傅" not in body

    async def test_setting_a_new_password_ends_older_sessions(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        older = await _signed_in(clients, "wang")
        assert (await older.get("/console/board"))[0] == 200
        console_world.clock.travel(timedelta(minutes=1))
        token = await make_invite(console_world, "wang")
        redeemer = clients()
        status, _body, headers = await redeemer.form(f"/console/invite/{token}",
                                                     {"password": NEW_PASSWORD, "repeated": NEW_PASSWORD},
                                                     token_from=f"/console/invite/{token}")
        assert status == 303 and headers["Location"] == "/console/signin"
        status, _body, headers = await older.get("/console/board")
        assert signed_out(status, headers), "a session from before the new password still works"
        assert (await clients().sign_in("wang"))[0] == 401  # the old password is gone
        assert (await clients().sign_in("wang", password=NEW_PASSWORD))[0] == 303

    async def test_the_cookie_is_http_only_strict_and_kept_to_the_console(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        client = clients()
        status, _body, headers = await client.sign_in("desk")
        assert status == 303
        cookie = headers.get("Set-Cookie", "")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie


class TestOpenRedirect:
    @pytest.mark.parametrize("target", [
        "//evil.com", "//evil.com/console/", "/\\evil.com", "\\\\evil.com", "https://evil.com",
        "https://evil.com/console/", "http:evil.com", "/console/\\..\\..\\evil.com", "//console/", "/%2F%2Fevil.com",
        " //evil.com", "\t//evil.com", "javascript:alert(1)", "/console/\r\nSet-Cookie: planted=1",
    ])
    async def test_next_never_leaves_the_console(self, console_world: ConsoleWorld,
                                                 clients: Callable[[], Browserless], target: str) -> None:
        client = clients()
        status, body, _headers = await client.get(f"/console/signin?next={quote(target, safe='')}")
        shown = re.search(r'name="next" value="([^"]*)"', body)
        assert status == 200 and shown is not None and shown.group(1).startswith("/console/")
        status, _body, headers = await client.sign_in("desk", next_=target)
        assert status == 303, f"sign-in with next={target!r} answered {status}"
        location = headers["Location"]
        landed = urlsplit(urljoin(console_world.url + "/console/signin", location))
        assert landed.netloc == urlsplit(console_world.url).netloc, f"{target!r} redirected to {location!r}"
        assert landed.path.startswith("/console/") and not landed.path.startswith("//")
        assert "planted" not in headers.get("Set-Cookie", "") and "planted" not in headers

    async def test_the_page_asked_for_before_sign_in_is_where_sign_in_leads(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        client = clients()
        status, _body, headers = await client.get("/console/board?status=open")
        assert signed_out(status, headers)
        wanted = dict(part.split("=", 1) for part in urlsplit(headers["Location"]).query.split("&"))["next"]
        status, _body, headers = await client.sign_in("desk", next_=unquote(wanted))
        assert status == 303 and headers["Location"] == "/console/board?status=open"


# ---------------------------------------------------------------------------------------------------
# CSRF
# ---------------------------------------------------------------------------------------------------


class TestCsrf:
    async def _ticket_and_wang(self, world: ConsoleWorld,
                               clients: Callable[[], Browserless]) -> tuple[Ticket, Browserless, str]:
        ticket = await _repair(world, ZHANG[0])
        assert ticket.status == "assigned"
        wang = await _signed_in(clients, "wang")
        return ticket, wang, f"/console/tickets/{ticket.number}/act"

    async def _unchanged(self, world: ConsoleWorld, ticket: Ticket, pushes: int) -> None:
        after = await ticket_row(world, ticket.number)
        assert after.status == "assigned"
        assert await count(world, TicketEvent, TicketEvent.ticket_id == ticket.id, TicketEvent.action == "accept") == 0
        assert len(await outbox_to(world, ZHANG[0])) == pushes

    async def test_without_a_token_is_refused_and_changes_nothing(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        ticket, wang, act = await self._ticket_and_wang(console_world, clients)
        pushes = len(await outbox_to(console_world, ZHANG[0]))
        status, body, _headers = await wang.post(act, {"action": "accept"})
        assert status == 403 and plain_refusal(status, body)
        await self._unchanged(console_world, ticket, pushes)

    @pytest.mark.parametrize("token", ["", "x" * 32, "None", "\u00ff" * 10])
    async def test_a_wrong_token_is_refused_and_changes_nothing(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless], token: str) -> None:
        ticket, wang, act = await self._ticket_and_wang(console_world, clients)
        pushes = len(await outbox_to(console_world, ZHANG[0]))
        status, body, _headers = await wang.post(act, {"csrf": token, "action": "accept"})
        assert status == 403 and plain_refusal(status, body)
        await self._unchanged(console_world, ticket, pushes)

    async def test_another_sessions_token_is_refused(self, console_world: ConsoleWorld,
                                                      clients: Callable[[], Browserless]) -> None:
        ticket, wang, act = await self._ticket_and_wang(console_world, clients)
        other = await _signed_in(clients, "zhao")
        foreign = await other.csrf("/console/board")
        pushes = len(await outbox_to(console_world, ZHANG[0]))
        assert (await wang.post(act, {"csrf": foreign, "action": "accept"}))[0] == 403
        assert (await wang.post(act, {"action": "accept"}, headers={"X-CSRF-Token": foreign}))[0] == 403
        await self._unchanged(console_world, ticket, pushes)

    async def test_the_token_from_before_sign_in_no_longer_works(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        ticket = await _repair(console_world, ZHANG[0])
        wang = clients()
        before = await wang.csrf()
        await wang.sign_in("wang")
        pushes = len(await outbox_to(console_world, ZHANG[0]))
        status, _body, _headers = await wang.post(f"/console/tickets/{ticket.number}/act",
                                                  {"csrf": before, "action": "accept"})
        assert status == 403
        await self._unchanged(console_world, ticket, pushes)

    async def test_the_header_carries_the_token(self, console_world: ConsoleWorld,
                                                clients: Callable[[], Browserless]) -> None:
        ticket, wang, act = await self._ticket_and_wang(console_world, clients)
        token = await wang.csrf("/console/board")
        assert (await wang.post(act, {"action": "accept"}, headers={"X-CSRF-Token": "wrong"}))[0] == 403
        assert (await ticket_row(console_world, ticket.number)).status == "assigned"
        status, _body, _headers = await wang.post(act, {"action": "accept"}, headers={"X-CSRF-Token": token})
        assert status == 303
        assert (await ticket_row(console_world, ticket.number)).status == "accepted"


# ---------------------------------------------------------------------------------------------------
# Invites
# ---------------------------------------------------------------------------------------------------


class TestInvites:
    async def _redeem(self, client: Browserless, token: str, password: str = NEW_PASSWORD,
                      repeated: str | None = None) -> tuple[int, str, Any]:
        fields = {"password": password, "repeated": password if repeated is None else repeated}
        return await client.form(f"/console/invite/{token}", fields)

    async def test_an_invite_works_once(self, console_world: ConsoleWorld,
                                        clients: Callable[[], Browserless]) -> None:
        token = await make_invite(console_world, "desk")
        client = clients()
        assert (await client.get(f"/console/invite/{token}"))[0] == 200
        assert (await self._redeem(client, token))[0] == 303
        status, body, _headers = await client.get(f"/console/invite/{token}")
        assert status == 404 and plain_refusal(status, body)
        status, body, _headers = await self._redeem(clients(), token, "Someone-else-2026")
        assert status == 404 and plain_refusal(status, body)
        assert await password_is(console_world, "desk", NEW_PASSWORD)

    async def test_an_invite_expires_after_the_configured_hours(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        hours = console_world.service.settings.console.invite_hours
        token = await make_invite(console_world, "desk")
        console_world.clock.travel(timedelta(hours=hours) - timedelta(minutes=1))
        assert (await clients().get(f"/console/invite/{token}"))[0] == 200
        console_world.clock.travel(timedelta(minutes=2))
        status, body, _headers = await clients().get(f"/console/invite/{token}")
        assert status == 404 and plain_refusal(status, body)
        status, _body, _headers = await self._redeem(clients(), token)
        assert status == 404
        assert await password_is(console_world, "desk", PASSWORD)

    async def test_a_second_invite_voids_the_first(self, console_world: ConsoleWorld,
                                                   clients: Callable[[], Browserless]) -> None:
        first = await make_invite(console_world, "desk")
        second = await make_invite(console_world, "desk")
        assert (await clients().get(f"/console/invite/{first}"))[0] == 404
        assert (await self._redeem(clients(), first))[0] == 404
        assert await password_is(console_world, "desk", PASSWORD)
        assert (await self._redeem(clients(), second))[0] == 303
        assert await password_is(console_world, "desk", NEW_PASSWORD)

    @pytest.mark.parametrize(("password", "repeated"), [
        ("short1!", None),  # too short
        ("1234567890", None),  # digits only
        ("pw-13900000107", None),  # the phone number
        (NEW_PASSWORD, NEW_PASSWORD + "x"),  # typed differently twice
        ("x" * 129, None),  # too long
        ("", None),
        (" " * 12, None),  # blanks only
        ("aaaaaaaaaa", None),  # one key held down
    ])
    async def test_a_weak_password_is_refused_and_the_link_still_works(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless], password: str,
            repeated: str | None) -> None:
        token = await make_invite(console_world, "desk")
        status, body, _headers = await self._redeem(clients(), token, password, repeated)
        assert status == 400 and plain_refusal(status, body), f"{password!r} was accepted ({status})"
        assert await password_is(console_world, "desk", PASSWORD)
        assert await invites_open(console_world, "desk") == 1

    @pytest.mark.parametrize("token", [
        "A" * 5000, "%00", "%FF%FE", "..%2F..%2Fboard", "%E4%BB%A4%E7%89%8C", "%F0%9F%98%80" * 40, "a%0D%0Ab",
        "%ED%A0%80", "'%20OR%201=1--", "%25",
    ])
    async def test_a_huge_or_odd_token_is_a_plain_404(self, console_world: ConsoleWorld,
                                                      clients: Callable[[], Browserless], token: str) -> None:
        client = clients()
        async with client.http.get(f"{console_world.url}/console/invite/{token}", allow_redirects=False) as response:
            status, body = response.status, await response.text(errors="replace")
        expected = 400 if token == "%00" else 404  # a NUL anywhere is refused before any page (bot/middlewares.py)
        assert status == expected and plain_refusal(status, body), f"GET {token[:30]!r} answered {status}"
        csrf = await client.csrf()
        fields = {"csrf": csrf, "password": NEW_PASSWORD, "repeated": NEW_PASSWORD}
        async with client.http.post(f"{console_world.url}/console/invite/{token}", allow_redirects=False,
                                    data=fields) as response:
            status, body = response.status, await response.text(errors="replace")
        assert status == expected and plain_refusal(status, body), f"POST {token[:30]!r} answered {status}"


# ---------------------------------------------------------------------------------------------------
# Lockout
# ---------------------------------------------------------------------------------------------------


def _reason(body: str) -> str:
    start = body.find('role="alert">')
    return body[start:body.find("</p>", start)] if start >= 0 else ""


class TestLockout:
    async def test_the_account_locks_at_exactly_the_limit_and_opens_after_the_lockout(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        limits = console_world.service.settings.console
        client = clients()
        for attempt in range(limits.max_failed_signins - 1):
            status, body, _headers = await client.sign_in("wang", password=f"wrong-{attempt}")
            assert status == 401 and "手机号或密码不正确" in body, f"attempt {attempt + 1}"
        status, body, _headers = await client.sign_in("wang", password="wrong-last")
        assert status == 429 and "已锁定" in body
        status, body, _headers = await client.sign_in("wang")  # the right password does not help
        assert status == 429 and "已锁定" in body
        assert await audit_rows(console_world, "signin_locked")
        console_world.clock.travel(timedelta(minutes=limits.lockout_minutes) - timedelta(minutes=1))
        assert (await client.sign_in("wang"))[0] == 429
        console_world.clock.travel(timedelta(minutes=2))
        status, _body, headers = await client.sign_in("wang")
        assert status == 303 and headers["Location"] == "/console/"

    async def test_an_unknown_phone_answers_as_a_wrong_password_does(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        known_status, known_body, _h = await clients().sign_in("wang", password="wrong-password")
        unknown_status, unknown_body, _h = await clients().sign_in(phone="13900009999", password="wrong-password")
        no_password_status, no_password_body, _h = await clients().sign_in(phone=ZHANG[2], password="wrong")
        assert known_status == unknown_status == no_password_status == 401
        assert _reason(known_body) == _reason(unknown_body) == _reason(no_password_body) != ""

    async def test_the_lockout_does_not_tell_which_phones_are_staff(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        """Five wrong passwords lock a staff phone; an unknown phone must answer the same by then."""
        limit = console_world.service.settings.console.max_failed_signins
        answers: dict[str, tuple[int, str]] = {}
        for phone in (STAFF["wang"][1], "13900009999"):
            client = clients()
            for attempt in range(limit):
                status, body, _headers = await client.sign_in(phone=phone, password=f"wrong-{attempt}")
            answers[phone] = (status, _reason(body))
        assert answers[STAFF["wang"][1]] == answers["13900009999"], answers

    async def test_a_burst_of_parallel_guesses_gets_no_more_than_the_limit(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        limit = console_world.service.settings.console.max_failed_signins
        client = clients()
        token = await client.csrf()
        fields = [{"csrf": token, "phone": STAFF["wang"][1], "password": f"guess-{n}"} for n in range(limit * 3)]
        answers = await asyncio.gather(*(client.post("/console/signin", form) for form in fields))
        statuses = [status for status, _body, _headers in answers]
        assert all(status < 500 for status in statuses), statuses
        assert statuses.count(401) <= limit - 1, f"{statuses.count(401)} guesses were checked: {statuses}"
        assert (await clients().sign_in("wang"))[0] == 429


# ---------------------------------------------------------------------------------------------------
# Another estate's things (刘主管 serves 兰亭苑 only) and roles
# ---------------------------------------------------------------------------------------------------


class TestEstateIsolation:
    async def test_the_board_and_ticket_pages_keep_to_the_estates_served(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        world = await _two_estates(console_world)
        sunshine, lanting = world["sunshine_ticket"], world["lanting_ticket"]
        liu = await _signed_in(clients, "liu")
        for query in ("", "?status=open", "?building=3", "?kind=repair", "?assignee=none",
                      f"?assignee={console_world.staff['wang'].id}"):
            status, body, _headers = await liu.get(f"/console/board{query}")
            assert status == 200, query
            assert sunshine.number not in body and "3-2-501" not in body, query
        assert lanting.number in (await liu.get("/console/board"))[1]
        status, body, _headers = await liu.get("/console/board?estate=default")
        assert status == 400 and plain_refusal(status, body)
        for variant in (sunshine.number, sunshine.number.lower(), f"{sunshine.number}%20"):
            status, body, _headers = await liu.get(f"/console/tickets/{variant}")
            assert status == 404 and sunshine.number not in body and ZHANG[2] not in body, variant
        pushes = len(await outbox_to(console_world, ZHANG[0]))
        for action in ("accept", "start", "complete", "cancel", "close", "note", "assign"):
            status, body, _headers = await liu.form(f"/console/tickets/{sunshine.number}/act",
                                                    {"action": action, "note": "刘主管来过",
                                                     "staff": str(console_world.staff["liu"].id)},
                                                    token_from="/console/board")
            assert status == 404, action
        status, body, _headers = await liu.form(f"/console/tickets/{sunshine.number}/reveal", {},
                                                token_from="/console/board")
        assert status == 404 and ZHANG[2] not in body
        after = await ticket_row(console_world, sunshine.number)
        assert (after.status, after.assignee_id) == (sunshine.status, sunshine.assignee_id)
        assert len(await outbox_to(console_world, ZHANG[0])) == pushes
        assert await audit_rows(console_world, "reveal_phone") == []

    async def test_the_inbox_and_its_actions_keep_to_the_estates_served(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        world = await _two_estates(console_world)
        theirs, mine = world["sunshine_handoff"], world["lanting_handoff"]
        liu = await _signed_in(clients, "liu")
        status, body, _headers = await liu.get("/console/inbox")
        assert status == 200 and f"?h={mine.id}" in body
        assert f"?h={theirs.id}\"" not in body and "3-2-501" not in body
        status, body, _headers = await liu.get(f"/console/inbox/list?h={theirs.id}",
                                               headers={"X-Requested-With": "fetch"})
        assert status == 200 and "3-2-501" not in body and f"?h={theirs.id}\"" not in body
        status, body, _headers = await liu.get(f"/console/inbox?h={theirs.id}")
        assert status == 404 and plain_refusal(status, body) and ZHANG[1] not in body
        pushes = len(await outbox_to(console_world, ZHANG[0]))
        lines = await thread_texts(console_world, theirs.id)
        for action, fields in (("take", {"nonce": "a"}), ("reply", {"text": "我是刘主管", "nonce": "b"}),
                               ("end", {"nonce": "c"}), ("reveal", {})):
            status, body, _headers = await liu.form(f"/console/inbox/{theirs.id}/{action}", fields,
                                                    token_from="/console/inbox")
            assert status == 404, action
            assert ZHANG[2] not in body
        after = await handoff_of(console_world, ZHANG[0])
        assert after.agent_id is None and after.ended_at is None
        assert await thread_texts(console_world, theirs.id) == lines
        assert len(await outbox_to(console_world, ZHANG[0])) == pushes
        assert await audit_rows(console_world, "reveal_phone") == []

    async def test_the_outbox_keeps_to_the_estates_served(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        await _two_estates(console_world)
        zhang_pushes = await outbox_to(console_world, STAFF["wang"][2])  # 阳光花园's: 王师傅 told of a ticket
        assert zhang_pushes
        async with console_world.sessions().begin() as session:
            await session.execute(update(OutboxMessage).where(OutboxMessage.id == zhang_pushes[0].id)
                                  .values(status="dead", last_error="45015 probe"))
        liu = await _signed_in(clients, "liu")
        for view in ("failed", "dead", "held", "pending", "sent"):
            status, body, _headers = await liu.get(f"/console/outbox?view={view}")
            assert status == 200, view
            assert "staff-wang" not in body and "staff-desk" not in body and "3-2-501" not in body, view
            assert f"员工 {STAFF['wang'][0]}" not in body and f"员工 {STAFF['desk'][0]}" not in body, view
        own = (await liu.get("/console/outbox?view=sent"))[1] + (await liu.get("/console/outbox?view=pending"))[1]
        assert f"员工 {STAFF['liu'][0]}" in own  # 兰亭苑's own pushes are shown, by the name staff know
        status, _body, _headers = await liu.form(f"/console/outbox/{zhang_pushes[0].id}/retry", {},
                                                 token_from="/console/outbox")
        assert status == 404
        async with console_world.sessions()() as session:
            assert (await session.get(OutboxMessage, zhang_pushes[0].id)).status == "dead"
        assert await audit_rows(console_world, "outbox_retry") == []
        zhao = await _signed_in(clients, "zhao")  # the estate's own supervisor may
        status, _body, _headers = await zhao.form(f"/console/outbox/{zhang_pushes[0].id}/retry", {},
                                                  token_from="/console/outbox")
        assert status == 303 and len(await audit_rows(console_world, "outbox_retry")) == 1

    async def test_faq_answers_of_another_estate_cannot_be_read_or_changed(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        liu = await _signed_in(clients, "liu")
        entry = _faq_entry()
        status, body, _headers = await liu.get("/console/faq?estate=default")
        assert status == 400 and plain_refusal(status, body)
        for action in ("save", "reset"):
            status, body, _headers = await liu.form("/console/faq", {"estate": "default", "entry": entry,
                                                                     "answer": "刘主管改的阳光花园答案",
                                                                     "action": action}, token_from="/console/faq")
            assert status == 400 and plain_refusal(status, body), action
        assert await count(console_world, FaqAnswer) == 0
        assert ("default", entry) not in console_world.service.settings.faq_edits
        status, _body, _headers = await liu.form("/console/faq", {"estate": "lanting", "entry": entry,
                                                                  "answer": "兰亭苑的新答案：请到物业前台办理。"},
                                                 token_from="/console/faq")
        assert status == 303 and await count(console_world, FaqAnswer, FaqAnswer.estate == "lanting") == 1

    async def test_a_supervisor_is_not_shown_another_estates_staff(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        world = await _two_estates(console_world)
        liu = await _signed_in(clients, "liu")
        others = [STAFF[key][0] for key in ("desk", "wang", "zhao")]
        for path in ("/console/board", f"/console/tickets/{world['lanting_ticket'].number}", "/console/settings"):
            status, body, _headers = await liu.get(path)
            assert status == 200
            shown = [name for name in others if name in body]
            assert shown == [], f"{path} shows 阳光花园's staff {shown}"

    async def test_a_ticket_cannot_be_given_to_someone_of_another_estate(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        world = await _two_estates(console_world)
        ticket = world["lanting_ticket"]
        liu = await _signed_in(clients, "liu")
        status, _body, _headers = await liu.form(f"/console/tickets/{ticket.number}/act",
                                                 {"action": "assign", "staff": str(console_world.staff["wang"].id)},
                                                 token_from="/console/board")
        assert status == 303
        after = await ticket_row(console_world, ticket.number)
        assert after.assignee_id != console_world.staff["wang"].id

    async def test_a_handoff_shows_no_tickets_of_an_estate_the_agent_does_not_serve(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        """张伟 has a home in each estate and asks for a person from 兰亭苑: 刘主管 must not see his 阳光花园 ticket."""
        sunshine = await _repair(console_world, ZHANG[0], "卫生间水管漏水了，阳光花园这套")
        async with console_world.sessions().begin() as session:
            zhou = await session.scalar(select(Resident).where(Resident.phone == ZHOU[2]))
            assert zhou is not None
            await session.execute(update(HomeBinding).where(HomeBinding.openid == ZHANG[0]).values(is_current=False))
            session.add(HomeBinding(openid=ZHANG[0], home_id=zhou.home_id, resident_id=zhou.id, role="tenant",
                                    status="active", is_current=True, created_at=console_world.clock.now()))
        handoff = await _handed_over(console_world, ZHANG[0])
        assert handoff.estate == "lanting"
        liu = await _signed_in(clients, "liu")
        status, body, _headers = await liu.get(f"/console/inbox?h={handoff.id}")
        assert status == 200
        assert sunshine.number not in body, "another estate's ticket is listed on the handoff"


class TestRoles:
    @pytest.mark.parametrize("staff", ["desk", "wang"])
    async def test_plain_staff_get_403_on_supervisors_pages_and_their_posts(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless], staff: str) -> None:
        await _repair(console_world, ZHANG[0])
        push = (await outbox_to(console_world, STAFF["wang"][2]))[0]  # 王师傅 was told of the new ticket
        async with console_world.sessions().begin() as session:
            await session.execute(update(OutboxMessage).where(OutboxMessage.id == push.id).values(status="dead"))
        person = await _signed_in(clients, staff)
        for path in ("/console/dashboard", "/console/outbox", "/console/outbox?view=dead", "/console/faq",
                     "/console/faq?estate=default", "/console/settings"):
            status, body, _headers = await person.get(path)
            assert status == 403 and plain_refusal(status, body), path
        posts = {"/console/faq": {"estate": "default", "entry": _faq_entry(), "answer": "员工改的"},
                 f"/console/outbox/{push.id}/retry": {},
                 f"/console/staff/{console_world.staff[staff].id}/invite": {},
                 f"/console/staff/{console_world.staff['sun'].id}/invite": {}}
        for path, fields in posts.items():
            status, body, _headers = await person.form(path, fields, token_from="/console/board")
            assert status == 403 and plain_refusal(status, body), path
        assert await count(console_world, FaqAnswer) == 0
        async with console_world.sessions()() as session:
            assert (await session.get(OutboxMessage, push.id)).status == "dead"
        assert await count(console_world, ConsoleInvite) == 0

    @pytest.mark.parametrize("staff", ["zhao", "liu"])
    async def test_supervisors_cannot_make_invites(self, console_world: ConsoleWorld,
                                                   clients: Callable[[], Browserless], staff: str) -> None:
        person = await _signed_in(clients, staff)
        for target in ("desk", "sun", staff):
            status, body, _headers = await person.form(f"/console/staff/{console_world.staff[target].id}/invite",
                                                       {}, token_from="/console/settings")
            assert status == 403 and plain_refusal(status, body), target
        assert await count(console_world, ConsoleInvite) == 0

    async def test_an_admin_makes_an_invite_and_its_link_sets_the_password(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        sun = await _signed_in(clients, "sun")
        status, _body, headers = await sun.form(f"/console/staff/{console_world.staff['desk'].id}/invite", {},
                                                token_from="/console/settings")
        assert status == 303 and headers["Location"] == "/console/settings"
        status, body, _headers = await sun.get("/console/settings")
        found = INVITE_LINK.search(body)
        assert status == 200 and found is not None
        console_world.clock.travel(timedelta(minutes=1))
        desk_before = await _signed_in(clients, "desk")
        redeemer = clients()
        status, _body, _headers = await redeemer.form(f"/console/invite/{found.group(1)}",
                                                      {"password": NEW_PASSWORD, "repeated": NEW_PASSWORD})
        assert status == 303
        assert signed_out(*(await desk_before.get("/console/board"))[::2])
        assert (await clients().sign_in("desk", password=NEW_PASSWORD))[0] == 303

    async def test_plain_staff_cannot_close_or_cancel(self, console_world: ConsoleWorld,
                                                      clients: Callable[[], Browserless]) -> None:
        ticket = await _repair(console_world, ZHANG[0])
        wang = await _signed_in(clients, "wang")
        for action in ("cancel", "close", "reopen"):
            status, _body, _headers = await wang.form(f"/console/tickets/{ticket.number}/act", {"action": action},
                                                      token_from="/console/board")
            assert status == 303
        assert (await ticket_row(console_world, ticket.number)).status == "assigned"


# ---------------------------------------------------------------------------------------------------
# Hostile and malformed input
# ---------------------------------------------------------------------------------------------------


BAD_PAGES = [
    "/console/board?page=-1", "/console/board?page=0", "/console/board?page=99999999999999", "/console/board?page=abc",
    "/console/board?page=%C2%B2", "/console/board?page=1e3", "/console/board?status=bogus",
    "/console/board?kind=bogus", "/console/board?category=bogus", "/console/board?tier=bogus",
    "/console/board?estate=bogus", "/console/board?assignee=bogus", "/console/board?assignee=-1",
    "/console/board?assignee=99999999999999999999999", "/console/board?assignee=%C2%B2",
    "/console/tickets/" + "X" * 3000, "/console/tickets/%00", "/console/tickets/%FF", "/console/tickets/..%2F..",
    "/console/inbox?h=abc", "/console/inbox?h=-1", "/console/inbox?h=1", "/console/inbox?h=99999999999999999999",
    "/console/inbox?h=%C2%B2", "/console/inbox?h=%D9%A3",
    "/console/outbox?view=bogus", "/console/faq?estate=bogus", "/console/faq?estate=",
    "/console/no-such-page",
]


class TestHostileInput:
    async def test_an_admins_board_opens_without_filters(self, console_world: ConsoleWorld,
                                                         clients: Callable[[], Browserless]) -> None:
        """An admin serves every estate, so the board has no condition at all to join."""
        ticket = await _repair(console_world, ZHANG[0])
        sun = await _signed_in(clients, "sun")
        status, _body, headers = await sun.get("/console/")
        assert status == 303 and headers["Location"] == "/console/dashboard"
        status, body, _headers = await sun.get("/console/board")
        assert status == 200, f"the admin's board answered {status}"
        assert ticket.number in body


    @pytest.mark.parametrize("path", BAD_PAGES)
    async def test_a_bad_address_is_a_4xx_with_a_plain_reason(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless], path: str) -> None:
        zhao = await _signed_in(clients, "zhao")
        status, body, _headers = await zhao.get(path)
        assert plain_refusal(status, body), f"{path[:60]} answered {status}: {body[:120]!r}"

    @pytest.mark.parametrize("path", ["/console/board?building=%FF%FE", "/console/board?building=%00",
                                      "/console/board?building=" + "楼" * 500, "/console/inbox/list?h=%FF"])
    async def test_odd_but_harmless_filters_never_fail(self, console_world: ConsoleWorld,
                                                       clients: Callable[[], Browserless], path: str) -> None:
        zhao = await _signed_in(clients, "zhao")
        status, body, _headers = await zhao.get(path)
        assert status == 200 or plain_refusal(status, body), f"{path[:60]} answered {status}"

    async def test_the_live_feed_refuses_a_bad_cursor_without_failing(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        zhao = await _signed_in(clients, "zhao")
        for cursor in ("%C2%B2", "%D9%A3", "-5", "abc"):
            async with zhao.http.get(f"{console_world.url}/console/inbox/events?after={cursor}",
                                     timeout=aiohttp.ClientTimeout(total=5)) as response:
                assert response.status < 500, f"after={cursor} answered {response.status}"

    @pytest.mark.parametrize(("path", "fields"), [
        ("/console/outbox/%C2%B2/retry", {}),
        ("/console/outbox/99999999999999999999/retry", {}),
        ("/console/outbox/abc/retry", {}),
        ("/console/inbox/%C2%B2/take", {"nonce": "1"}),
        ("/console/inbox/abc/reply", {"text": "你好", "nonce": "1"}),
        ("/console/inbox/99999999999999999999/end", {"nonce": "1"}),
        ("/console/tickets/" + "X" * 3000 + "/act", {"action": "accept"}),
        ("/console/faq", {"estate": "default", "entry": "no-such-entry", "answer": "x"}),
        ("/console/faq", {"estate": "default", "entry": "%s", "answer": "x" * 60000}),
        ("/console/staff/%C2%B2/invite", {}),
        ("/console/staff/abc/invite", {}),
        ("/console/staff/99999999999/invite", {}),
    ])
    async def test_a_bad_post_is_a_4xx_with_a_plain_reason(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless], path: str,
            fields: dict[str, str]) -> None:
        sun = await _signed_in(clients, "sun")
        status, body, _headers = await sun.form(path, fields, token_from="/console/settings")
        assert plain_refusal(status, body), f"POST {path[:60]} answered {status}: {body[:120]!r}"

    @pytest.mark.parametrize("staff_field", ["99999999999999999999999", "\u00b2", "-1", "0", ""])
    async def test_assigning_to_a_nonsense_staff_id_is_refused_plainly(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless], staff_field: str) -> None:
        ticket = await _repair(console_world, ZHANG[0])
        zhao = await _signed_in(clients, "zhao")
        status, body, _headers = await zhao.form(f"/console/tickets/{ticket.number}/act",
                                                {"action": "assign", "staff": staff_field},
                                                token_from="/console/board")
        assert status == 303 or plain_refusal(status, body), f"staff={staff_field!r} answered {status}"
        assert (await ticket_row(console_world, ticket.number)).assignee_id == ticket.assignee_id

    async def test_a_huge_form_is_refused_plainly(self, console_world: ConsoleWorld,
                                                  clients: Callable[[], Browserless]) -> None:
        zhao = await _signed_in(clients, "zhao")
        token = await zhao.csrf("/console/faq")
        huge = {"estate": "default", "entry": _faq_entry(), "answer": "长" * 200_000}
        form_type = {"Content-Type": "application/x-www-form-urlencoded"}
        with_token = io.BytesIO(urlencode({"csrf": token, **huge}).encode())
        status, body, _headers = await zhao.post("/console/faq", with_token, headers=form_type)
        assert plain_refusal(status, body), f"a huge form (token in the form) answered {status}: {body[:120]!r}"
        status, body, _headers = await zhao.post("/console/faq", io.BytesIO(urlencode(huge).encode()),
                                                 headers={**form_type, "X-CSRF-Token": token})
        assert plain_refusal(status, body), f"a huge form (token in the header) answered {status}: {body[:120]!r}"
        assert await count(console_world, FaqAnswer) == 0

    async def test_a_form_that_is_not_utf8_is_refused_plainly(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        ticket = await _repair(console_world, ZHANG[0])
        wang = await _signed_in(clients, "wang")
        token = await wang.csrf("/console/board")
        form_type = {"Content-Type": "application/x-www-form-urlencoded"}
        raw = b"action=note&note=\xff\xfe\xb9\xca\xd5\xcf"  # GBK and stray bytes
        status, body, _headers = await wang.post(f"/console/tickets/{ticket.number}/act",
                                                 b"csrf=" + token.encode() + b"&" + raw, headers=form_type)
        assert plain_refusal(status, body), f"token in the form: {status} {body[:120]!r}"
        status, body, _headers = await wang.post(f"/console/tickets/{ticket.number}/act", raw,
                                                 headers={**form_type, "X-CSRF-Token": token})
        assert plain_refusal(status, body), f"token in the header: {status} {body[:120]!r}"
        signin = clients()
        token = await signin.csrf()
        status, body, _headers = await signin.post("/console/signin", b"phone=\xff\xfe&password=\xff",
                                                   headers={**form_type, "X-CSRF-Token": token})
        assert plain_refusal(status, body), f"sign-in: {status} {body[:120]!r}"
        assert (await ticket_row(console_world, ticket.number)).status == "assigned"

    async def test_no_header_can_be_injected_through_a_redirect(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        sun = await _signed_in(clients, "sun")
        push_id = 1
        cases = [(f"/console/outbox/{push_id}/retry?view=failed%0D%0AX-Injected:%20yes", {}),
                 ("/console/inbox/1%0D%0AX-Injected:%20yes/reply", {"text": ""})]
        for path, fields in cases:
            status, _body, headers = await sun.form(path, fields, token_from="/console/settings")
            assert status < 500, f"{path} answered {status}"
            assert "X-Injected" not in headers and "\n" not in headers.get("Location", "")

    async def test_dot_segments_do_not_slip_past_the_sign_in_check(self, console_world: ConsoleWorld) -> None:
        await _repair(console_world, ZHANG[0])
        host, port = urlsplit(console_world.url).hostname, urlsplit(console_world.url).port
        for target in ("/console/invite/../board", "/console/static/../board", "/console/static/%2e%2e/board",
                       "/console/invite/..%2Fboard", "/console/signin/../board", "/console//board",
                       "/console/static/..%2f..%2fconsole%2fboard"):
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            answer = (await reader.read()).decode("utf-8", "replace")
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            head = answer.split("\r\n", 1)[0]
            assert " 200 " not in head or "3-2-501" not in answer, f"{target} served a page without a session"
            assert " 5" not in head[8:13], f"{target}: {head}"


# ---------------------------------------------------------------------------------------------------
# Double submit
# ---------------------------------------------------------------------------------------------------


class TestDoubleSubmit:
    async def _desk_on(self, world: ConsoleWorld, clients: Callable[[], Browserless]) -> tuple[Browserless, Handoff]:
        handoff = await _handed_over(world, ZHANG[0])
        desk = await _signed_in(clients, "desk")
        status, _body, _headers = await desk.form(f"/console/inbox/{handoff.id}/take", {"nonce": "take-1"},
                                                  token_from=f"/console/inbox?h={handoff.id}")
        assert status == 303
        return desk, handoff

    async def _answers(self, world: ConsoleWorld, text: str) -> list[OutboxMessage]:
        return [row for row in await outbox_to(world, ZHANG[0]) if text in str(row.payload.get("text", ""))]

    async def test_the_same_reply_form_sent_twice_reaches_the_owner_once(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        desk, handoff = await self._desk_on(console_world, clients)
        token = await desk.csrf(f"/console/inbox?h={handoff.id}")
        form = {"csrf": token, "text": "好的，马上安排电工", "nonce": "n-123"}
        for _ in range(2):
            assert (await desk.post(f"/console/inbox/{handoff.id}/reply", form))[0] == 303
        assert len(await self._answers(console_world, "好的，马上安排电工")) == 1
        expected = "【人工客服·郑洁】好的，马上安排电工"
        await _until(lambda: expected in console_world.texts_sent_to(ZHANG[0]))
        await asyncio.sleep(0.5)
        assert console_world.texts_sent_to(ZHANG[0]).count(expected) == 1
        assert (await thread_texts(console_world, handoff.id)).count("好的，马上安排电工") == 1

    async def test_the_same_reply_form_sent_twice_at_once_reaches_the_owner_once(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        desk, handoff = await self._desk_on(console_world, clients)
        token = await desk.csrf(f"/console/inbox?h={handoff.id}")
        form = {"csrf": token, "text": "稍等，正在查询", "nonce": "n-456"}
        answers = await asyncio.gather(*(desk.post(f"/console/inbox/{handoff.id}/reply", form) for _ in range(2)))
        assert [status for status, _body, _headers in answers] == [303, 303]
        assert len(await self._answers(console_world, "稍等，正在查询")) == 1
        assert (await thread_texts(console_world, handoff.id)).count("稍等，正在查询") == 1, \
            "the answer is in the thread twice"

    async def test_two_different_replies_without_a_nonce_are_not_silently_dropped(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        desk, handoff = await self._desk_on(console_world, clients)
        token = await desk.csrf(f"/console/inbox?h={handoff.id}")
        results = []
        for text in ("第一条回复", "第二条回复"):
            status, _body, _headers = await desk.post(f"/console/inbox/{handoff.id}/reply",
                                                      {"csrf": token, "text": text})
            results.append(status)
        refused = all(400 <= status < 500 for status in results)
        queued = [len(await self._answers(console_world, text)) for text in ("第一条回复", "第二条回复")]
        delivered = queued == [1, 1]
        assert refused or delivered, "a reply without a nonce was reported sent but never queued"


# ---------------------------------------------------------------------------------------------------
# The live feed
# ---------------------------------------------------------------------------------------------------


async def _feed(client: Browserless, seconds: float, until: Callable[[list[dict[str, Any]]], bool],
                after: int | None = None) -> list[dict[str, Any]]:
    """The ``line`` events of the live feed for up to ``seconds``, stopping early once ``until`` holds."""
    lines: list[dict[str, Any]] = []
    query = f"?after={after}" if after is not None else ""
    async with client.http.get(f"{client.world.url}/console/inbox/events{query}") as response:
        assert response.status == 200
        event = ""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while True:
                    raw = await response.content.readline()
                    if not raw:
                        break
                    text = raw.decode().rstrip("\r\n")
                    if text.startswith("event:"):
                        event = text.split(":", 1)[1].strip()
                    elif text.startswith("data:") and event == "line":
                        lines.append(json.loads(text.split(":", 1)[1].strip()))
                        if until(lines):
                            break
    return lines


class TestLiveFeed:
    async def test_the_feed_needs_a_session(self, console_world: ConsoleWorld,
                                            clients: Callable[[], Browserless]) -> None:
        stranger = clients()
        status, body, _headers = await stranger.get("/console/inbox/events")
        assert status == 401 and "data:" not in body
        await stranger.csrf()  # a session, but nobody signed in
        status, body, _headers = await stranger.get("/console/inbox/events?after=0")
        assert status == 401 and "data:" not in body

    async def test_a_lanting_supervisors_feed_never_carries_sunshine_lines(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        await _two_estates(console_world)
        liu = await _signed_in(clients, "liu")

        async def owners_talk() -> None:
            await asyncio.sleep(1.2)
            await console_world.person(ZHANG[0]).says("阳光花园的秘密消息")
            await console_world.person(ZHOU[0]).says("兰亭苑的新消息")

        talking = asyncio.create_task(owners_talk())
        lines = await _feed(liu, 8.0, lambda got: any("兰亭苑的新消息" in line["text"] for line in got))
        await talking
        texts = [line["text"] for line in lines]
        assert any("兰亭苑的新消息" in text for text in texts), f"the feed missed 兰亭苑's line: {texts}"
        assert not any("阳光花园的秘密消息" in text for text in texts), texts
        async with console_world.sessions()() as session:
            estates = {h.id: h.estate for h in (await session.scalars(select(Handoff))).all()}
        assert {estates[line["handoff"]] for line in lines} == {"lanting"}

    async def test_the_feed_from_the_start_carries_no_sunshine_lines(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        await _two_estates(console_world)
        liu = await _signed_in(clients, "liu")
        lines = await _feed(liu, 2.5, lambda got: False, after=0)
        async with console_world.sessions()() as session:
            estates = {h.id: h.estate for h in (await session.scalars(select(Handoff))).all()}
        assert lines and {estates[line["handoff"]] for line in lines} == {"lanting"}


    async def test_an_open_feed_stops_when_the_password_changes(
            self, console_world: ConsoleWorld, clients: Callable[[], Browserless]) -> None:
        """A new password ends older sessions; a feed opened by one must not go on for minutes."""
        await _two_estates(console_world)
        liu = await _signed_in(clients, "liu")
        lines: list[str] = []

        async def listen() -> None:
            async with liu.http.get(f"{console_world.url}/console/inbox/events") as response:
                assert response.status == 200
                while raw := await response.content.readline():
                    text = raw.decode().rstrip("\r\n")
                    if text.startswith("data:") and text != "data: ready":
                        lines.append(json.loads(text.split(":", 1)[1].strip())["text"])

        listening = asyncio.create_task(listen())
        try:
            await asyncio.sleep(1.2)
            await console_world.person(ZHOU[0]).says("改密码之前的消息")
            await _until(lambda: "改密码之前的消息" in lines)
            console_world.clock.travel(timedelta(minutes=1))
            token = await make_invite(console_world, "liu")
            status, _body, _headers = await clients().form(f"/console/invite/{token}",
                                                           {"password": NEW_PASSWORD, "repeated": NEW_PASSWORD})
            assert status == 303
            assert signed_out(*(await liu.get("/console/inbox"))[::2])
            await console_world.person(ZHOU[0]).says("改密码之后的消息")
            await asyncio.sleep(3.5)
            assert "改密码之后的消息" not in lines, "the feed of an ended session still carries owners' words"
        finally:
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening


# ---------------------------------------------------------------------------------------------------
# XSS through owners' words, in the browser
# ---------------------------------------------------------------------------------------------------


SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"
SVG = '"><svg onload=alert(3)>'


def _record_dialogs(page: Any, dialogs: list[str]) -> None:
    """Every alert/confirm a script opens is noted (and dismissed, so the page goes on)."""

    async def seen(dialog: Any) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", seen)


class TestOwnersWordsAreText:
    async def test_hostile_words_show_literally_and_run_nothing(
            self, console_world: ConsoleWorld, new_page: Callable[..., Any]) -> None:
        ticket = await _repair(console_world, ZHANG[0], f"卫生间水管漏水了{IMAGE}")
        zhang = console_world.person(ZHANG[0])
        await zhang.says(f"还有{SVG}")
        await _handed_over(console_world, ZHANG[0])
        dialogs: list[str] = []
        page = await new_page("desk")
        _record_dialogs(page, dialogs)
        await page.wait_for_url("**/console/board")
        await page.goto("/console/inbox")
        await page.click("#handoff-list a")
        await page.wait_for_selector("#live.on")
        await zhang.says(SCRIPT)  # arrives over the live feed
        await page.wait_for_selector(f"#lines li.owner:has-text({json.dumps(SCRIPT)})")
        await zhang.says(IMAGE)
        await page.wait_for_selector(f"#lines li.owner:has-text({json.dumps(IMAGE)})")
        assert SCRIPT in await page.inner_text("#lines")
        await page.wait_for_timeout(500)
        assert IMAGE in await page.inner_text("#handoff-list") or SCRIPT in await page.inner_text("#handoff-list")
        await page.reload()  # the same thread rendered by the server
        assert SCRIPT in await page.inner_text("#lines") and IMAGE in await page.inner_text("#lines")
        await page.goto("/console/board")
        assert IMAGE in await page.inner_text("table.tickets")
        await page.goto(f"/console/tickets/{ticket.number}")
        assert IMAGE in await page.inner_text("main")
        assert await page.locator("main img, main svg[onload], main script").count() == 0
        await page.wait_for_timeout(300)
        assert dialogs == [], f"a script ran: {dialogs}"
        assert await page.evaluate("document.querySelectorAll('img[onerror], svg[onload]').length") == 0

    async def test_a_staff_name_and_flash_are_text_too(self, console_world: ConsoleWorld,
                                                       new_page: Callable[..., Any]) -> None:
        async with console_world.sessions().begin() as session:
            desk = await session.get(Staff, console_world.staff["desk"].id)
            desk.name = f"郑{SCRIPT}"
        await _handed_over(console_world, ZHANG[0])
        dialogs: list[str] = []
        page = await new_page()
        _record_dialogs(page, dialogs)
        await sign_in(page, STAFF["desk"][1])
        await page.wait_for_url("**/console/board")
        await page.goto("/console/inbox")
        await page.click("#handoff-list a")
        await page.click("button:has-text('接待')")
        await page.wait_for_selector(".flash.ok")
        assert SCRIPT in await page.inner_text("header.top")
        await page.wait_for_timeout(300)
        assert dialogs == []
