"""Conversation scenarios (data/FORMAT.md) played through the real service and judged by outcomes.

    scenarios = load_scenarios()
    template = await build_template(folder)          # the demo estate, once
    result = await run_scenario(scenarios[0], template)
    print(result.passed, result.turns, result.explain())

Each scenario gets a copy of a template SQLite file holding the demo estate exactly as
``wuyebot serve --demo`` loads it (``load_demo_if_empty``: the CSV files through the importer, then
the prepaid balances and the home in custody), built once for the default day 2026-12-07. The real
app (``create_app``) then runs on a real port with a ``FrozenClock`` at the scenario's start; its
start-up tick (``run_due``, as the scheduler of ``wuyebot serve`` runs at once) comes before the
people are bound, so catch-up jobs (the fee reminders of the 5th …) belong to the time before the
scenario. Messages go to ``/wechat`` as signed WeChat XML; tickets are read through the admin API;
pushes from the outbox table; what the bot is waiting for from the ``conversation_states`` table.

The vocabulary of FORMAT.md is mapped to the service's in the dicts just below.

How the harness reads FORMAT.md where it leaves room:

- The reply to a message is the passive reply plus the pushes of kind ``reply`` queued to the
  sender during that step (the parts of a long answer); the pushes of a step are every outbox row
  it created, by recipient (so a long answer's parts count in ``push_count`` too).
- ``asks: nothing`` holds when no form is open and no clarifying question is pending; a form idle
  past ``conversation.idle_timeout_minutes`` counts as closed (the engine drops it on the next
  message); ``asks: which`` also holds while a clarifying question is pending.
- Created "tickets" are tickets and, with ``VISITOR_PASSES_ARE_TICKETS``, visitor passes (gate
  passes of kind visitor; a release permit is a P ticket and counts once). A pass matches
  ``appointment`` when it is valid at that time (or on that day).
- Keywords are matched literally (no simplified/traditional folding: scenarios check the script).
- A scenario's task succeeds when its outcome checks hold (tickets, pushes, ``end:``), whatever
  the wording and the questions asked.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import logging
import re
import shutil
import sqlite3
import tempfile
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import yaml
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.app import create_app
from bot.clock import FrozenClock
from bot.keys import INBOX, JOBS, SESSIONS
from bot.settings import Settings, load_settings
from models import ConversationState, GatePass, Home, HomeBinding, OutboxMessage, Resident, Staff, Ticket, WechatAccount
from tests.support.wechat import WeChatServer, event_xml, message_xml

# ---------------------------------------------------------------- the vocabulary (FORMAT.md → the service)

# Custom-menu buttons → the EventKey of the CLICK event (config.yaml menu:, docs/menu.md).
MENU_EVENT_KEYS = {
    "报修": "MENU_REPAIR",
    "查缴费": "MENU_FEE",
    "访客登记": "MENU_VISITOR",
    "我的工单": "MENU_TICKETS",
    "转人工": "MENU_HUMAN",
}

# `asks:` words → the values of ``form.asking`` in the conversation state that mean it.
# (`nothing` = no form and no clarifying question; `which` also holds while a clarifying question
# between two readings is pending.)
ASKS_SLOTS: dict[str, tuple[str, ...]] = {
    "confirm": ("__confirm__",),
    "room": ("room",),
    "name": ("name",),
    "phone": ("phone",),
    "time": ("time",),
    "category": ("category",),
    "description": ("what", "content"),
    "plate": ("plate",),
    "items": ("items",),
    "visitor": ("visitor",),
    "expectation": ("wish",),
    "which": ("which", "home"),  # home: which of the account's homes (in several estates) a request is for
    "score": ("score",),
    "estate": ("estate",),
}

# Staff keys → the demo staff's openids (bot/cli/demo.py DEMO_STAFF).
STAFF_OPENIDS = {
    "zhao": "demo-staff-zhao",
    "sun": "demo-staff-sun",
    "wang": "demo-staff-wang",
    "li": "demo-staff-li",
    "zhou": "demo-staff-zhou",
    "wu": "demo-staff-wu",
    "zheng": "demo-staff-zheng",
    "liu": "demo-staff-liu",  # 兰亭苑 (the demo's second estate)
    "he": "demo-staff-he",
    "ma": "demo-staff-ma",
}

# Visitor passes (V…) are rows of gate_passes, not tickets. FORMAT.md lists `visitor` among the
# ticket kinds and its authors count an issued pass in `tickets_added`/`ticket_count` (every
# visitor scenario does); True counts them there, as created items in creation order beside the
# tickets (so `ticket:` right after a pass is issued looks at the pass). False: tickets only.
VISITOR_PASSES_ARE_TICKETS = True

# ---------------------------------------------------------------- constants

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
REPO = HERE.parents[1]
TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_START = datetime(2026, 12, 7, 10, 0, tzinfo=TZ)  # Monday; the template's bill months follow it
ADMIN_TOKEN = "scenario-admin-token"
SCENARIO_TIMEOUT_SECONDS = 120

STEP_KEYS = {"expect", "voice", "click", "by", "event", "image", "staff", "says", "advance", "run_due"}
EXPECT_KEYS = {"reply_any", "reply_all", "reply_none", "silent", "asks", "not_asks", "tickets_added", "ticket",
               "pushes_added", "no_pushes_to", "push_count"}
END_KEYS = {"ticket_count", "tickets", "pushes", "no_pushes_to"}
TICKET_FIELDS = {"number", "kind", "status", "category", "room", "place_has", "tier", "assignee", "appointment",
                 "phone", "description_has", "description_max", "reopened", "deadline_after", "estate"}
# Checks about what happened (tickets, pushes), as opposed to how the conversation went; a
# scenario that could not run (`run`, `format`) has no outcome either.
OUTCOME_CHECKS = ("tickets_added", "ticket", "pushes_added", "no_pushes_to", "push_count", "end.", "run", "format")

_msg_ids = itertools.count(7_300_000_000_000_000_000)
_event_times = itertools.count(1)
_PLACEHOLDER = re.compile(r"\{(ticket\d*|pass)\}")
_PASS_CODE = re.compile(r"(?<![0-9A-Za-z])\d{6}(?![0-9])")


# ---------------------------------------------------------------- scenarios


class FormatError(ValueError):
    """A scenario that does not follow FORMAT.md."""


@dataclass
class Scenario:
    id: str
    title: str
    source: str
    file: str
    start: datetime
    people: dict[str, dict[str, Any]]
    steps: list[dict[str, Any]]
    end: dict[str, Any]
    problems: list[str] = field(default_factory=list)  # format problems found on loading

    def openid(self, key: str) -> str:
        if key in self.people:
            return person_openid(self.id, key)
        if key in STAFF_OPENIDS:
            return STAFF_OPENIDS[key]
        raise FormatError(f"unknown person {key!r} (not in people, not a staff key)")


def person_openid(scenario_id: str, key: str) -> str:
    openid = f"sc-{scenario_id}-{key}"
    if len(openid) > 64:  # the webhook refuses longer openids
        openid = f"sc-{hashlib.sha1(scenario_id.encode()).hexdigest()[:16]}-{key}"
    return openid


def load_scenarios(folder: Path = DATA, *, contains: str | None = None) -> list[Scenario]:
    scenarios: list[Scenario] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(data, list):
            raise FormatError(f"{path.name}: a file holds a list of scenarios")
        for raw in data:
            scenario = _scenario(raw, path.name)
            if scenario.id in seen:
                raise FormatError(f"{path.name}: duplicate id {scenario.id}")
            seen.add(scenario.id)
            if contains is None or contains in scenario.id or contains == path.stem:
                scenarios.append(scenario)
    return scenarios


def _scenario(raw: dict[str, Any], file: str) -> Scenario:
    if not isinstance(raw, dict) or "id" not in raw:
        raise FormatError(f"{file}: a scenario without an id: {str(raw)[:80]}")
    start = raw.get("start")
    if start is None:
        moment = DEFAULT_START
    else:
        moment = _moment(start)
    people = {str(key): dict(value or {}) for key, value in (raw.get("people") or {}).items()}
    scenario = Scenario(id=str(raw["id"]), title=str(raw.get("title", "")), source=str(raw.get("source", "")),
                        file=file, start=moment, people=people, steps=list(raw.get("steps") or []),
                        end=dict(raw.get("end") or {}))
    scenario.problems = _format_problems(scenario)
    return scenario


def _format_problems(scenario: Scenario) -> list[str]:
    problems: list[str] = []
    clash = set(scenario.people) & set(STAFF_OPENIDS)
    if clash:
        problems.append(f"people keys {sorted(clash)} are staff keys")
    for index, step in enumerate(scenario.steps, start=1):
        try:
            kind, actor, said = step_action(step)
            if actor is not None and actor not in scenario.people and actor not in STAFF_OPENIDS:
                problems.append(f"step {index}: unknown person {actor!r}")
            if kind == "staff" and actor not in STAFF_OPENIDS:
                problems.append(f"step {index}: unknown staff key {actor!r}")
            if kind in ("text", "voice") and not isinstance(said, str):
                problems.append(f"step {index}: the message is not a string: {said!r}")
        except FormatError as error:
            problems.append(f"step {index}: {error}")
        expect = step.get("expect") or {}
        unknown = set(expect) - EXPECT_KEYS
        if unknown:
            problems.append(f"step {index}: unknown checks {sorted(unknown)}")
        for word in _asks_words(expect):
            if word != "nothing" and word not in ASKS_SLOTS:
                problems.append(f"step {index}: unknown asks value {word!r}")
        if isinstance(expect.get("ticket"), dict):
            unknown = set(expect["ticket"]) - TICKET_FIELDS
            if unknown:
                problems.append(f"step {index}: unknown ticket fields {sorted(unknown)}")
    unknown = set(scenario.end) - END_KEYS
    if unknown:
        problems.append(f"end: unknown checks {sorted(unknown)}")
    for entry in scenario.end.get("tickets") or []:
        unknown = set(entry) - TICKET_FIELDS if isinstance(entry, dict) else {"(not a mapping)"}
        if unknown:
            problems.append(f"end.tickets: unknown fields {sorted(unknown)}")
    return problems


def _asks_words(expect: dict[str, Any]) -> list[str]:
    words = []
    if "asks" in expect:
        words.append(str(expect["asks"]))
    not_asks = expect.get("not_asks")
    if not_asks is not None:
        words += [str(word) for word in (not_asks if isinstance(not_asks, list) else [not_asks])]
    return words


def step_action(step: dict[str, Any]) -> tuple[str, str | None, Any]:
    """(kind, actor key, value): text/voice/click/event/image/staff/advance/run_due."""
    if not isinstance(step, dict):
        raise FormatError(f"a step must be a mapping: {step!r}")
    if "advance" in step:
        return "advance", None, step["advance"]
    if "run_due" in step:
        return "run_due", None, step["run_due"]
    if "staff" in step:
        if "says" not in step:
            raise FormatError("a staff step needs says:")
        return "staff", str(step["staff"]), step["says"]
    if "click" in step:
        return "click", _by(step), str(step["click"])
    if "event" in step:
        return "event", _by(step), str(step["event"])
    if "image" in step:
        return "image", _by(step), None
    persons = [key for key in step if key not in STEP_KEYS]
    if len(persons) != 1:
        raise FormatError(f"cannot tell who speaks in {sorted(step)}")
    key = persons[0]
    return ("voice" if step.get("voice") else "text"), str(key), step[key]


def _by(step: dict[str, Any]) -> str:
    if "by" not in step:
        raise FormatError(f"{sorted(step)} needs by:")
    return str(step["by"])


def _moment(value: Any) -> datetime:
    """A point in time from YAML: ISO text (local time when it has no offset), a datetime or a date."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, datetime.min.time())
    else:
        moment = datetime.fromisoformat(str(value).strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=TZ)


def _duration(value: Any) -> timedelta | None:
    match = re.fullmatch(r"\s*(\d+)\s*([mhd])\s*", str(value))
    if match is None:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    return {"m": timedelta(minutes=amount), "h": timedelta(hours=amount), "d": timedelta(days=amount)}[unit]


# ---------------------------------------------------------------- the service


def scenario_settings(database: Path) -> Settings:
    """config.yaml with a database of its own and the admin token; nothing from this shell's environment."""
    return load_settings(REPO / "config.yaml", {
        "WUYEBOT_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "WUYEBOT_ADMIN_TOKEN": ADMIN_TOKEN,
    })


async def build_template(folder: Path) -> Path:
    """The demo estate of ``wuyebot serve --demo`` in a migrated SQLite file, as of 2026-12-07."""
    from bot.cli.demo import load_demo_if_empty
    from models.migrate import upgrade

    path = await asyncio.to_thread(_fresh_path, folder / "template.db")
    settings = scenario_settings(path)
    await asyncio.to_thread(upgrade, settings.database_url)
    if not await load_demo_if_empty(settings, clock=FrozenClock(DEFAULT_START)):
        raise RuntimeError("the demo estate did not load into the new template")
    await asyncio.to_thread(_into_one_file, path)
    return path


def _fresh_path(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    return path


def _into_one_file(path: Path) -> None:
    """Everything into the main file (the engine is disposed): each copy is then one file."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")


def copy_template(template: Path, database: Path) -> None:
    shutil.copyfile(template, database)
    for suffix in ("-wal",):
        extra = template.with_name(template.name + suffix)
        if extra.exists():
            shutil.copyfile(extra, database.with_name(database.name + suffix))


# ---------------------------------------------------------------- results


@dataclass
class Failure:
    step: int | None  # 1-based; None for the end checks
    check: str
    expected: str
    seen: str

    @property
    def outcome(self) -> bool:
        return self.check.startswith(OUTCOME_CHECKS)

    def line(self) -> str:
        return f"{self.check}: expected {self.expected}; saw {self.seen}"


@dataclass
class StepRecord:
    index: int
    label: str
    reply: str | None = None
    asking: str | None = None
    created: list[str] = field(default_factory=list)
    pushes: dict[str, list[str]] = field(default_factory=dict)
    context: str = ""  # the tickets so far, filled in when a check of this step fails
    seconds: float = 0.0  # how long the service took (sending and observing)


@dataclass
class Result:
    scenario: Scenario
    failures: list[Failure] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    turns: int = 0  # messages from people (not staff): text, voice, clicks, photos
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # ERROR log lines of the service during the run
    end_context: str = ""

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def task_success(self) -> bool:
        """The task's outcomes hold (tickets, pushes, the end): wording and questions aside."""
        return not any(failure.outcome for failure in self.failures)

    def explain(self) -> str:
        lines = [f"{self.scenario.id} ({self.scenario.file}): {self.scenario.title}"]
        by_step: dict[int | None, list[Failure]] = {}
        for failure in self.failures:
            by_step.setdefault(failure.step, []).append(failure)
        first = min((s for s in by_step if s is not None), default=len(self.steps) + 1)
        earlier = [record for record in self.steps[:first - 1] if record.reply is not None]
        if earlier and self.failures:  # what led there: the root cause is often a step that checks nothing
            lines.append("  before:")
            lines += [f"    step {record.index} {record.label} → {_quote(record.reply or '', 90)}"
                      + (f" [asks {record.asking}]" if record.asking else "") for record in earlier[-4:]]
        for step in sorted(s for s in by_step if s is not None):
            record = self.steps[step - 1] if step - 1 < len(self.steps) else None
            lines.append(f"  step {step} {record.label if record else ''}".rstrip())
            lines += [f"    ✗ {failure.line()}" for failure in by_step[step]]
            if record is not None:  # the reply once: a failed reply check has quoted it already
                quoted = any(failure.check.startswith(("reply_", "silent")) for failure in by_step[step])
                lines.append("      " + _step_context(record, reply=not quoted))
        if None in by_step:
            lines.append("  end")
            lines += [f"    ✗ {failure.line()}" for failure in by_step[None]]
            if self.end_context:
                lines.append("      " + self.end_context)
        if self.errors:
            lines.append("  service errors: " + " | ".join(self.errors[:3]))
        return "\n".join(lines)


def _step_context(record: StepRecord, *, reply: bool = True) -> str:
    parts = []
    if reply and record.reply is not None:
        parts.append(f"reply: {_quote(record.reply)}")
    if record.asking is not None:
        parts.append(f"asks: {record.asking}")
    if record.context:
        parts.append(f"tickets: {record.context}")
    if record.pushes:
        parts.append("pushes: " + ", ".join(f"{who}×{len(texts)}" for who, texts in record.pushes.items()))
    return "; ".join(parts)


def _quote(text: str, limit: int = 240) -> str:
    flat = " ⏎ ".join(line.strip() for line in text.splitlines() if line.strip())
    return '"' + (flat if len(flat) <= limit else flat[:limit] + "…") + '"'


# ---------------------------------------------------------------- running one scenario


async def run_scenario(scenario: Scenario, template: Path) -> Result:
    result = Result(scenario)
    began = time.perf_counter()
    capture = _ErrorCapture()
    logging.getLogger().addHandler(capture)
    folder = Path(tempfile.mkdtemp(prefix="wuyebot-scenario-"))
    try:
        if scenario.problems:
            result.failures += [Failure(None, "format", "a scenario as FORMAT.md says", problem)
                                for problem in scenario.problems]
            return result
        database = folder / "wuyebot.db"
        copy_template(template, database)
        player = _Player(scenario, scenario_settings(database), result)
        try:
            await asyncio.wait_for(player.play(), SCENARIO_TIMEOUT_SECONDS)
        finally:
            await player.close()
    except Exception as error:  # a harness fault or a crash of the service: the scenario fails with it
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        where = traceback.extract_tb(error.__traceback__)[-1]
        result.failures.append(Failure(None, "run", "the scenario to run to its end",
                                       f"{detail} (at {Path(where.filename).name}:{where.lineno})"))
    finally:
        logging.getLogger().removeHandler(capture)
        result.errors = capture.lines
        result.seconds = time.perf_counter() - began
        shutil.rmtree(folder, ignore_errors=True)
    return result


class _ErrorCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                text += f": {type(error).__name__}: {error}"
            self.lines.append(f"{record.name}: {text}"[:300])


@dataclass
class _Created:
    """A ticket or (with VISITOR_PASSES_ARE_TICKETS) a visitor pass created during the scenario."""
    table: str  # "ticket" | "pass"
    id: int
    number: str


@dataclass
class _Observed:
    reply: str | None
    pushes: dict[str, list[str]]  # by person/staff key (or the raw recipient)
    created: list[_Created]


@dataclass
class _Waiting:
    """The conversation state of one person: the open form's question and a pending clarification."""
    asking: str | None = None
    intent: str | None = None
    form_open: bool = False
    clarifying: list[str] = field(default_factory=list)

    def waits_for(self, word: str) -> bool:
        if word == "nothing":
            return not self.form_open and not self.clarifying
        if word == "which" and self.clarifying:
            return True
        return self.form_open and self.asking in ASKS_SLOTS.get(word, ())

    def words(self) -> str:
        """In FORMAT.md's words where there is one: ``confirm [repair]``, ``which (clarifying a/b)``."""
        words = []
        if self.form_open:
            word = next((name for name, values in ASKS_SLOTS.items() if self.asking in values), None)
            words.append(f"{word or f'{self.asking}(unmapped)'} [{self.intent}]")
        if self.clarifying:
            words.append("which (clarifying " + "/".join(self.clarifying) + ")")
        return ", ".join(words) if words else "nothing"


class _Player:
    def __init__(self, scenario: Scenario, settings: Settings, result: Result) -> None:
        self.scenario = scenario
        self.settings = settings
        self.result = result
        self.clock = FrozenClock(scenario.start)
        self.app = create_app(settings, clock=self.clock, run_sender=False, run_scheduler=False)
        self.server: TestServer | None = None
        self.http: aiohttp.ClientSession | None = None
        self.keys = {scenario.openid(key): key for key in list(scenario.people) + list(STAFF_OPENIDS)}
        self.created: list[_Created] = []
        self.pass_code: str | None = None
        self.last_person: str | None = None
        self.all_pushes_mark = 0

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()
        if self.server is not None:
            await self.server.close()
        _forget_app()

    @property
    def sessions(self):  # type: ignore[no-untyped-def]
        return self.app[SESSIONS]

    async def play(self) -> None:
        self.server = TestServer(self.app)
        await self.server.start_server()
        self.http = aiohttp.ClientSession()
        self.url = str(self.server.make_url("")).rstrip("/")
        credentials = self.settings.wechat
        self.wechat = WeChatServer(self.http, self.url, credentials.token, credentials.aes_key, credentials.appid)
        await self.app[JOBS].run_due(self.clock.now())  # the start-up tick of `wuyebot serve`
        await self._bind_people()
        self.all_pushes_mark = await self._max_id(OutboxMessage.id)
        for index, step in enumerate(self.scenario.steps, start=1):
            await self._step(index, step)
        await self._end()

    # ------------------------------------------------------------ setting up

    async def _bind_people(self) -> None:
        now = self.clock.now()
        async with self.sessions.begin() as session:
            for key, person in self.scenario.people.items():
                rooms = person.get("bound")
                if not rooms:
                    continue
                rooms = rooms if isinstance(rooms, list) else [rooms]
                role = str(person.get("as", "owner"))
                openid = self.scenario.openid(key)
                session.add(WechatAccount(openid=openid, subscribed=True, subscribed_at=now))
                await session.flush()
                for position, room in enumerate(rooms):
                    resident = await session.scalar(
                        select(Resident).join(Home, Home.id == Resident.home_id)
                        .where(Home.room_key == str(room).strip().upper(), Resident.role == role)
                        .order_by(Resident.id).limit(1))
                    if resident is None:
                        raise FormatError(f"people.{key}: the register has no {role} of {room}")
                    session.add(HomeBinding(openid=openid, home_id=resident.home_id, resident_id=resident.id,
                                            role=role, status="active", is_current=position == 0,
                                            created_at=now, decided_at=now))

    # ------------------------------------------------------------ steps

    async def _step(self, index: int, step: dict[str, Any]) -> None:
        kind, actor, value = step_action(step)
        record = StepRecord(index, _label(kind, actor, value))
        self.result.steps.append(record)
        failures: list[Failure] = []
        began = time.perf_counter()
        marks = await self._marks()
        reply: str | None = None
        if kind == "advance":
            delta = _duration(value)
            if delta is not None:
                self.clock.travel(delta)
            else:
                self.clock.set(_moment(value))
        elif kind == "run_due":
            if value:
                await self.app[JOBS].run_due(self.clock.now())
        else:
            assert actor is not None
            openid = self.scenario.openid(actor)
            if actor in self.scenario.people:
                self.last_person = actor
                if kind != "event":
                    self.result.turns += 1
            text = None
            if kind in ("text", "voice", "staff"):
                text, missing = self._fill(str(value))
                failures += [Failure(index, "placeholder", f"a ticket to fill {name}", "none created yet")
                             for name in missing]
            passive = await self._send(kind, openid, text, value)
            await self.app[INBOX].settled()  # a reply that missed WeChat's deadline is pushed: wait for it
            reply = passive
        observed = await self._observe(marks, actor, reply if kind not in ("advance", "run_due") else None)
        self.created += observed.created
        record.seconds = time.perf_counter() - began
        record.reply = observed.reply
        record.created = [item.number for item in observed.created]
        record.pushes = observed.pushes
        if observed.reply and actor in self.scenario.people:
            self._note_pass_code(observed.reply)
        expect = step.get("expect") or {}
        subject = actor if actor is not None else self.last_person
        if subject is not None and (actor is not None or "asks" in expect or "not_asks" in expect):
            record.asking = (await self._state(self.scenario.openid(subject))).words()
        failures += await self._check_step(index, kind, actor, expect, observed, record)
        if failures:
            record.context = await self._tickets_context()
        self.result.failures += failures

    async def _send(self, kind: str, openid: str, text: str | None, value: Any) -> str:
        if kind in ("text", "staff"):
            xml = message_xml(openid, "text", {"Content": text or ""}, msg_id=next(_msg_ids))
        elif kind == "voice":
            xml = message_xml(openid, "voice", {"MediaId": "scenario-voice", "Format": "amr",
                                                "Recognition": text or ""}, msg_id=next(_msg_ids))
        elif kind == "image":
            xml = message_xml(openid, "image", {"PicUrl": "http://127.0.0.1/scenario.jpg",
                                                "MediaId": "scenario-image"}, msg_id=next(_msg_ids))
        elif kind == "click":
            key = MENU_EVENT_KEYS.get(str(value), f"MENU_UNKNOWN_{value}")
            xml = event_xml(openid, "CLICK", key, created=self._event_time())
        elif kind == "event":
            xml = event_xml(openid, str(value), created=self._event_time())
        else:
            raise FormatError(f"cannot send a {kind} step")
        answer = await self.wechat.post(xml)
        if answer.status != 200:
            raise RuntimeError(f"/wechat answered HTTP {answer.status}: {answer.body[:200]}")
        return answer.content or ""

    def _event_time(self) -> int:
        """A distinct CreateTime per event (an event's dedupe key is openid + CreateTime + event)."""
        return int(self.clock.now().timestamp()) + next(_event_times)

    def _fill(self, text: str) -> tuple[str, list[str]]:
        missing: list[str] = []

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            found = self._placeholder(name)
            if found is None:
                missing.append("{" + name + "}")
                return match.group(0)
            return found

        return _PLACEHOLDER.sub(value, text), missing

    def _placeholder(self, name: str) -> str | None:
        if name == "pass":
            return self.pass_code
        if name == "ticket":
            return self.created[-1].number if self.created else None
        position = int(name[len("ticket"):])
        return self.created[position - 1].number if 0 < position <= len(self.created) else None

    def _note_pass_code(self, reply: str) -> None:
        codes = _PASS_CODE.findall(reply)
        if codes:
            self.pass_code = codes[-1]

    # ------------------------------------------------------------ observing

    async def _max_id(self, column: Any, *where: Any) -> int:
        async with self.sessions() as session:
            return int(await session.scalar(select(func.coalesce(func.max(column), 0)).where(*where)) or 0)

    async def _marks(self) -> tuple[int, int, int]:
        return (await self._max_id(OutboxMessage.id), await self._max_id(Ticket.id),
                await self._max_id(GatePass.id, GatePass.kind == "visitor"))

    async def _observe(self, marks: tuple[int, int, int], actor: str | None, passive: str | None) -> _Observed:
        outbox_mark, ticket_mark, pass_mark = marks
        async with self.sessions() as session:
            rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.id > outbox_mark)
                                          .order_by(OutboxMessage.id))).all()
            tickets = (await session.execute(select(Ticket.id, Ticket.number).where(Ticket.id > ticket_mark)
                                             .order_by(Ticket.id))).all()
            passes = (await session.execute(select(GatePass.id, GatePass.number)
                                            .where(GatePass.id > pass_mark, GatePass.kind == "visitor")
                                            .order_by(GatePass.id))).all() if VISITOR_PASSES_ARE_TICKETS else []
        pushes: dict[str, list[str]] = {}
        reply_parts = [passive] if passive else []
        actor_openid = self.scenario.openid(actor) if actor is not None else None
        for row in rows:
            text = _push_text(row.payload)
            pushes.setdefault(self.keys.get(row.recipient, row.recipient), []).append(text)
            if row.recipient == actor_openid and row.kind == "reply":
                reply_parts.append(text)
        reply = "\n".join(reply_parts) if passive is not None else None
        created = [_Created("ticket", id_, number) for id_, number in tickets]
        created += [_Created("pass", id_, number) for id_, number in passes]
        return _Observed(reply, pushes, created)

    async def _state(self, openid: str) -> _Waiting:
        """What the bot waits for from ``openid``, from the conversation_states table."""
        async with self.sessions() as session:
            row = await session.get(ConversationState, openid)
        if row is None:
            return _Waiting()
        data = row.data or {}
        form = data.get("form") or None
        idle_for = self.clock.now() - row.updated_at
        if idle_for > timedelta(minutes=self.settings.conversation.idle_timeout_minutes):
            form = None  # the engine drops an idle form when the next message comes
        return _Waiting(asking=(form or {}).get("asking"), intent=(form or {}).get("intent"), form_open=bool(form),
                        clarifying=[str(label) for label in data.get("clarifying") or []])

    # ------------------------------------------------------------ checks

    async def _check_step(self, index: int, kind: str, actor: str | None, expect: dict[str, Any],
                          observed: _Observed, record: StepRecord) -> list[Failure]:
        failures: list[Failure] = []

        def fail(check: str, expected: str, seen: str) -> None:
            failures.append(Failure(index, check, expected, seen))

        reply = observed.reply
        is_person_message = actor in self.scenario.people and not (kind == "event" and str(
            self.scenario.steps[index - 1].get("event")) == "unsubscribe")
        if expect.get("silent"):
            if reply:
                fail("silent", "no answer at all", _quote(reply))
        elif is_person_message and not (reply or "").strip():
            fail("reply", "a non-empty reply (every owner message gets one)", "no reply")
        for check in ("reply_any", "reply_all", "reply_none"):
            if check not in expect:
                continue
            words = [self._fill(str(word))[0] for word in _as_list(expect[check])]
            if reply is None:
                fail(check, f"{words}", "no message in this step, so no reply")
                continue
            problem = _keywords(check.removeprefix("reply_"), words, reply)
            if problem:
                fail(check, problem[0], problem[1])
        if "asks" in expect or "not_asks" in expect:
            subject = actor if actor is not None else self.last_person
            if subject is None:
                fail("asks", "a person to ask about", "nobody has spoken yet")
            else:
                waiting = await self._state(self.scenario.openid(subject))
                if "asks" in expect:
                    word = str(expect["asks"])
                    if not waiting.waits_for(word):
                        fail("asks", word, waiting.words())
                for word in map(str, _as_list(expect.get("not_asks"))):
                    if waiting.waits_for(word):
                        fail("not_asks", f"not {word}", waiting.words())
        if "tickets_added" in expect:
            wanted = int(expect["tickets_added"])
            if len(observed.created) != wanted:
                fail("tickets_added", str(wanted), f"{len(observed.created)} {[c.number for c in observed.created]}")
        if "ticket" in expect:
            fields = dict(expect["ticket"] or {})
            target = await self._target(fields.pop("number", None))
            if isinstance(target, str):
                fail("ticket", "a ticket to check", target)
            else:
                for name, wanted_value, seen in await self._mismatches(target, fields):
                    fail(f"ticket.{name}", wanted_value, seen + f" [{target.number}]")
        for entry in _as_list(expect.get("pushes_added")):
            missed = self._push_problem(entry, observed.pushes)
            if missed:
                fail("pushes_added", *missed)
        for who in map(str, _as_list(expect.get("no_pushes_to"))):
            texts = observed.pushes.get(who, [])
            if self._unknown_who(who):
                fail("no_pushes_to", f"a known person for {who!r}", "no such person or staff key")
            elif texts:
                fail("no_pushes_to", f"no push to {who}", f"{len(texts)}: " + " | ".join(map(_quote, texts[:3])))
        for who, count in dict(expect.get("push_count") or {}).items():
            texts = observed.pushes.get(str(who), [])
            if len(texts) != int(count):
                fail("push_count", f"{count} to {who}", f"{len(texts)}" + (": " + " | ".join(map(_quote, texts[:3]))
                                                                          if texts else ""))
        return failures

    def _unknown_who(self, who: str) -> bool:
        return who not in self.scenario.people and who not in STAFF_OPENIDS

    def _push_problem(self, entry: Any, pushes: dict[str, list[str]]) -> tuple[str, str] | None:
        if not isinstance(entry, dict) or "to" not in entry:
            return "an entry {to: WHO, …}", f"{entry!r}"
        who = str(entry["to"])
        if self._unknown_who(who):
            return f"a known person for {who!r}", "no such person or staff key"
        texts = pushes.get(who, [])
        conditions = {key: [self._fill(str(w))[0] for w in _as_list(entry.get(key))] for key in ("any", "all", "none")
                      if entry.get(key) is not None}
        for text in texts:
            if not any(_keywords(key, words, text) for key, words in conditions.items()):
                return None
        wanted = f"a push to {who}" + "".join(f" {key}={words}" for key, words in conditions.items())
        if not texts:
            others = ", ".join(f"{k}×{len(v)}" for k, v in pushes.items()) or "none at all"
            return wanted, f"no push to {who} (pushes: {others})"
        return wanted, f"{len(texts)} to {who}: " + " | ".join(_quote(text, 160) for text in texts[:3])

    async def _target(self, number: Any) -> _Created | str:
        if number is None:
            return self.created[-1] if self.created else "no ticket created yet"
        text, missing = self._fill(str(number))
        if missing:
            return f"no ticket to fill {missing[0]}"
        for item in self.created:
            if item.number == text:
                return item
        async with self.sessions() as session:
            id_ = await session.scalar(select(Ticket.id).where(Ticket.number == text))
        return _Created("ticket", id_, text) if id_ is not None else f"no ticket {text}"

    # ------------------------------------------------------------ tickets and passes

    async def _view(self, item: _Created) -> dict[str, Any]:
        """The fields FORMAT.md checks, for a ticket (admin API, then the database) or a visitor pass."""
        if item.table == "pass":
            async with self.sessions() as session:
                row = await session.get(GatePass, item.id)
                room = await session.scalar(select(Home.room_key).where(Home.id == row.home_id))
            tz = self.settings.tz
            return {"number": row.number, "kind": "visitor", "status": str(row.status), "room": room, "place": None,
                    "category": None, "tier": None, "assignee": None, "appointment": None,
                    "window": (row.valid_from.astimezone(tz), row.valid_until.astimezone(tz)),
                    "phone": None, "description": row.visitor_name or "", "events": [], "deadlines": {}}
        assert self.http is not None
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        async with self.http.get(f"{self.url}/api/tickets/{item.number}", headers=headers) as response:
            if response.status != 200:
                raise RuntimeError(f"GET /api/tickets/{item.number}: HTTP {response.status}")
            data = await response.json()
        view = dict(data)
        async with self.sessions() as session:
            row = await session.scalar(select(Ticket).where(Ticket.number == item.number))
            view["phone"] = row.contact_phone if row is not None else None
            if "assignee" not in data:  # older ticket JSON: from the database
                view["assignee"] = (await session.scalar(select(Staff.name).where(Staff.id == row.assignee_id))
                                    if row is not None and row.assignee_id else None)
            if "appointment" not in data:
                appointment = getattr(row, "appointment", _MISSING) if row is not None else None
                view["appointment"] = (appointment.astimezone(self.settings.tz).isoformat()
                                       if isinstance(appointment, datetime) else appointment)
        return view

    async def _mismatches(self, item: _Created, fields: dict[str, Any]) -> list[tuple[str, str, str]]:
        view = await self._view(item)
        problems = []
        for name, expected in fields.items():
            problem = _field_problem(view, name, expected)
            if problem is not None:
                problems.append((name, _show(expected), problem))
        return problems

    async def _tickets_context(self) -> str:
        items = []
        for item in self.created[-4:]:
            try:
                view = await self._view(item)
            except Exception as error:  # context only
                items.append(f"{item.number} (unreadable: {error})")
                continue
            items.append(_brief(view))
        more = len(self.created) - 4
        return ("…, " if more > 0 else "") + (", ".join(items) if items else "none")

    # ------------------------------------------------------------ the end

    async def _end(self) -> None:
        end = self.scenario.end
        failures: list[Failure] = []

        def fail(check: str, expected: str, seen: str) -> None:
            failures.append(Failure(None, f"end.{check}", expected, seen))

        if "ticket_count" in end and len(self.created) != int(end["ticket_count"]):
            fail("ticket_count", str(end["ticket_count"]), f"{len(self.created)} {[c.number for c in self.created]}")
        wanted = [dict(entry or {}) for entry in _as_list(end.get("tickets"))]
        if wanted:
            views = [await self._view(item) for item in self.created]
            for index, problem in _match_all(wanted, views):
                fail(f"tickets[{index + 1}]", _show(wanted[index]), problem)
        if "pushes" in end or "no_pushes_to" in end:
            async with self.sessions() as session:
                rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.id > self.all_pushes_mark)
                                              .order_by(OutboxMessage.id))).all()
            pushes: dict[str, list[str]] = {}
            for row in rows:
                pushes.setdefault(self.keys.get(row.recipient, row.recipient), []).append(_push_text(row.payload))
            for entry in _as_list(end.get("pushes")):
                missed = self._push_problem(entry, pushes)
                if missed:
                    fail("pushes", *missed)
            for who in map(str, _as_list(end.get("no_pushes_to"))):
                if pushes.get(who):
                    fail("no_pushes_to", f"no push to {who}", f"{len(pushes[who])}: "
                         + " | ".join(map(_quote, pushes[who][:3])))
        if failures:
            self.result.end_context = "tickets: " + await self._tickets_context()
        self.result.failures += failures


def _forget_app() -> None:
    """aiohttp keeps each app it served in an LRU cache of middleware chains (1,024 of them): one
    service never notices, a few hundred scenarios do (the heap grows, collections slow every run)."""
    from aiohttp import web_app

    cache = getattr(web_app, "_cached_build_middleware", None)
    if cache is not None and hasattr(cache, "cache_clear"):
        cache.cache_clear()


_MISSING = "appointment not available"


# ---------------------------------------------------------------- judging


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _keywords(mode: str, words: list[str], text: str) -> tuple[str, str] | None:
    """None when ``text`` satisfies any/all/none of ``words``, else (expected, seen)."""
    present = [word for word in words if word in text]
    if mode == "any" and not present:
        return f"any of {words}", _quote(text) if text else "an empty reply"
    if mode == "all" and len(present) != len(words):
        return f"all of {words}", f"missing {[w for w in words if w not in present]} in {_quote(text)}"
    if mode == "none" and present:
        return f"none of {words}", f"{present} in {_quote(text)}"
    return None


def _field_problem(view: dict[str, Any], name: str, expected: Any) -> str | None:
    """None when the ticket's field matches FORMAT.md's expectation, else what was seen."""
    none = expected is None or (isinstance(expected, str) and expected.strip().lower() == "none")
    if name == "room":
        seen = view.get("room")
        if none:
            return None if seen is None else f"{seen}"
        return None if seen is not None and str(seen).upper() == str(expected).strip().upper() else f"{seen or 'none'}"
    if name in ("kind", "status", "category", "tier", "assignee", "estate"):
        seen = view.get(name)
        if none:
            return None if seen in (None, "") else f"{seen}"
        return None if seen is not None and str(seen) == str(expected) else f"{seen if seen is not None else 'none'}"
    if name == "place_has":
        place = view.get("place") or ""
        return None if str(expected) in place else f"place {place!r}" if place else "no place"
    if name == "phone":
        seen = view.get("phone")
        return None if seen is not None and str(seen) == str(expected) else f"{seen or 'none'}"
    if name == "description_has":
        description = view.get("description") or ""
        return None if str(expected) in description else f"description {_quote(description, 120)}"
    if name == "description_max":
        description = view.get("description") or ""
        return None if len(description) <= int(expected) else f"{len(description)} characters"
    if name == "reopened":
        reopened = any(event.get("action") == "reopen" for event in view.get("events") or [])
        wanted = expected if isinstance(expected, bool) else str(expected).lower() == "true"
        return None if reopened == wanted else ("reopened" if reopened else "never reopened") + \
            f" (events: {[e.get('action') for e in view.get('events') or []]})"
    if name == "appointment":
        return _appointment_problem(view, expected, none)
    if name == "deadline_after":
        if not isinstance(expected, dict) or "name" not in expected or "at" not in expected:
            return f"a malformed expectation {expected!r}"
        due = (view.get("deadlines") or {}).get(str(expected["name"]))
        if due is None:
            return f"no {expected['name']} deadline (deadlines: {sorted(view.get('deadlines') or {})})"
        return None if datetime.fromisoformat(due) >= _moment(expected["at"]) else f"{expected['name']} due {due[:16]}"
    return f"an unknown field {name!r}"


def _appointment_problem(view: dict[str, Any], expected: Any, none: bool) -> str | None:
    window = view.get("window")
    if window is not None:  # a visitor pass: valid at the time (or on the day) the owner gave
        start, end = window
        shown = f"valid {start.isoformat()[:16]}–{end.isoformat()[:16]}"
        if none:
            return shown
        if _is_day(expected):
            day = expected if isinstance(expected, date) else date.fromisoformat(str(expected).strip())
            return None if start.date() <= day <= end.date() else shown
        moment = _moment(expected)
        return None if start <= moment <= end else shown
    seen = view.get("appointment")
    if seen == _MISSING:
        return _MISSING
    if none:
        return None if seen is None else seen[:16]
    if seen is None:
        return "none"
    local = datetime.fromisoformat(seen)
    if not _is_day(expected):
        wanted = _moment(expected)
        return None if local.astimezone(TZ).replace(second=0, microsecond=0) == wanted.astimezone(TZ).replace(
            second=0, microsecond=0) else local.astimezone(TZ).isoformat()[:16]
    day = expected if isinstance(expected, date) else date.fromisoformat(str(expected).strip())
    return None if local.astimezone(TZ).date() == day else local.astimezone(TZ).isoformat()[:16]


def _is_day(expected: Any) -> bool:
    """A day without a time: a YAML date, or text like 2026-12-08."""
    if isinstance(expected, datetime):
        return False
    return isinstance(expected, date) or len(str(expected).strip()) == 10


def _match_all(wanted: list[dict[str, Any]], views: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """Each wanted entry matched to a distinct created ticket; (entry index, why) for those left over."""
    fits = [[j for j, view in enumerate(views) if all(_field_problem(view, k, v) is None for k, v in entry.items())]
            for entry in wanted]
    owner: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for j in fits[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or place(owner[j], seen):
                owner[j] = i
                return True
        return False

    unplaced = [i for i in range(len(wanted)) if not place(i, set())]
    problems = []
    for i in unplaced:
        if not views:
            problems.append((i, "no ticket created"))
            continue
        if fits[i]:
            problems.append((i, "its matching ticket is taken by another entry"))
            continue
        # the closest ticket: the fewest fields wrong
        best = min(views, key=lambda view: sum(_field_problem(view, k, v) is not None for k, v in wanted[i].items()))
        wrong = [f"{k}: {_field_problem(best, k, v)}" for k, v in wanted[i].items()
                 if _field_problem(best, k, v) is not None]
        problems.append((i, f"closest {best.get('number')}: " + ", ".join(wrong)))
    return problems


def _push_text(payload: dict[str, Any] | None) -> str:
    payload = payload or {}
    text = payload.get("text") or payload.get("markdown")
    if text:
        return str(text)
    data = payload.get("data")
    if isinstance(data, dict):
        return " ".join(str(value.get("value", value)) if isinstance(value, dict) else str(value)
                        for value in data.values())
    return str(payload)


def _brief(view: dict[str, Any]) -> str:
    place = str(view.get("place") or "")
    place = place if len(place) <= 20 else place[:20] + "…"
    parts = [view.get("kind"), view.get("category"), view.get("room") or (f"@{place}" if place else None),
             view.get("status"), view.get("assignee")]
    appointment = view.get("appointment")
    if appointment and appointment != _MISSING:
        parts.append("⏰" + str(appointment)[:16])
    window = view.get("window")
    if window:
        parts.append(f"valid {window[0].isoformat()[:16]}–{window[1].isoformat()[11:16]}")
    return f"{view.get('number')}(" + " ".join(str(p) for p in parts if p) + ")"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, datetime):
        return value.isoformat()[:16]
    return str(value)


def _label(kind: str, actor: str | None, value: Any) -> str:
    if kind == "advance":
        return f"advance {value}"
    if kind == "run_due":
        return "run_due"
    if kind == "click":
        return f"{actor} clicks {value}"
    if kind == "event":
        return f"{actor} {value}"
    if kind == "image":
        return f"{actor} sends a photo"
    text = str(value)
    text = text if len(text) <= 60 else text[:60] + "…"
    return f"{actor}{' (voice)' if kind == 'voice' else ''}: {text!r}"


def summarize(results: Iterable[Result]) -> dict[str, float]:
    results = list(results)
    count = len(results)
    return {
        "scenarios": count,
        "passed": sum(r.passed for r in results),
        "success_rate": (sum(r.task_success for r in results) / count) if count else 0.0,
        "turns_per_task": (sum(r.turns for r in results) / count) if count else 0.0,
    }


__all__ = ["ASKS_SLOTS", "MENU_EVENT_KEYS", "STAFF_OPENIDS", "VISITOR_PASSES_ARE_TICKETS", "Failure", "FormatError",
           "Result", "Scenario", "build_template", "load_scenarios", "run_scenario", "summarize"]
