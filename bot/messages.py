"""One message or event from WeChat, as the rest of the service reads it (after the gateway parsed it)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

# Kinds the dispatcher understands; everything else arrives as "unsupported".
TEXT, VOICE, IMAGE, LOCATION, LINK, EVENT, UNSUPPORTED = (
    "text", "voice", "image", "location", "link", "event", "unsupported",
)


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
        """WeChat retries a message with the same sender and MsgId; an event with the same sender and
        CreateTime. The sender is part of the key: a MsgId is only unique per sender as far as we can
        trust it, and a stored reply must never reach another owner."""
        if self.msg_id:
            return f"msg:{self.openid}:{self.msg_id}"
        key = self.event_key or ""
        if len(key) > 40:
            key = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return f"evt:{self.openid}:{int(self.created_at.timestamp())}:{self.event or self.kind}:{key}"

    def to_record(self) -> dict[str, Any]:
        """The message as JSON, for a row that outlives the process (``models.DeferredMessage``)."""
        return {**asdict(self), "created_at": self.created_at.isoformat()}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Inbound:
        """The message written by ``to_record``."""
        return cls(**{**record, "created_at": datetime.fromisoformat(record["created_at"]),
                      "extra": dict(record.get("extra") or {})})
