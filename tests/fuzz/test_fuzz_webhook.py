"""Fuzzing ``GET/POST /wechat`` (docs/security.md, docs/api.md): whatever arrives, never a 5xx, never a
hung request, and nothing stored from a refused request.

Four properties, each on one live server (the real NLU and flows, a seeded estate), examples made by
hypothesis (see tests/fuzz/conftest.py for how it drives the async server):

- mutated WeChat XML, signed: fields dropped, duplicated, nested, unknown types, odd numbers, control
  characters, lone surrogates, CDATA tricks, DTDs and entities, GBK / UTF-16 bodies, bodies around and
  over the 64 KiB limit;
- random bytes, signed;
- the query mutated (signature, timestamp, nonce, echostr, odd percent-escapes and raw bytes) on GET
  and POST, and a signed pair replayed with another body;
- safe mode (``encrypt_type=aes``): envelopes with mutated ``Encrypt`` payloads, wrong ``msg_signature``,
  truncated base64, garbage plaintext well encrypted, another appid or key inside, plaintext bodies.

Where the input is known to be unacceptable (a DTD, not UTF-8, over the limit, a bad signature, a
stale timestamp, a foreign appid ...) the answer must be a 4xx; any 4xx must leave every table as it was.
A request the service accepts may write (the account, the dedupe record, a ticket ...). An accepted
message must not end in a swallowed exception (the 'system busy' reply hides a crash from the status).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import pytest
from hypothesis import strategies as st
from wechatpy.crypto import PrpCrypto, WeChatCrypto

from bot.gateway.signature import sign
from bot.keys import SESSIONS
from tests.conftest import AES_KEY
from tests.fuzz.conftest import STATUSES, ErrorLog, Snapshots, fuzz, raw_request, send, short
from tests.support.estate import seed_estate

LIMIT = 64 * 1024  # webhook.max_body_bytes in config.yaml
APPID = "wx-fuzz-app"
TOKEN = "fuzz-token"
OTHER_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"

# ---------------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------------

CONTROL = "".join(chr(code) for code in (*range(32), 0x7F, 0x85, 0xFFFE, 0xFFFF, 0x2028, 0x202E))
WORDS = ["你好", "厨房水管漏水了", "3栋电梯困人了快来人", "转人工", "查物业费", "确认", "取消", "接单 R20261123001",
         "完工 R20261123001", "员工绑定 12345678", "绑定 3-2-501 13800000001", "我要投诉保安态度差", "登记访客 明天",
         "進度查詢", "唔該幫我報修", "]]>", "<b>x</b>", "&amp;&lt;", "%s%n", "\u202e\u0000"]
OPENIDS = ["o-fuzz-owner", "staff-wang", "staff-zhao", "staff-chen", "o-" + "x" * 62, "o-" + "x" * 63]
TYPES = ["text", "voice", "image", "location", "link", "event", "video", "shortvideo", "file", "", "TEXT",
         "Event", "miniprogrampage", "text\x00"]
EVENTS = ["subscribe", "unsubscribe", "CLICK", "VIEW", "SCAN", "LOCATION", "TEMPLATESENDJOBFINISH", "", "x" * 300]
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", " ", "12a", "0x10", "1e9", "1.5", "-1", "9" * 30, "9" * 400, "²", "٣", "１２３",
                     " 1700000000 ", "+1700000000", "1_700_000_000", "nan", "inf", "\u0661\u0662"]),
)
TEXT = st.one_of(st.sampled_from(WORDS), st.text(max_size=300),
                 st.text(alphabet=st.sampled_from(CONTROL + "ab<>&]]"), max_size=40),
                 st.text(alphabet=st.characters(codec="utf-8"), max_size=100))
# what XML 1.0 can carry (no C0 controls but tab and newlines, no surrogates), CDATA's end excluded
XML_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"], include_characters="\t\n"),
                   max_size=200).map(lambda text: text.replace("]]>", "]]"))
# lone surrogates: the body is then written with ``surrogatepass``, which is not UTF-8 at all
SURROGATES = st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=4)

BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                            for i in range(1, 10))
                  + "]>")
PROLOGUES = [
    "", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="gbk"?>',
    '<?xml version="1.0" encoding="UTF-16"?>', "\ufeff", "<!-- comment -->", "<?pi data?>", "  \n",
    '<!DOCTYPE xml SYSTEM "http://127.0.0.1:9/evil.dtd">', '<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE xml [<!ENTITY e "expanded">]>', BILLION_LAUGHS, '<!DOCTYPE xml [<!ENTITY % p SYSTEM "file:///x"> %p;]>',
    "<!DOCTYPE xml>", "<![CDATA[x]]>",
]
ENTITY_VALUES = ["&e;", "&lol9;", "&#0;", "&#xD800;", "&#x110000;", "&#65;", "&nbsp;", "&unknown;", "&amp"]
SUFFIXES = ["", "\n", "<xml/>", "garbage", "<!-- c -->", "\x00", "</xml>", "<![CDATA["]

MUST_REFUSE_PROLOGUE = ("DOCTYPE", "ENTITY")
MSG_IDS = itertools.count(7_000_000_000)


@dataclass(frozen=True)
class Case:
    body: bytes
    must_refuse: str | None  # why this body can only be refused (None: either outcome is right)
    shown: str


def element(name: str, value: str, style: str) -> str:
    if style == "cdata":
        return f"<{name}><![CDATA[{value}]]></{name}>"
    if style == "escaped":
        return f"<{name}>{value.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</{name}>"
    if style == "raw":
        return f"<{name}>{value}</{name}>"
    if style == "split-cdata":  # ]]> split across two sections, as WeChat's own replies do
        return f"<{name}><![CDATA[{value.replace(']]>', ']]]]><![CDATA[>')}]]></{name}>"
    if style == "nested":
        return f"<{name}><b>{value}</b></{name}>"
    if style == "attribute":
        return f'<{name} a="1" xmlns:x="urn:x">{value}</{name}>'
    return f"<{name}/>"


@st.composite
def mutated_messages(draw: st.DrawFn) -> Case:
    # Half the examples keep the envelope sound and mutate only the fields, so that many reach the flows.
    sound = draw(st.booleans())
    msg_type = draw(st.one_of(st.sampled_from(TYPES), st.text(max_size=12)))
    fields: list[tuple[str, str]] = [
        ("ToUserName", draw(st.sampled_from(["gh_test_account", "", "gh_" + "a" * 500]))),
        ("FromUserName", draw(st.sampled_from(OPENIDS) if sound else st.one_of(st.sampled_from(OPENIDS),
                                                                                 st.text(max_size=80)))),
        ("CreateTime", draw(st.sampled_from([NOW, NOW, "0", "-1", "9" * 30]) if sound
                            else st.one_of(st.just(NOW), NUMBERS))),
        ("MsgType", msg_type),
    ]
    content = draw(st.one_of(XML_TEXT, st.sampled_from(WORDS)) if sound else TEXT)
    extra = {
        "text": [("Content", content)],
        "voice": [("MediaId", "m1"), ("Format", "amr"), ("Recognition", content)],
        "image": [("PicUrl", content), ("MediaId", "m1")],
        "location": [("Location_X", draw(NUMBERS)), ("Location_Y", draw(NUMBERS)), ("Scale", "15"), ("Label", content)],
        "link": [("Title", content), ("Description", content), ("Url", content)],
        "event": [("Event", draw(st.sampled_from(EVENTS))), ("EventKey", content)],
    }.get(msg_type.lower(), [("Content", content)])
    fields += extra
    msg_ids = st.integers(min_value=1, max_value=2**64).map(str)
    fields.append(("MsgId", draw(msg_ids if sound else st.one_of(msg_ids, NUMBERS))))
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        mutation = draw(st.sampled_from(["drop", "duplicate", "unknown", "swap", "empty"]))
        index = draw(st.integers(min_value=0, max_value=len(fields) - 1))
        if mutation == "drop" and len(fields) > 1:
            fields.pop(index)
        elif mutation == "duplicate":
            fields.insert(index, (fields[index][0], draw(XML_TEXT if sound else TEXT)))
        elif mutation == "unknown":
            fields.insert(index, (draw(st.sampled_from(["Foo", "Encrypt", "MsgID", "x-y", "a.b"])),
                                  draw(XML_TEXT if sound else TEXT)))
        elif mutation == "swap":
            fields[index] = (fields[index][0], draw(XML_TEXT if sound else TEXT))
        else:
            fields[index] = (fields[index][0], "")
    styles = st.sampled_from(["cdata", "cdata", "escaped"] if sound else
                             ["cdata", "cdata", "escaped", "raw", "split-cdata", "nested", "attribute", "empty"])
    inner = "".join(element(name, value, draw(styles)) for name, value in fields)
    if not sound and draw(st.booleans()):
        inner += f"<Content>{draw(st.sampled_from(ENTITY_VALUES))}</Content>"
    root = "xml" if sound else draw(st.sampled_from(["xml", "xml", "xml", "XML", "root", "x:xml"]))
    prologue = "" if sound else draw(st.sampled_from(PROLOGUES))
    suffix = "" if sound else draw(st.sampled_from(SUFFIXES))
    text = f"{prologue}<{root}>{inner}</{root}>{suffix}"
    if not sound and draw(st.integers(min_value=0, max_value=4)) == 0:
        text = text.replace("</Content>", draw(SURROGATES) + "</Content>", 1)
    target = None if sound else draw(st.sampled_from([None, None, LIMIT - 1, LIMIT, LIMIT + 1, 3 * LIMIT, 1_000_000]))
    encoding = "utf-8" if sound else draw(st.sampled_from(
        ["utf-8"] * 3 + ["utf-8-sig", "gbk", "utf-16", "utf-16-le", "latin-1", "big5"]))
    body = text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    if target is not None and len(body) < target:
        pad = "长".encode(encoding, "replace")
        marker = "</Content>".encode(encoding)
        filler = pad * ((target - len(body)) // len(pad) + 1)
        body = body.replace(marker, filler + marker, 1) if marker in body else body + filler
        body = body[:target] if len(body) > target and marker not in body else body
    must_refuse = None
    if any(word in prologue for word in MUST_REFUSE_PROLOGUE):
        must_refuse = "a DTD or entity declaration"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        must_refuse = "the body is not UTF-8"
    if len(body) > LIMIT:
        must_refuse = "the body is over the limit"
    return Case(body, must_refuse, short(text))


NOW = "1764806400"  # a CreateTime of the right form (WeChat's clock is not checked against it)


# ---------------------------------------------------------------------------------------------------
# Worlds
# ---------------------------------------------------------------------------------------------------


async def plain_service(make_settings: Any, start_service: Any) -> Any:
    service = await start_service(make_settings(), run_sender=False, run_scheduler=False)
    async with service.app[SESSIONS].begin() as session:
        await seed_estate(session)
    return service


async def safe_service(make_settings: Any, start_service: Any) -> Any:
    settings = make_settings(WECHAT_TOKEN=TOKEN, WECHAT_APPID=APPID, WECHAT_SECRET="s", WECHAT_AES_KEY=AES_KEY,
                             WECHAT_API_BASE="http://127.0.0.1:9/cgi-bin/")
    service = await start_service(settings, run_sender=False, run_scheduler=False)
    async with service.app[SESSIONS].begin() as session:
        await seed_estate(session)
    return service


def fresh_params(token: str) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
    return {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}


def message(openid: str = "o-fuzz-owner", text: str = "你好", msg_id: int | None = None) -> str:
    msg_id = next(MSG_IDS) if msg_id is None else msg_id
    return (f"<xml><ToUserName><![CDATA[gh_test_account]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{NOW}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")


def wall_clock(timestamp: str) -> str:
    """A drawn timestamp as sent: "@<offset>" from now, or an odd form of now, or the literal."""
    now = int(time.time())
    forms = {"@zfill": f"{now}".zfill(12), "@fullwidth": f"０{now}", "@newline": f"{now}\n", "@space": f" {now}"}
    if timestamp in forms:
        return forms[timestamp]
    return str(now + int(timestamp[1:])) if timestamp.startswith("@") else timestamp


def check_answer(status: int, body: bytes, must_refuse: str | None, what: str, swallowed: ErrorLog) -> bool:
    """The common property; returns whether the request was refused."""
    STATUSES[status] += 1
    assert status < 500, f"{status} for {what}: {body[:200]!r}"
    assert status != 0, f"no HTTP answer for {what}"
    refused = 400 <= status < 500
    if must_refuse is not None:
        assert refused, f"accepted ({status}) although {must_refuse}: {what}: {body[:200]!r}"
    crashes = swallowed.take()
    assert not crashes, f"an exception was swallowed for {what}: {crashes}"
    return refused


# ---------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------


async def test_mutated_plaintext_messages(make_settings, start_service, swallowed) -> None:  # type: ignore[no-untyped-def]
    service = await plain_service(make_settings, start_service)
    snapshots = Snapshots(service.app)
    token = service.wechat.token

    async def prop(case: Case) -> None:
        await snapshots.before()
        answer = await send(service.http, "POST", service.wechat.url, params=fresh_params(token), data=case.body,
                            headers={"Content-Type": "text/xml"})
        refused = check_answer(answer.status, answer.body, case.must_refuse, case.shown, swallowed)
        await snapshots.after(refused, case.shown)

    await fuzz(mutated_messages(), prop, examples=300)


async def test_random_bytes(make_settings, start_service, swallowed) -> None:  # type: ignore[no-untyped-def]
    service = await plain_service(make_settings, start_service)
    snapshots = Snapshots(service.app)
    token = service.wechat.token
    bodies = st.one_of(st.binary(max_size=3000), st.binary(min_size=LIMIT - 8, max_size=LIMIT + 8),
                       st.builds(lambda head, tail: head + message(msg_id=1).encode() + tail,
                                 st.binary(max_size=20), st.binary(max_size=20)),
                       st.builds(lambda cut: message(msg_id=2).encode()[:cut], st.integers(min_value=0, max_value=400)))

    async def prop(case: tuple[bytes, str]) -> None:
        body, content_type = case
        await snapshots.before()
        answer = await send(service.http, "POST", service.wechat.url, params=fresh_params(token), data=body,
                            headers={"Content-Type": content_type})
        must = "over the limit" if len(body) > LIMIT else None
        refused = check_answer(answer.status, answer.body, must, f"{content_type}: {short(body)}", swallowed)
        await snapshots.after(refused, short(body))

    content_types = st.sampled_from(["text/xml", "application/octet-stream", "application/x-www-form-urlencoded",
                                     "multipart/form-data; boundary=x", "application/json", "text/xml; charset=gbk"])
    await fuzz(st.tuples(bodies, content_types), prop, examples=100)


ODD_VALUES = ["", " ", "%ff", "%00", "%C2%B2", "%D9%A3", "０", "²", "-1", "+1", "1e3", "9" * 13, "9" * 400,
              "%E4%BD%A0", "a&b=c", "%", "%%", "%zz", "\u202e", "x" * 5000]


@st.composite
def query_cases(draw: st.DrawFn) -> tuple[str, dict[str, str], str]:
    """(method, query values as they go on the wire, how the signature is mangled)."""
    # "@<offset>": that many seconds from the wall clock when sent (a strategy must not read the clock)
    timestamp = draw(st.one_of(
        st.just("@0"), st.integers(min_value=-1000, max_value=1000).map(lambda offset: f"@{offset}"),
        st.integers(min_value=-(2**64), max_value=2**64).map(str), st.sampled_from(ODD_VALUES),
        st.sampled_from(["@zfill", "@fullwidth", "@newline", "@space"])))
    nonce = draw(st.one_of(st.text(alphabet="0123456789abcdef", min_size=1, max_size=16), st.sampled_from(ODD_VALUES),
                           st.text(max_size=50), st.just("n" * 3000)))
    method = draw(st.sampled_from(["GET", "POST"]))
    query = {"timestamp": timestamp, "nonce": nonce, "echostr": draw(st.one_of(st.sampled_from(ODD_VALUES),
                                                                                  st.text(max_size=30)))}
    signature_style = draw(st.sampled_from(["right", "upper", "wrong", "missing", "odd", "twice"]))
    return method, query, signature_style


async def test_mutated_query(make_settings, start_service, swallowed) -> None:  # type: ignore[no-untyped-def]
    """signature/timestamp/nonce/echostr mangled, as decoded values and as raw percent-escapes and bytes."""
    service = await plain_service(make_settings, start_service)
    snapshots = Snapshots(service.app)
    token = service.wechat.token
    host = service.url.removeprefix("http://")

    async def prop(case: tuple[str, dict[str, str], str]) -> None:
        method, query, style = case
        query = dict(query)
        query["timestamp"] = wall_clock(query["timestamp"])
        # The values as the server decodes them (raw '%xx' escapes included): what a token holder signs.
        decoded = {name: unquote(value, errors="replace") for name, value in query.items()}
        right = sign(token, decoded["timestamp"], decoded["nonce"])
        signature = {"right": right, "upper": right.upper(), "wrong": "0" * 40, "missing": None,
                     "odd": "zz" + right[2:], "twice": right}[style]
        parts = [f"{name}={quote(value, safe='%') if '%' in value else quote(value)}" for name, value in query.items()]
        if signature is not None:
            parts.append(f"signature={signature}")
        if style == "twice":
            parts.insert(0, "signature=" + "1" * 40)  # the first of two wins in aiohttp's query.get
        body = message().encode() if method == "POST" else b""
        request = (f"{method} /wechat?{'&'.join(parts)} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body)}\r\n"
                   f"Content-Type: text/xml\r\nConnection: close\r\n\r\n").encode() + body
        what = f"{method} {short(parts, 300)}"
        await snapshots.before()
        answer = await raw_request(service.url, request)
        stamp = decoded["timestamp"]
        must = None
        if style in ("wrong", "missing", "odd", "twice"):
            must = "the signature is wrong"
        elif not stamp.strip().isdigit() or (stamp.isascii() and abs(int(stamp) - time.time()) > 310):
            must = "the timestamp is outside the replay window or not a number"  # 290-310 s: the edge, either
        refused = check_answer(answer.status, answer.body, must, what, swallowed)
        await snapshots.after(refused, what)

    await fuzz(query_cases(), prop, examples=120)


async def test_a_signed_pair_replayed_with_another_body(make_settings, start_service, swallowed) -> None:  # type: ignore[no-untyped-def]
    service = await plain_service(make_settings, start_service)
    snapshots = Snapshots(service.app)
    token = service.wechat.token

    async def prop(case: tuple[str, str]) -> None:
        openid, text = case
        params = fresh_params(token)
        first = await send(service.http, "POST", service.wechat.url, params=params, data=message().encode())
        assert first.status == 200, first.text
        await snapshots.after(False, "the first, accepted, message")
        await snapshots.before()
        body = message(openid, text.replace("]]>", "")).encode("utf-8", "surrogatepass")
        answer = await send(service.http, "POST", service.wechat.url, params=params, data=body)
        refused = check_answer(answer.status, answer.body, "the pair came before with another body", short(case),
                               swallowed)
        await snapshots.after(refused, short(case))

    await fuzz(st.tuples(st.sampled_from(OPENIDS), TEXT), prop, examples=30)


# ---------------------------------------------------------------------------------------------------
# Safe mode
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SafeCase:
    plain: str  # what is encrypted
    crypto: str  # ours, other-appid, other-key, empty-appid
    mutation: str  # what is done to the ciphertext
    at: int  # where a flip or a cut happens (a fraction of the length, in thousandths)
    extra: str  # padding, or the replacement text
    signed_over: str  # ciphertext, wrong, missing, original
    envelope: str  # normal, no-encrypt, two-encrypts, doctype, nested, plaintext-body
    encrypt_type: str

    def must_refuse(self) -> str | None:
        reasons = []
        if self.crypto != "ours":
            reasons.append(f"encrypted for {self.crypto}")
        if self.signed_over != "ciphertext":
            reasons.append(f"msg_signature is {self.signed_over}")
        if self.envelope != "normal":
            reasons.append(f"the envelope is {self.envelope}")
        if self.mutation in ("flip", "truncate", "not-base64", "empty", "huge", "random-base64"):
            reasons.append(f"the ciphertext is {self.mutation}")
        if not self.plain.startswith("<xml>"):
            reasons.append("the plaintext is not a message")
        if self.encrypt_type.lower() != "aes":
            reasons.append("plaintext in safe mode")
        return "; ".join(reasons) or None

    def ciphertext(self) -> str:
        key, appid = {"ours": (AES_KEY, APPID), "other-appid": (AES_KEY, "wx-someone-else"),
                      "other-key": (OTHER_KEY, APPID), "empty-appid": (AES_KEY, "")}[self.crypto]
        encrypted = PrpCrypto(WeChatCrypto(TOKEN, key, appid or "x").key).encrypt(self.plain, appid)
        encrypted = encrypted.decode() if isinstance(encrypted, bytes) else str(encrypted)
        at = max(1, len(encrypted) * self.at // 1000)
        if self.mutation == "flip":
            encrypted = encrypted[:at - 1] + ("A" if encrypted[at - 1] != "A" else "B") + encrypted[at:]
        elif self.mutation == "truncate":
            encrypted = encrypted[:min(at, len(encrypted) - 1)]
        elif self.mutation == "pad":
            encrypted += self.extra
        elif self.mutation == "not-base64":
            encrypted = self.extra
        elif self.mutation == "empty":
            encrypted = ""
        elif self.mutation == "huge":
            encrypted = base64.b64encode(b"\x5a" * 60_000).decode()
        elif self.mutation == "whitespace":
            encrypted = " \n" + encrypted + "\t"
        elif self.mutation == "random-base64":
            encrypted = base64.b64encode(self.extra.encode("utf-8", "surrogatepass")).decode()
        return encrypted

    def body(self, encrypted: str) -> str:
        return {
            "normal": f"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>",
            "no-encrypt": "<xml><ToUserName>gh</ToUserName></xml>",
            "two-encrypts": f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt><Encrypt>AAAA</Encrypt></xml>",
            "doctype": f'<!DOCTYPE xml [<!ENTITY e "x">]><xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>',
            "nested": f"<xml><Encrypt><x>{encrypted}</x></Encrypt></xml>",
            "plaintext-body": self.plain,
        }[self.envelope]


def safe_cases() -> st.SearchStrategy[SafeCase]:
    plain = st.one_of(st.builds(message, st.sampled_from(OPENIDS), st.sampled_from(WORDS[:12]),
                                st.integers(min_value=1, max_value=2**62)),
                      st.builds(lambda text: "<xml>" + text, st.text(max_size=100)),
                      st.text(max_size=200), st.binary(max_size=100).map(lambda b: b.decode("latin-1")))
    return st.builds(
        SafeCase, plain=plain,
        crypto=st.sampled_from(["ours", "ours", "ours", "other-appid", "other-key", "empty-appid"]),
        mutation=st.sampled_from(["none", "none", "none", "flip", "truncate", "pad", "not-base64", "empty", "huge",
                                  "whitespace", "random-base64"]),
        at=st.integers(min_value=0, max_value=1000),
        extra=st.one_of(st.sampled_from(["=", "==", "===", "A", "AAAA", "%%", "-_"]),
                        st.text(min_size=1, max_size=60).filter(lambda text: text.strip() and "]]>" not in text)),
        signed_over=st.sampled_from(["ciphertext", "ciphertext", "ciphertext", "wrong", "missing", "original"]),
        envelope=st.sampled_from(["normal", "normal", "normal", "no-encrypt", "two-encrypts", "doctype", "nested",
                                  "plaintext-body"]),
        encrypt_type=st.sampled_from(["aes", "aes", "aes", "AES", "", "raw", "aes "]))


async def test_safe_mode_envelopes(make_settings, start_service, swallowed) -> None:  # type: ignore[no-untyped-def]
    service = await safe_service(make_settings, start_service)
    snapshots = Snapshots(service.app)

    async def prop(case: SafeCase) -> None:
        encrypted = case.ciphertext()
        params = fresh_params(TOKEN) | {"encrypt_type": case.encrypt_type}
        if case.signed_over == "ciphertext":
            params["msg_signature"] = sign(TOKEN, params["timestamp"], params["nonce"], encrypted)
        elif case.signed_over == "original":
            params["msg_signature"] = sign(TOKEN, params["timestamp"], params["nonce"], encrypted + "x")
        elif case.signed_over == "wrong":
            params["msg_signature"] = "f" * 40
        what = short(case, 300)
        await snapshots.before()
        answer = await send(service.http, "POST", service.wechat.url, params=params,
                            data=case.body(encrypted).encode("utf-8", "surrogatepass"))
        refused = check_answer(answer.status, answer.body, case.must_refuse(), what, swallowed)
        await snapshots.after(refused, what)

    await fuzz(safe_cases(), prop, examples=200)


@pytest.mark.parametrize("safe", [False, True])
async def test_well_formed_messages_are_still_answered(make_settings, start_service, safe: bool) -> None:  # type: ignore[no-untyped-def]
    """The fuzzers' baseline: the valid message they mutate is accepted, so refusals mean something."""
    service = await (safe_service if safe else plain_service)(make_settings, start_service)
    answer = await service.wechat.say("o-fuzz-owner", "你好", safe=safe)
    assert answer.status == 200 and answer.content and "阳光花园" in answer.content


# ---------------------------------------------------------------------------------------------------
# What the fuzzers found, each as its smallest input (each failed until the product was fixed)
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("signature", ["%C3%A9", "%FF", "\u00e9" * 40])
async def test_a_non_ascii_signature_is_refused_not_a_500(make_settings, start_service, method: str,  # type: ignore[no-untyped-def]
                                                          signature: str) -> None:
    service = await plain_service(make_settings, start_service)
    snapshots = Snapshots(service.app)
    await snapshots.before()
    host = service.url.removeprefix("http://")
    body = message().encode() if method == "POST" else b""
    query = f"signature={quote(signature, safe='%')}&timestamp={int(time.time())}&nonce=1&echostr=x"
    answer = await raw_request(service.url, (f"{method} /wechat?{query} HTTP/1.1\r\nHost: {host}\r\n"
                                             f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
                               + body)
    await snapshots.after(True, query)
    assert answer.status == 403, f"{answer.status}: {answer.text[:100]}"


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("timestamp", ["\u00b2", "\u00b9\u00b2\u00b3"])
async def test_a_signed_superscript_timestamp_is_refused_not_a_500(make_settings, start_service, method: str,  # type: ignore[no-untyped-def]
                                                                   timestamp: str) -> None:
    service = await plain_service(make_settings, start_service)
    params = {"signature": sign(service.wechat.token, timestamp, "1"), "timestamp": timestamp, "nonce": "1",
              "echostr": "x"}
    answer = await send(service.http, method, service.wechat.url, params=params,
                        data=message().encode() if method == "POST" else None)
    assert answer.status == 403, f"{answer.status}: {answer.text[:100]}"


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=zz"])
async def test_a_chunked_body_over_the_limit_is_413_whatever_its_content_type(  # type: ignore[no-untyped-def]
        make_settings, start_service, content_type: str) -> None:
    """Found while fuzzing the console's forms: the same middleware sits in front of /wechat."""
    service = await plain_service(make_settings, start_service)
    snapshots = Snapshots(service.app)
    await snapshots.before()
    host, port = service.url.removeprefix("http://").split(":")
    query = "&".join(f"{name}={value}" for name, value in fresh_params(service.wechat.token).items())

    def chunk(data: bytes) -> bytes:
        return f"{len(data):x}\r\n".encode() + data + b"\r\n"

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(host, int(port))
        head = (f"POST /wechat?{query} HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n"
                f"Content-Type: {content_type}\r\nConnection: close\r\n\r\n")
        writer.write(head.encode() + chunk(b"x" * (LIMIT + 4096)))
        await writer.drain()
        await asyncio.sleep(0.3)  # the server has read past the limit by now
        writer.write(chunk(message("o-smuggled", "你好").encode()) + b"0\r\n\r\n")
        await writer.drain()
        try:
            return await reader.read()
        finally:
            writer.close()

    answer = await asyncio.wait_for(exchange(), 10)
    await snapshots.after(True, "a 68 KiB chunked body")  # today: the smuggled tail's account and dedupe record
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
