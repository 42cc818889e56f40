"""Masking what must not be shown whole: owners' phones and ID numbers, and secrets in URLs.

One place for it: staff group messages mask phones (DOMAIN: 138****5678), the log masks all three
(``bot.logs``) and withholds the details of database errors, which quote rows, and errors that the
outbox stores or the admin API shows are scrubbed of tokens.
"""

from __future__ import annotations

import re

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
# A mainland resident ID: 6-digit region, 8-digit birth date, 3 digits, a check digit or X.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
# access_token=…, secret=…, key=… (WeCom robots), appsecret=…, password=… in URLs and error texts.
_SECRET_PARAMETER = re.compile(r"(?i)\b(access_token|appsecret|secret|key|token|password|code)=([^&\s'\"<>]+)")


def mask_phones(text: str) -> str:
    """138****5678."""
    return _PHONE.sub(r"\1****\2", text)


def mask_id_numbers(text: str) -> str:
    """440301********123X: the region and the last four stay, the birth date goes."""
    return _ID_NUMBER.sub(r"\1********\2", text)


def scrub_secrets(text: str) -> str:
    """Tokens and secrets in query strings become ``***``."""
    return _SECRET_PARAMETER.sub(r"\1=***", text)


# PostgreSQL's error details quote the row or key they refused ("Failing row contains (…)",
# "Key (phone)=(…) already exists"): owners' words. The detail runs to the next part of the error
# SQLAlchemy or asyncpg adds, or to the end.
_DATABASE_DETAIL = re.compile(r"(DETAIL:\s*).*?(?=\n\s*(?:HINT:|\[SQL:|\(Background on this error)|\Z)", re.DOTALL)


def withhold_database_details(text: str) -> str:
    return _DATABASE_DETAIL.sub(r"\1[withheld: it may quote owners' data]", text)


def mask_for_log(text: str) -> str:
    return scrub_secrets(mask_id_numbers(mask_phones(withhold_database_details(text))))
