"""WeChat's SHA-1 signatures, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_holds(expected_parts: tuple[str, ...], signature: str | None) -> bool:
    if not signature:
        return False
    return hmac.compare_digest(sign(*expected_parts), signature.lower())
