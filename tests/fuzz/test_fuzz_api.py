"""Fuzzing the admin API (``/api/*`` and ``/metrics``, docs/api.md, docs/security.md): with and without
the bearer token, random paths under /api/, random query strings (huge, ``%ff``, repeated keys), random
JSON and non-JSON bodies on every route and method. Never a 5xx, never a hung request; a request
refused (4xx) changes no table, and neither does any GET.

The routes come from the running app (``app.router.routes()``), so a route added later is fuzzed too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st
from yarl import URL

from tests.fuzz.conftest import ADMIN_TOKEN, STATUSES, Snapshots, World, fuzz, send, short

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

ODD = ["", " ", "%ff", "%FF%FE", "%00", "%C2%B2", "%D9%A3", "%E4%BD%A0", "%", "%zz", "%2F", "..", "%2e%2e",
       "-1", "0", "9" * 20, "9" * 400, "²", "R20261123001", "R" + "9" * 40, "x" * 5000, "null", "[]", "{}", "true",
       "2026-W47", "2026-W99", "2026-13", "9999-12", "0000-01", "lanting", "default", "nowhere", "repair", "new",
       "'; DROP TABLE tickets; --", "<script>", "\u202e", "１２"]

JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**400), max_value=10**400),
                      st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=60),
                      st.sampled_from(["accept", "assign", "start", "complete", "close", "reopen", "cancel",
                                       "王师傅", "13900000103", "郑洁", "孙经理", "lanting", "default", "123456",
                                       "000000", " 12 34-56 ", "x" * 100_000]))
JSON = st.recursive(JSON_LEAF, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)), max_leaves=12)
KEYS = st.sampled_from(["action", "staff", "note", "code", "estate", "status", "kind", "room", "period", "active"])


@st.composite
def json_objects(draw: st.DrawFn) -> Any:
    """Mostly objects with the keys the routes read, with any values; sometimes anything at all."""
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        return draw(JSON)
    return draw(st.dictionaries(st.one_of(KEYS, st.text(max_size=8)), JSON, max_size=5))


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes | None, str | None]:
    """(body, content type)."""
    kind = draw(st.sampled_from(["none", "json", "json", "json", "bytes", "deep", "bigint", "huge", "form"]))
    if kind == "none":
        return None, None
    if kind == "json":
        text = json.dumps(draw(json_objects()), ensure_ascii=draw(st.booleans()), allow_nan=True)
        return text.encode("utf-8", "surrogatepass"), draw(st.sampled_from(["application/json", None, "text/plain"]))
    if kind == "bytes":
        return draw(st.binary(max_size=500)), draw(st.sampled_from(["application/json", None, "application/xml"]))
    if kind == "deep":
        depth = draw(st.sampled_from([50, 999, 5000, 100_000]))
        return (b'{"a":' * depth + b"1" + b"}" * depth), "application/json"
    if kind == "bigint":
        key, digits = draw(KEYS), draw(st.sampled_from([19, 20, 400, 4300, 5000, 60000]))
        return f'{{"{key}": {"9" * digits}}}'.encode(), "application/json"
    if kind == "huge":
        size = draw(st.sampled_from([64 * 1024 - 20, 64 * 1024 + 1, 300_000]))
        return json.dumps({"action": "accept", "note": "长" * (size // 3)}).encode(), "application/json"
    return b"action=accept&staff=%ff&note=" + b"\xff\xfe" * 3, "application/x-www-form-urlencoded"


def encode(value: str, raw: bool) -> str:
    """A query or path value on the wire: escaped, or as drawn (its '%xx' escapes kept raw)."""
    on_wire = raw and value.isascii() and value.isprintable() and not any(char in value for char in " #?")
    return value if on_wire else quote(value, safe="%" if raw else "")


@dataclass(frozen=True)
class ApiCase:
    method: str
    route: int  # index into the app's routes (modulo their number), or -1 for a random path
    path_value: str
    random_path: str
    query: tuple[tuple[str, str], ...]
    raw_escapes: bool
    auth: str
    body: bytes | None
    content_type: str | None

    def shown(self) -> str:
        return short({k: v for k, v in self.__dict__.items() if k != "body"}, 300) + " body=" + short(self.body, 200)


def api_cases(world_numbers: list[str]) -> st.SearchStrategy[ApiCase]:
    body = bodies()
    return st.builds(
        lambda method, route, path_value, random_path, query, raw, auth, body_type: ApiCase(
            method, route, path_value, random_path, tuple(query), raw, auth, body_type[0], body_type[1]),
        method=st.sampled_from(["GET", "GET", "POST", "POST", *METHODS]),
        route=st.integers(min_value=-1, max_value=50),
        path_value=st.one_of(st.sampled_from(world_numbers), st.sampled_from(ODD), st.text(max_size=40)),
        random_path=st.one_of(st.sampled_from(["tickets", "tickets/", "tickets//actions", "passes", "passes/verify/",
                                               "stats/", "outbox/1", "../metrics", "%2e%2e/healthz", "", "x" * 3000,
                                               "tickets/%00", "notices/1"]),
                              st.text(alphabet=st.characters(codec="ascii", exclude_characters="?#"), max_size=40)),
        query=st.lists(st.tuples(st.one_of(KEYS, st.sampled_from(ODD), st.text(max_size=8)),
                                 st.one_of(st.sampled_from(ODD), st.text(max_size=30))), max_size=6),
        raw=st.booleans(),
        auth=st.sampled_from(["right", "right", "right", "none", "wrong", "lower-bearer", "basic", "padded",
                              "token-only", "double"]),
        body_type=body,
    )


AUTH = {
    "right": f"Bearer {ADMIN_TOKEN}", "wrong": "Bearer nope", "lower-bearer": f"bearer {ADMIN_TOKEN}",
    "basic": f"Basic {ADMIN_TOKEN}", "padded": f"Bearer   {ADMIN_TOKEN}  ", "token-only": ADMIN_TOKEN,
    "double": f"Bearer {ADMIN_TOKEN} Bearer {ADMIN_TOKEN}",
}
AUTHORISED = {"right", "lower-bearer", "padded"}  # bot.app.bearer_ok: scheme case-insensitive, token stripped


def api_routes(world: World) -> list[tuple[str, str]]:
    """(method, path template) of every route under /api/ and /metrics, from the running app."""
    found = []
    for route in world.app.router.routes():
        template = route.resource.canonical if route.resource is not None else ""
        if (template.startswith("/api/") or template == "/metrics") and route.method != "HEAD":
            found.append((route.method, template))
    return sorted(set(found))


async def test_the_admin_api(world: World) -> None:
    routes = api_routes(world)
    assert {template for _method, template in routes} >= {"/api/tickets", "/api/tickets/{number}",
                                                          "/api/tickets/{number}/actions", "/api/passes/verify",
                                                          "/api/stats", "/api/outbox", "/metrics"}
    service = world.service
    snapshots = Snapshots(world.app)

    async def prop(case: ApiCase) -> None:
        if case.route < 0:
            path = "/api/" + quote(case.random_path, safe="/%" if case.raw_escapes else "/")
            method = case.method
        else:
            route_method, template = routes[case.route % len(routes)]
            method = route_method if case.method in ("GET", "POST") else case.method
            path = template.replace("{number}", encode(case.path_value, case.raw_escapes) or "x")
        query = "&".join(f"{encode(key, case.raw_escapes)}={encode(value, case.raw_escapes)}"
                         for key, value in case.query)
        url = URL(service.url + path + (f"?{query}" if query else ""), encoded=True)
        headers = {}
        if case.auth in AUTH:
            headers["Authorization"] = AUTH[case.auth]
        if case.content_type:
            headers["Content-Type"] = case.content_type
        what = f"{method} {str(url)[len(service.url):][:200]} {case.shown()}"
        await snapshots.before()
        answer = await send(service.http, method, url, data=case.body, headers=headers)
        STATUSES[answer.status] += 1
        assert answer.status < 500, f"{answer.status} for {what}: {answer.text[:300]}"
        from urllib.parse import unquote

        normalized = URL("http://x" + unquote(path.split("?")[0])).path  # dot segments resolved, as the server does
        guarded = normalized.startswith("/api/") or normalized == "/metrics"
        if case.auth not in AUTHORISED and guarded:
            assert 400 <= answer.status < 500, f"{answer.status} without the token: {what}"
        refused = 400 <= answer.status < 500
        await snapshots.after(refused or (guarded and method in ("GET", "HEAD", "OPTIONS")), what)

    await fuzz(api_cases(world.ticket_numbers), prop, examples=250)
