"""Ticket numbers: R/C/S/V/P, the date YYYYMMDD, a 3-digit daily sequence (docs/api.md), upper-case."""

from __future__ import annotations

import re

_TICKET = re.compile(
    r"(?<![A-Za-z0-9])([RCSVPrcsvp])[\s\-]?(20\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])[\s\-]?(\d{3})(?!\d)"
)


def extract_ticket(text: str) -> str | None:
    """The first ticket number in the message, as written but upper-case and without separators."""
    match = _TICKET.search(text)
    if match is None:
        return None
    return match.group(1).upper() + "".join(match.groups()[1:])


def parse_ticket_number(word: str) -> str | None:
    """A word that is a ticket number and nothing else (a staff command's argument), upper-case."""
    match = _TICKET.fullmatch(word.strip())
    if match is None:
        return None
    return match.group(1).upper() + "".join(match.groups()[1:])
