"""Safe parsing of WeChat's XML into an :class:`Inbound` message the rest of the service reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TypedDict
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy import parse_message
from wechatpy.messages import BaseMessage, UnknownMessage

from bot.messages import EVENT, IMAGE, LINK, LOCATION, TEXT, UNSUPPORTED, VOICE, Inbound

MAX_OPENID = 64  # WeChat's openids are 28 characters; the column holds 64
MAX_MSG_ID = 32  # a 64-bit number in decimal


class MalformedMessage(Exception):
    """The body is not a WeChat message we may read (bad XML, a DTD or entities, missing fields)."""


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
    except DefusedXmlException:
        raise MalformedMessage("DTDs, entities and external references are not allowed") from None
    except ParseError:
        raise MalformedMessage("the body is not well-formed XML") from None


def read_encrypted_envelope(body: str) -> str:
    """The ``Encrypt`` field of a safe-mode envelope (checked XML)."""
    check_xml(body)
    try:
        element = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise MalformedMessage("DTDs, entities and external references are not allowed") from None
    except ParseError:
        raise MalformedMessage("the body is not well-formed XML") from None
    encrypted = element.findtext("Encrypt")
    if not encrypted:
        raise MalformedMessage("safe-mode body without Encrypt")
    return encrypted


def parse_inbound(xml: str) -> Inbound:
    """Parse a plaintext message; refuse DTDs first, since wechatpy's parser would expand entities."""
    check_xml(xml)
    try:
        message = parse_message(xml)
    except ExpatError:
        raise MalformedMessage("the body is not well-formed XML") from None
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError):
        raise MalformedMessage("the XML is not a WeChat message") from None
    if message is None:
        raise MalformedMessage("empty message")
    return _to_inbound(message)


class _Common(TypedDict):
    """The fields every kind of message has."""

    openid: str
    account: str
    created_at: datetime
    msg_id: str | None


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
    if len(openid) > MAX_OPENID or any(char.isspace() or ord(char) < 32 for char in openid):
        raise MalformedMessage("FromUserName is not an openid")
    try:
        created_at = datetime.fromtimestamp(int(field("CreateTime") or 0), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise MalformedMessage("CreateTime is not a timestamp") from None
    msg_id = field("MsgId").strip() or None
    if msg_id is not None and (len(msg_id) > MAX_MSG_ID or not msg_id.isascii() or not msg_id.isalnum()):
        raise MalformedMessage("MsgId is not a message id")
    common: _Common = {"openid": openid, "account": field("ToUserName"), "created_at": created_at, "msg_id": msg_id}
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
        event = field("Event").lower()[:40]
        key = field("EventKey")[:200]
        return Inbound(kind=EVENT, event=event or "unknown", event_key=key or None, **common)
    return Inbound(kind=UNSUPPORTED, extra={"type": message_type}, **common)
