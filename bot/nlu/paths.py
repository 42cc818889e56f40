"""Where the NLU finds its shipped data and keeps its caches (jieba's prefix dictionary, the model)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def cache_dir() -> Path:
    """A writable directory for derived files: ``$WUYEBOT_CACHE_DIR``, else the XDG cache, else a temp dir.

    Derived files are rebuilt when missing, so any of these may be wiped at any time.
    """
    candidates: list[Path] = []
    if explicit := os.environ.get("WUYEBOT_CACHE_DIR"):
        candidates.append(Path(explicit))
    xdg = os.environ.get("XDG_CACHE_HOME")
    candidates.append(Path(xdg) / "wuyebot" if xdg else Path.home() / ".cache" / "wuyebot")
    candidates.append(Path(tempfile.gettempdir()) / f"wuyebot-{_user_tag()}")
    for candidate in candidates:
        try:
            candidate.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(candidate, os.W_OK | os.X_OK):
            return candidate
    return Path(tempfile.mkdtemp(prefix="wuyebot-"))


def _user_tag() -> str:
    getuid = getattr(os, "getuid", None)
    return str(getuid()) if getuid is not None else "user"
