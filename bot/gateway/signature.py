"""WeChat's SHA-1 signatures, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_holds(expected_parts: tuple[str, ...], signature: str | None) -> bool:
    """Whether ``signature`` is the SHA-1 of the parts; anything but ASCII is simply wrong (compared
    as bytes: ``compare_digest`` refuses non-ASCII strings with a TypeError, which was a 500)."""
    if not signature or not signature.isascii():
        return False
    return hmac.compare_digest(sign(*expected_parts).encode("ascii"), signature.lower().encode("ascii"))
