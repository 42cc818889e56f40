"""One registry per concept: intents (label, name, route, training file) and ticket kinds agree.

A broken declaration stops start-up with one line saying what is wrong; these tests make each
kind of mistake and watch the check catch it.
"""

from __future__ import annotations

import pytest

from bot.dialogue.engine import declare_engine_intents
from bot.dialogue.router import Dispatcher, Router, WiringError
from bot.nlu import understand
from bot.nlu.labels import INTENTS, REPORTED_AS, SPEC_INTENTS
from handlers import FLOWS, build_dispatcher, handler_resources, ticket_kinds
from handlers.domain.kinds import BUILT_IN, TicketKinds


def checked() -> Dispatcher:
    dispatcher = build_dispatcher(understand)
    declare_engine_intents(dispatcher)
    return dispatcher


def test_the_shipped_flows_and_the_nlu_agree() -> None:
    assert checked().check(INTENTS) == []


def test_every_spec_label_has_a_training_file_and_every_own_label_a_spec_parent() -> None:
    assert set(SPEC_INTENTS) <= set(INTENTS)
    assert REPORTED_AS == {"lock_change": "faq"}
    assert all(parent in SPEC_INTENTS for parent in REPORTED_AS.values())


def test_an_nlu_intent_with_no_route_is_caught() -> None:
    problems = checked().check((*INTENTS, "parking_permit"))
    assert problems == ["the NLU's intent 'parking_permit' has no route and no name"]


def test_a_route_with_no_training_file_is_caught() -> None:
    extra = Router("extra")

    @extra.intent("noise_meter", name="噪音检测")
    async def measure() -> str:
        return "…"

    dispatcher = checked()
    dispatcher.include_routers(extra)
    assert dispatcher.check(INTENTS) == ["the intent 'noise_meter' is routed but the NLU has no training file for it"]


def test_an_intent_with_an_empty_name_is_caught() -> None:
    extra = Router("extra")

    @extra.intent("noise_meter", name=" ")
    async def measure() -> str:
        return "…"

    dispatcher = checked()
    dispatcher.include_routers(extra)
    assert "the intent 'noise_meter' has no Chinese name" in dispatcher.check((*INTENTS, "noise_meter"))


def test_a_misspelt_handler_parameter_fails_when_the_router_is_included() -> None:
    typo = Router("typo")

    @typo.intent("typo", name="错字")
    async def handler(turn: object, sesion: object) -> str:  # "sesion": nothing provides it
        return ""

    dispatcher = Dispatcher(understand, resources=handler_resources())
    with pytest.raises(WiringError, match="asks for 'sesion', which nothing provides"):
        dispatcher.include_routers(typo)


def test_form_only_resources_are_refused_elsewhere() -> None:
    wrong = Router("wrong")

    @wrong.intent("wrong", name="错")
    async def handler(form: object) -> str:
        return ""

    with pytest.raises(WiringError, match="only form handlers receive"):
        Dispatcher(understand, resources=handler_resources()).include_routers(wrong)


def test_the_service_refuses_to_start_with_a_broken_registry(make_settings) -> None:  # type: ignore[no-untyped-def]
    from bot.app import _default_dispatcher

    assert _default_dispatcher().check(INTENTS) == []
    broken = Router("broken")

    @broken.intent("ghost", name="幽灵")
    async def ghost() -> str:
        return ""

    FLOWS[0].router.intents["ghost"] = broken.intents["ghost"]
    try:
        with pytest.raises(WiringError, match="'ghost' is routed but the NLU has no training file"):
            _default_dispatcher()
    finally:
        del FLOWS[0].router.intents["ghost"]


def test_ticket_kinds_are_declared_once() -> None:
    kinds = ticket_kinds()
    assert set(kinds.names) == {kind.name for kind in BUILT_IN} | {"lock"}
    assert {kind.prefix for kind in kinds} <= set("RCSP")  # the prefixes owners and staff know
    with pytest.raises(ValueError, match="declared twice"):
        TicketKinds((*BUILT_IN, BUILT_IN[0]))
