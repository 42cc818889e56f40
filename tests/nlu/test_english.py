"""English, and English mixed with Chinese: times and rooms read into the normal forms, intents, slots."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.nlu import understand
from bot.nlu.english import english_forms
from bot.nlu.normalize import normalize
from bot.nlu.rules import emergency_reason
from bot.nlu.slots.room import extract_room
from bot.nlu.slots.score import extract_score
from bot.nlu.slots.times import extract_time

WEDNESDAY = datetime.fromisoformat("2026-11-25T10:00:00+08:00")


def when(text: str, now: datetime = WEDNESDAY) -> str | None:
    return extract_time(normalize(text).text, now)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("could you come tomorrow 3pm", "2026-11-26T15:00"),
        ("the day after tomorrow in the morning", "2026-11-27T09:00"),
        ("I'm in tonight", "2026-11-25T19:00"),
        ("this evening after 7 is fine", "2026-11-25T19:00"),
        ("next Monday morning", "2026-11-30T09:00"),
        ("this Friday", "2026-11-27"),
        ("Saturday afternoon works", "2026-11-28T14:00"),
        ("on sat around 10:30am", "2026-11-28T10:30"),
        ("at noon tomorrow", "2026-11-26T12:00"),
        ("come by at 4", "2026-11-25T16:00"),
        ("Dec 3rd", "2026-12-03"),
        ("the 12th of December", "2026-12-12"),
        ("end of the month", "2026-11-30"),
        ("in 2 hours", "2026-11-25T12:00"),
        ("明天 3pm 有个 friend 来", "2026-11-26T15:00"),
    ],
)
def test_english_times(text: str, expected: str) -> None:
    assert when(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the drilling starts at 7am on weekends",  # a habit
        "every night after 11 they play music",
        "good morning",  # a greeting, not a period
    ],
)
def test_english_habits_and_greetings_are_no_time(text: str) -> None:
    assert when(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Building 3 Unit 2 Room 501", "3-2-501"),
        ("block 7 room 1203", "7-1203"),
        ("Tower B flat 2305", "B-2305"),
        ("apt 501 bldg 3", "3-501"),
        ("Tower 2 12B", "2-12B"),
        ("room 2-3-702", "2-3-702"),
        ("water everywhere.2-1-1805", "2-1-1805"),  # a room right after a full stop
        ("blk 9 #803", "9-803"),
    ],
)
def test_english_rooms(text: str, expected: str) -> None:
    assert extract_room(normalize(text).text) == expected


def test_english_floor_is_no_room() -> None:
    assert extract_room(normalize("smoke on the 12th floor of Block 5").text) is None


def test_words_that_look_like_parts_are_left_alone() -> None:
    assert english_forms("the pipes block a lot of water") == "the pipes block a lot of water"
    assert english_forms("may I ask a question") == "may I ask a question"
    assert english_forms("水管漏水") == "水管漏水"


@pytest.mark.parametrize(
    "text",
    [
        "my son is stuck in the lift!!",
        "elevator stopped between floors with two people inside",
        "strong smell of gas in the corridor",
        "there's a fire in the bin room",
        "thick smoke coming from the flat below",
        "the pipe burst and the kitchen is flooding",
        "the entire building has no power",
        "an elderly lady collapsed at the gate, she's unconscious",
        "the storm smashed our living room window",
    ],
)
def test_english_emergencies(text: str) -> None:
    assert emergency_reason(normalize(text).text) is not None
    assert understand(text, WEDNESDAY).intent == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "what should I do if I smell gas",
        "when is the fire drill",
        "is the fire extinguisher on my floor expired",
        "I was stuck in the lift last week, is it fixed now",
        "false alarm, there was no fire",
        "will the garage flood if it rains hard",
    ],
)
def test_english_near_misses(text: str) -> None:
    assert emergency_reason(normalize(text).text) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("the bedroom light switch is broken", "repair"),
        ("the guy upstairs drags furniture around at 1am", "complaint"),
        ("how much is the parking fee per month", "fee_query"),
        ("my uncle will visit on Sunday, car 粤B12345", "visitor_pass"),
        ("need a permit to move my sofa out on Friday", "release_permit"),
        ("any news on my leak report?", "ticket_status"),
        ("4 stars, tidy job", "rating"),
        ("I'm a tenant of 3-1-902, please link my account", "bind_unit"),
        ("where can I pick up my parcels", "faq"),
        ("put me through to a human please", "human"),
        ("thanks, that's all", "greeting"),
        ("please cancel the plumber visit", "cancel"),
        ("what's a good movie to watch tonight", "other"),
        ("suggest adding a bike rack by Block 2", "suggestion"),
    ],
)
def test_english_intents(text: str, intent: str) -> None:
    assert understand(text, WEDNESDAY).intent == intent


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("5 stars", "5"),
        ("I'd give it a 2", "2"),
        ("very satisfied, thank you", "5"),
        ("satisfied", "4"),
        ("it was just okay", "3"),
        ("not satisfied at all", "2"),
        ("terrible", "1"),
    ],
)
def test_english_scores(text: str, score: str) -> None:
    assert extract_score(normalize(text).text) == score


def test_english_slots_of_a_repair() -> None:
    understanding = understand("kitchen sink is clogged, Block 4 Unit 1 Room 702, tomorrow 2pm, 13912345678",
                               WEDNESDAY)
    assert understanding.intent == "repair"
    assert understanding.slots == {"room": "4-1-702", "time": "2026-11-26T14:00", "phone": "13912345678",
                                   "category": "管道堵塞"}
