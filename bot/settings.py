"""Settings: ``config.yaml`` (path from ``WUYEBOT_CONFIG``) overlaid by environment variables.

Parsed once into a typed, frozen object and passed down; nothing reads globals. Secrets come
only from the environment. Any wrong or missing value raises :class:`SettingsError` whose
message is one line naming the key, so start-up can stop without a traceback.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from bot.yamlfile import YamlFileError, read_yaml

DEFAULT_CONFIG_PATH = Path("config.yaml")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/wuyebot.db"
DEFAULT_WECHAT_API_BASE = "https://api.weixin.qq.com/cgi-bin/"
SANDBOX_TOKEN = "wuyebot-sandbox"


class SettingsError(Exception):
    """A setting is wrong or missing; the message is one line naming the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HoursWindow(_Section):
    start: time
    end: time

    def contains(self, moment: time) -> bool:
        """Whether a local time falls inside the window; windows may wrap past midnight."""
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


_ESTATE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


DEFAULT_ESTATE_CODE = "default"  # the estate of a single-estate deployment, and of data from before estates


class EstateSettings(_Section):
    """One estate (小区/项目) and its management office (docs/estates.md)."""

    code: str = DEFAULT_ESTATE_CODE
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()  # what owners call it besides its name: 阳光, 阳光花园二期 …
    company: str = Field(min_length=1)
    address: str = ""
    hotline: str = Field(min_length=3)
    emergency_phone: str = Field(min_length=3)
    office_hours: HoursWindow
    office_address: str = ""
    faq: dict[str, str] = Field(default_factory=dict)  # kb.yaml entry id → this estate's own answer

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not _ESTATE_CODE.match(value):
            raise ValueError("an estate code is 1-20 letters, digits, '-' or '_'")
        return value

    @property
    def names(self) -> tuple[str, ...]:
        """The name and its aliases, longest first (how owners may write it)."""
        return tuple(sorted({self.name, *self.aliases}, key=len, reverse=True))


class ServiceSettings(_Section):
    satisfaction_target: Decimal = Field(default=Decimal("0.90"), ge=0, le=1)  # shown beside the monthly rate


class RepairSla(_Section):
    on_site_working_days: int = Field(gt=0)
    single_trade_working_days: int = Field(gt=0)
    multi_trade_working_days: int = Field(gt=0)


class EmergencySla(_Section):
    acknowledge_minutes: int = Field(gt=0)


class ComplaintTierSla(_Section):
    report_to: Literal["manager", "supervisor"] | None = None
    report_within_hours: float | None = Field(default=None, ge=0)
    answer_within_days: int | None = Field(default=None, gt=0)
    resolve_within_days: int = Field(gt=0)


class ComplaintSla(_Section):
    major: ComplaintTierSla
    important: ComplaintTierSla
    minor: ComplaintTierSla


class SuggestionSla(_Section):
    answer_within_days: int = Field(gt=0)


class SlaSettings(_Section):
    repair: RepairSla
    emergency: EmergencySla
    complaint: ComplaintSla
    suggestion: SuggestionSla
    warn_at_fraction: float = Field(gt=0, lt=1)


class ReturnVisitSettings(_Section):
    safety_repair_days: int = Field(gt=0)
    leak_repair_days: int = Field(gt=0)
    other_repair_days: int = Field(gt=0)
    complaint_days: int = Field(gt=0)
    reminder_after_days: int = Field(gt=0)
    phone_visit_after_days: int = Field(gt=0)


class CalendarSettings(_Section):
    official_holidays: bool = True  # the State Council's holidays and 调休, from the chinesecalendar package
    weekend: tuple[int, ...] = (6, 7)
    holidays: tuple[date, ...] = ()  # added to the official ones (or instead, with official_holidays off)
    workdays: tuple[date, ...] = ()

    @field_validator("weekend")
    @classmethod
    def _iso_weekdays(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(day < 1 or day > 7 for day in value):
            raise ValueError("weekdays are numbered 1 (Monday) to 7 (Sunday)")
        return value


class RepairSettings(_Section):
    # Categories whose in-home work is a paid service (有偿服务), with the price told before booking.
    paid_services: dict[str, str] = Field(default_factory=dict)
    multi_trade_categories: tuple[str, ...] = ()  # categories that usually need several trades (7 days)


class ConversationSettings(_Section):
    idle_timeout_minutes: int = Field(default=30, gt=0)
    human_handoff_minutes: int = Field(default=30, gt=0)
    binding_attempts_per_day: int = Field(default=5, gt=0)


class FeeSettings(_Section):
    custody_fee_ratio: Decimal = Field(gt=0, le=1)
    payment_methods: tuple[str, ...] = Field(min_length=1)


class OutboxSettings(_Section):
    max_attempts: int = Field(default=8, gt=0)
    lease_seconds: int = Field(default=60, gt=0)
    concurrency: int = Field(default=4, gt=0)
    rate_per_second: float = Field(default=0, ge=0)


class NotificationSettings(_Section):
    wecom_robots: dict[str, str] = Field(default_factory=dict)
    templates: dict[str, str] = Field(default_factory=dict)
    outbox: OutboxSettings = OutboxSettings()


DispatchMode = Literal["least_loaded", "grab"]


class DispatchSettings(_Section):
    """Per ticket kind: assign to the least-loaded matching staff on duty, or offer to all (抢单)."""

    repair: DispatchMode = "least_loaded"
    emergency: DispatchMode = "least_loaded"
    complaint: DispatchMode = "least_loaded"
    suggestion: DispatchMode = "least_loaded"
    release: DispatchMode = "least_loaded"


class ScheduleSettings(_Section):
    """When the periodic jobs run: crontab lines (minute hour day month weekday), local time."""

    tick_seconds: int = Field(default=30, gt=0)
    fee_reminders: str = "0 10 5 * *"
    daily_summary: str = "30 8 * * *"
    weekly_report: str = "0 9 * * mon"
    monthly_report: str = "0 9 1 * *"
    prune: str = "30 3 * * *"  # records that serve a moment (see handlers/pruning.py)
    catch_up_days: int = Field(default=3, gt=0)  # a run missed while the service was down is made up within

    @field_validator("fee_reminders", "daily_summary", "weekly_report", "monthly_report", "prune")
    @classmethod
    def _crontab(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as error:
            raise ValueError(f"not a crontab line ({error})") from None
        return value


class WebhookSettings(_Section):
    reply_deadline_seconds: float = Field(default=4.0, gt=0, lt=5)
    max_body_bytes: int = Field(default=65536, gt=0)
    passive_reply_max_bytes: int = Field(default=2048, ge=64)
    # A signed request is accepted only this close to now (WeChat retries for about 15 s; clocks drift).
    replay_window_seconds: int = Field(default=300, ge=30, le=3600)
    read_timeout_seconds: float = Field(default=10.0, gt=0, le=60)  # the whole body must arrive within
    # With WECHAT_AES_KEY set, plaintext requests are refused unless the account is in 兼容模式.
    compatible_mode: bool = False
    # Small talk from owners with nothing going on answered without a transaction (embedded SQLite only).
    quick_replies: bool = True


class ConsoleSettings(_Section):
    """The staff console (docs/console.md): sessions, sign-in limits and the address invites link to."""

    public_url: str | None = None  # https://wy.example.com: where staff reach the service (invite links)
    idle_minutes: int = Field(default=30, gt=0)  # a session unused this long ends
    max_failed_signins: int = Field(default=5, gt=0)  # wrong passwords in a row before the lockout
    lockout_minutes: int = Field(default=15, gt=0)
    invite_hours: int = Field(default=72, gt=0)  # how long a set-password link works
    secure_cookie: bool = False  # true behind TLS (nginx): the cookie never travels over plain HTTP
    page_size: int = Field(default=30, gt=0, le=200)  # tickets per page of the board


class NoticeSettings(_Section):
    """Notices to the homes of an estate (docs/notices.md)."""

    remind_before_minutes: int = Field(default=60, gt=0)  # the reminder goes this long before a planned start
    unplanned_hours: int = Field(default=4, gt=0)  # how long a notice made from a ticket lasts unless told


class RetentionSettings(_Section):
    """How long records that only serve a moment are kept (the daily pruning job)."""

    processed_messages_days: int = Field(default=7, gt=0)  # dedupe, and the last messages shown to staff
    idle_accounts_days: int = Field(default=180, gt=0)  # accounts bound to nothing that have gone quiet
    finished_pushes_days: int = Field(default=180, gt=0)  # sent or dead outbox rows


# WeChat's custom-menu rules (menu/create, docs/menu.md): at most 3 top-level buttons of at most 5
# sub-buttons; WeChat shows 4 Chinese characters of a top-level name and 8 of a sub-button's (a
# Latin letter or digit is half a character) and refuses names over 16 and 60 bytes, keys over 128
# bytes and links over 1024 bytes.
MENU_MAX_BUTTONS = 3
MENU_MAX_SUB_BUTTONS = 5
MENU_NAME_WIDTH = {True: 8, False: 16}  # top level?: half-width units (a Chinese character is 2)
MENU_NAME_BYTES = {True: 16, False: 60}
MENU_KEY_BYTES = 128
MENU_URL_BYTES = 1024
_INTENT_LABEL = re.compile(r"[a-z][a-z0-9_]*")


def _name_width(name: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in name)


class MenuButton(_Section):
    """One button of the custom menu: a group of sub-buttons, a click that starts a flow, or a link.

    A click button carries ``key`` (the EventKey WeChat sends back when it is tapped) and ``intent``
    (the label of the flow the tap starts); a view button carries ``url``; a group carries
    ``sub_buttons`` and nothing else.
    """

    name: str
    key: str | None = None
    intent: str | None = None
    url: str | None = None
    sub_buttons: tuple[MenuButton, ...] = ()

    @field_validator("name", "key", "intent", "url")
    @classmethod
    def _trimmed(cls, value: str | None) -> str | None:
        return value.strip() if value is not None else None

    @property
    def kind(self) -> Literal["group", "click", "view"]:
        if self.sub_buttons:
            return "group"
        return "view" if self.url is not None else "click"

    def payload(self) -> dict[str, Any]:
        """The button as WeChat's menu/create takes it."""
        if self.kind == "group":
            return {"name": self.name, "sub_button": [button.payload() for button in self.sub_buttons]}
        if self.kind == "view":
            return {"type": "view", "name": self.name, "url": self.url}
        return {"type": "click", "name": self.name, "key": self.key}


class MenuSettings(_Section):
    """The official account's custom menu, set by `wuyebot menu push` (docs/menu.md)."""

    buttons: tuple[MenuButton, ...] = ()

    @model_validator(mode="after")
    def _wechat_rules(self) -> MenuSettings:
        if len(self.buttons) > MENU_MAX_BUTTONS:
            raise ValueError(f"WeChat allows at most {MENU_MAX_BUTTONS} top-level buttons, not {len(self.buttons)}")
        keys: set[str] = set()
        for button in self.buttons:
            _check_button(button, top=True, keys=keys)
            if len(button.sub_buttons) > MENU_MAX_SUB_BUTTONS:
                raise ValueError(f"button “{button.name}”: WeChat allows at most {MENU_MAX_SUB_BUTTONS} "
                                 f"sub-buttons, not {len(button.sub_buttons)}")
            for sub in button.sub_buttons:
                if sub.sub_buttons:
                    raise ValueError(f"button “{sub.name}”: a sub-button cannot have sub-buttons of its own")
                _check_button(sub, top=False, keys=keys)
        return self

    def intent_for(self, key: str | None) -> str | None:
        """The intent a click button's key starts; None for a key this menu does not have."""
        return next((button.intent for button in self.click_buttons() if button.key == key), None)

    def click_buttons(self) -> list[MenuButton]:
        return [button for top in self.buttons for button in (top.sub_buttons or (top,)) if button.kind == "click"]

    def payload(self) -> dict[str, Any]:
        """The body of WeChat's menu/create."""
        return {"button": [button.payload() for button in self.buttons]}


def _check_button(button: MenuButton, *, top: bool, keys: set[str]) -> None:
    """WeChat's rules for one button; the message names the button as operators wrote it."""
    level = "a top-level button" if top else "a sub-button"
    name = button.name.strip()
    if not name:
        raise ValueError(f"{level} has an empty name")
    where = f"button “{name}”"
    width = _name_width(name)
    if width > MENU_NAME_WIDTH[top] or len(name.encode("utf-8")) > MENU_NAME_BYTES[top]:
        raise ValueError(f"{where}: name too long for {level} (at most {MENU_NAME_WIDTH[top] // 2} "
                         f"Chinese characters or {MENU_NAME_WIDTH[top]} letters)")
    if button.sub_buttons:
        if button.key is not None or button.intent is not None or button.url is not None:
            raise ValueError(f"{where}: a button with sub_buttons takes no key, intent or url")
        return
    if button.url is not None:
        if button.key is not None or button.intent is not None:
            raise ValueError(f"{where}: a link button (url) takes no key or intent")
        if not button.url.startswith(("https://", "http://")):
            raise ValueError(f"{where}: url must start with https:// or http://")
        if len(button.url.encode("utf-8")) > MENU_URL_BYTES:
            raise ValueError(f"{where}: url longer than {MENU_URL_BYTES} bytes")
        return
    if not button.key or not button.intent:
        raise ValueError(f"{where}: give key and intent (a click button), url (a link) or sub_buttons")
    if len(button.key.encode("utf-8")) > MENU_KEY_BYTES or any(char.isspace() for char in button.key):
        raise ValueError(f"{where}: key must be at most {MENU_KEY_BYTES} bytes without spaces")
    if button.key in keys:
        raise ValueError(f"{where}: key {button.key} is used by another button")
    keys.add(button.key)
    if not _INTENT_LABEL.fullmatch(button.intent):
        raise ValueError(f"{where}: intent {button.intent!r} is not an intent label (such as repair, fee_query)")


class WechatCredentials(_Section):
    """Official-account credentials, from the environment only."""

    token: str
    appid: str | None
    secret: str | None
    aes_key: str | None
    api_base: str

    @property
    def sandbox(self) -> bool:
        """With no AppID nothing is sent to WeChat: pushes are stored for `wuyebot chat`."""
        return self.appid is None

    @model_validator(mode="after")
    def _consistent(self) -> WechatCredentials:
        if self.appid and not self.secret:
            raise ValueError("WECHAT_SECRET is required when WECHAT_APPID is set")
        if self.aes_key is not None and len(self.aes_key) != 43:
            raise ValueError("WECHAT_AES_KEY must be the 43-character EncodingAESKey")
        if self.aes_key is not None and not self.appid:
            raise ValueError("WECHAT_APPID is required when WECHAT_AES_KEY is set")
        if not self.api_base.endswith("/"):
            object.__setattr__(self, "api_base", self.api_base + "/")
        return self


class Settings(_Section):
    timezone: str = "Asia/Shanghai"
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    admin_token: str | None = None
    estate: EstateSettings
    service: ServiceSettings = ServiceSettings()
    sla: SlaSettings
    return_visit: ReturnVisitSettings
    calendar: CalendarSettings = CalendarSettings()
    quiet_hours: HoursWindow
    conversation: ConversationSettings = ConversationSettings()
    repair: RepairSettings = RepairSettings()
    fees: FeeSettings
    notifications: NotificationSettings = NotificationSettings()
    dispatch: DispatchSettings = DispatchSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    chase_interval_minutes: int = Field(default=60, gt=0)
    merge_window_minutes: int = Field(default=120, gt=0)
    webhook: WebhookSettings = WebhookSettings()
    retention: RetentionSettings = RetentionSettings()
    console: ConsoleSettings = ConsoleSettings()
    notices: NoticeSettings = NoticeSettings()
    menu: MenuSettings = MenuSettings()
    wechat: WechatCredentials
    # More estates (docs/estates.md). Each entry is an ``estate`` block of its own, plus any of
    # ESTATE_OVERRIDABLE that differs from the company's defaults above; an entry with the code of
    # ``estate`` refines it. Without ``estates`` the deployment serves ``estate`` alone.
    estates: tuple[dict[str, Any], ...] = ()
    _views: dict[str, Settings] | None = PrivateAttr(default=None)
    # FAQ answers edited in the staff console, (estate code, entry id) → answer: filled by the
    # service from the database (handlers/domain/faq_edits.py), shared by every estate's view.
    _faq_edits: dict[tuple[str, str], str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _estates(self) -> Settings:
        self._build_views()
        return self

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Settings:
        """A copy with its estates' views built again from it (they inherit what ``update`` changes)."""
        copied = super().model_copy(update=update, deep=deep)
        copied._build_views()
        return copied

    def _build_views(self) -> None:
        table: dict[str, Settings] = {}
        for index, raw in enumerate(self.estates):
            if not isinstance(raw, dict):
                raise ValueError(f"estates.{index}: must be a mapping with code and name")
            table_entry = _estate_view(self, raw, index)
            code = table_entry.estate.code
            if code in table:
                raise ValueError(f"estates.{index}.code: {code!r} is listed twice")
            table[code] = table_entry
        table = {self.estate.code: table.pop(self.estate.code, self), **table}  # the company's default first
        seen: dict[str, str] = {}
        for view in table.values():
            for name in view.estate.names:
                other = seen.setdefault(name, view.estate.code)
                if other != view.estate.code:
                    raise ValueError(f"estates: the name or alias {name!r} belongs to both {other} and "
                                     f"{view.estate.code}")
        for view in (self, *table.values()):
            view._views = table  # every view knows the others: for_estate works from any of them
            view._faq_edits = self._faq_edits

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite://… or postgresql+asyncpg://…")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def faq_edits(self) -> dict[tuple[str, str], str]:
        """FAQ answers edited in the console, by (estate code, kb.yaml entry id); the same from every view."""
        return self._faq_edits

    def faq_answer(self, entry_id: str, default: str) -> str:
        """This estate's answer to an FAQ entry: edited in the console, else its config's, else ``default``."""
        return self._faq_edits.get((self.estate.code, entry_id)) or self.estate.faq.get(entry_id, default)

    @property
    def estate_list(self) -> tuple[EstateSettings, ...]:
        """Every estate this deployment serves, in the file's order (the company's default first)."""
        return tuple(view.estate for view in self._estate_views().values())

    @property
    def company_default_estate(self) -> str:
        """The code of the company's default estate, the same from every estate's view."""
        return next(iter(self._estate_views()))

    @property
    def multi_estate(self) -> bool:
        return len(self._estate_views()) > 1

    def for_estate(self, code: str | None) -> Settings:
        """The settings as one estate sees them: its office, hours, calendar, prices and answers.

        An unknown or missing code gives the company's defaults (``estate``), so data written
        before estates existed keeps working.
        """
        views = self._estate_views()
        return views.get(code or self.estate.code) or views.get(self.estate.code) or self

    def wecom_robot_recipient(self, estate: str | None, team: str) -> str | None:
        """The outbox recipient of a team's WeCom group in an estate: the team's name for the company's
        default estate, ``code:team`` for another; None when that estate has no robot for the team."""
        view = self.for_estate(estate)
        if team not in view.notifications.wecom_robots:
            return None
        code = view.estate.code
        return team if code == self.company_default_estate else f"{code}:{team}"

    def wecom_robot_urls(self) -> dict[str, str]:
        """Every recipient of ``wecom_robot_recipient`` → its webhook URL (for the courier)."""
        urls: dict[str, str] = {}
        for code, view in self._estate_views().items():
            for team, url in view.notifications.wecom_robots.items():
                urls[team if code == self.company_default_estate else f"{code}:{team}"] = url
        return urls

    def _estate_views(self) -> dict[str, Settings]:
        return self._views if self._views is not None else {self.estate.code: self}


# The sections an estate may set for itself in ``estates``; the rest (SLA numbers, schedules, the
# webhook …) are the company's standards.
ESTATE_OVERRIDABLE = frozenset({"calendar", "quiet_hours", "repair", "fees", "return_visit"})


def _estate_view(base: Settings, raw: dict[str, Any], index: int) -> Settings:
    """``base`` with one ``estates`` entry laid over it (estate fields, then whole sections)."""
    raw = dict(raw)
    sections = {key: raw.pop(key) for key in list(raw) if key in ESTATE_OVERRIDABLE}
    if "notifications" in raw:
        robots = raw.pop("notifications")
        if not isinstance(robots, dict) or set(robots) - {"wecom_robots"}:
            raise ValueError(f"estates.{index}.notifications: only wecom_robots may differ by estate")
        sections["notifications"] = {**base.notifications.model_dump(), **robots}
    if "code" not in raw or "name" not in raw:
        raise ValueError(f"estates.{index}: needs a code and a name")
    inherited = base.estate.model_dump(exclude={"code", "name", "aliases", "faq", "address", "office_address"})
    try:
        estate = EstateSettings.model_validate({**inherited, **raw})
        merged = {key: _overlay(getattr(base, key).model_dump(), value) for key, value in sections.items()}
        return base.model_copy(update={"estate": estate, "estates": (), **{
            key: type(getattr(base, key)).model_validate(value) for key, value in merged.items()}})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            allowed = ", ".join(sorted(ESTATE_OVERRIDABLE))
            message = (f"is not a known setting of an estate (its estate fields, {allowed} and "
                       f"notifications.wecom_robots may differ by estate)")
        raise ValueError(f"estates.{index}.{where}: {message}") from None


def _overlay(base: Any, value: Any) -> Any:
    """A section's defaults with an estate's values over them, mapping by mapping."""
    if isinstance(base, dict) and isinstance(value, dict):
        return {**base, **{key: _overlay(base.get(key), item) for key, item in value.items()}}
    return value


# Environment variable → key in the settings tree. Secrets are only ever read from here.
_ENVIRONMENT = {
    "WUYEBOT_DATABASE_URL": ("database_url",),
    "WUYEBOT_HOST": ("host",),
    "WUYEBOT_PORT": ("port",),
    "WUYEBOT_ADMIN_TOKEN": ("admin_token",),
    "WECHAT_TOKEN": ("wechat", "token"),
    "WECHAT_APPID": ("wechat", "appid"),
    "WECHAT_SECRET": ("wechat", "secret"),
    "WECHAT_AES_KEY": ("wechat", "aes_key"),
    "WECHAT_API_BASE": ("wechat", "api_base"),
}
_SECRET_KEYS = {"admin_token", "wechat"}


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the YAML file, apply the environment, validate; raise SettingsError on any fault."""
    environ = os.environ if environ is None else environ
    config_path = Path(path or environ.get("WUYEBOT_CONFIG") or DEFAULT_CONFIG_PATH)
    raw = _read_yaml(config_path)
    for key in _SECRET_KEYS & raw.keys():
        raise SettingsError(f"{config_path}: {key}: secrets belong in environment variables, not in the file")
    raw["wechat"] = {
        "token": None,
        "appid": None,
        "secret": None,
        "aes_key": None,
        "api_base": DEFAULT_WECHAT_API_BASE,
    }
    for variable, key_path in _ENVIRONMENT.items():
        value = environ.get(variable)
        if value is not None and value.strip() != "":
            _set_path(raw, key_path, value.strip())
    if raw["wechat"]["token"] is None:
        if raw["wechat"]["appid"]:
            raise SettingsError("WECHAT_TOKEN: required when WECHAT_APPID is set")
        raw["wechat"]["token"] = SANDBOX_TOKEN
    try:
        return Settings.model_validate(raw)
    except ValidationError as error:
        raise SettingsError(_describe(config_path, error)) from None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = read_yaml(path, missing_hint=" (set WUYEBOT_CONFIG to its path)")
    except YamlFileError as error:
        raise SettingsError(str(error)) from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: must be a mapping of settings")
    return data


def _set_path(tree: dict[str, Any], key_path: tuple[str, ...], value: str) -> None:
    node = tree
    for key in key_path[:-1]:
        node = node.setdefault(key, {})
    node[key_path[-1]] = value


def _describe(path: Path, error: ValidationError) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(root)"
    variable = next((name for name, kp in _ENVIRONMENT.items() if ".".join(kp) == key), None)
    where = variable or ("environment" if key == "wechat" else str(path) if key == "(root)" else f"{path}: {key}")
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "missing":
        message = "is missing"
    elif first["type"] == "extra_forbidden":
        message = "is not a known setting"
    more = f" (and {len(error.errors()) - 1} more)" if len(error.errors()) > 1 else ""
    return f"{where}: {message}{more}"
