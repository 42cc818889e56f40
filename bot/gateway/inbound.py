"""Safe parsing of WeChat's XML into an :class:`Inbound` message the rest of the service reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy import parse_message
from wechatpy.messages import BaseMessage, UnknownMessage

# Kinds the dispatcher understands; everything else arrives as "unsupported".
TEXT, VOICE, IMAGE, LOCATION, LINK, EVENT, UNSUPPORTED = (
    "text", "voice", "image", "location", "link", "event", "unsupported",
)


class MalformedMessage(Exception):
    """The body is not a WeChat message we may read (bad XML, a DTD or entities, missing fields)."""


@dataclass(frozen=True)
class Inbound:
    """One message or event from an owner or staff member, reduced to what the service uses."""

    openid: str
    account: str  # our official account's id (ToUserName), the sender of any passive reply
    kind: str
    created_at: datetime
    msg_id: str | None = None
    text: str = ""  # text content, a voice message's recognition, a link's title
    event: str | None = None  # subscribe, unsubscribe, click, scan, … (lower case)
    event_key: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # media, location and link details

    @property
    def dedupe_key(self) -> str:
        """WeChat retries a message with the same MsgId; an event with the same sender and CreateTime."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return f"evt:{self.openid}:{int(self.created_at.timestamp())}:{self.event or self.kind}:{self.event_key or ''}"


# A DTD, and with it any entity, can only come as a markup declaration (<!DOCTYPE …>); a body with
# no "<!" but CDATA sections and no encoding declaration has none, so defusedxml's parse (which
# costs as much as the message's own) is spared for what WeChat really sends.
_DECLARATION = re.compile(r"<!(?!\[CDATA\[)|encoding\s*=")


def check_xml(body: str) -> None:
    """Refuse anything that is not plain, well-formed XML: no DOCTYPE, no entity declarations.

    Well-formedness itself is left to the parser that reads the message.
    """
    if _DECLARATION.search(body) is None:
        return
    try:
        fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException) as error:
        raise MalformedMessage(f"{type(error).__name__}: {error}") from None


def read_encrypted_envelope(body: str) -> str:
    """The ``Encrypt`` field of a safe-mode envelope (checked XML)."""
    check_xml(body)
    try:
        element = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException) as error:
        raise MalformedMessage(f"{type(error).__name__}: {error}") from None
    encrypted = element.findtext("Encrypt")
    if not encrypted:
        raise MalformedMessage("safe-mode body without Encrypt")
    return encrypted


def parse_inbound(xml: str) -> Inbound:
    """Parse a plaintext message; refuse DTDs first, since wechatpy's parser would expand entities."""
    check_xml(xml)
    try:
        message = parse_message(xml)
    except ExpatError as error:
        raise MalformedMessage(f"ExpatError: {error}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise MalformedMessage(f"not a WeChat message: {error!r}") from None
    if message is None:
        raise MalformedMessage("empty message")
    return _to_inbound(message)


def _to_inbound(message: BaseMessage) -> Inbound:
    raw: dict[str, object] = message._data  # wechatpy keeps the parsed fields here

    def field(name: str) -> str:
        """A field as text; an element where text belongs (<Content><b>x</b></Content>) is malformed."""
        value = raw.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise MalformedMessage(f"{name} is not text")
        return value

    openid = field("FromUserName").strip()
    if not openid:
        raise MalformedMessage("FromUserName missing")
    try:
        created_at = datetime.fromtimestamp(int(field("CreateTime") or 0), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise MalformedMessage("CreateTime is not a timestamp") from None
    msg_id = field("MsgId") or None
    common = {"openid": openid, "account": field("ToUserName"), "created_at": created_at, "msg_id": msg_id}
    message_type = field("MsgType").lower()

    if isinstance(message, UnknownMessage) and message_type != "event":
        return Inbound(kind=UNSUPPORTED, extra={"type": message_type}, **common)
    if message_type == "text":
        return Inbound(kind=TEXT, text=field("Content"), **common)
    if message_type == "voice":
        return Inbound(kind=VOICE, text=field("Recognition"), extra={"media_id": field("MediaId")}, **common)
    if message_type == "image":
        return Inbound(kind=IMAGE, extra={"pic_url": field("PicUrl"), "media_id": field("MediaId")}, **common)
    if message_type == "location":
        extra = {"latitude": field("Location_X"), "longitude": field("Location_Y"), "label": field("Label")}
        return Inbound(kind=LOCATION, extra=extra, **common)
    if message_type == "link":
        return Inbound(kind=LINK, text=field("Title"),
                       extra={"url": field("Url"), "description": field("Description")}, **common)
    if message_type == "event":
        event = field("Event").lower()
        key = field("EventKey")
        return Inbound(kind=EVENT, event=event or "unknown", event_key=key or None, **common)
    return Inbound(kind=UNSUPPORTED, extra={"type": message_type}, **common)
