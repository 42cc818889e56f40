"""Cutting a long reply into parts that fit WeChat's 2048-byte passive-reply limit."""

from __future__ import annotations


def split_utf8(text: str, limit: int) -> list[str]:
    """Parts of at most ``limit`` UTF-8 bytes, cut at line ends where possible, never inside a character."""
    if len(text.encode("utf-8")) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        if len((current + line).encode("utf-8")) <= limit:
            current += line
            continue
        if current:
            parts.append(current)
            current = ""
        while len(line.encode("utf-8")) > limit:
            head = _longest_prefix(line, limit)
            parts.append(head)
            line = line[len(head):]  # noqa: PLW2901 - the line is cut into parts as it goes
        current = line
    if current:
        parts.append(current)
    return [part.rstrip("\n") for part in parts if part.strip()]


def _longest_prefix(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")[:limit]
    return encoded.decode("utf-8", errors="ignore")
