"""Reading an operator's YAML file (config.yaml, kb.yaml) with one-line errors instead of tracebacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class YamlFileError(Exception):
    """The file is missing, unreadable or not YAML; the message is one line naming the file."""


def read_yaml(path: Path, *, missing_hint: str = "") -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlFileError(f"{path}: file not found{missing_hint}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise YamlFileError(f"{path}: cannot be read: {error}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise YamlFileError(f"{path}:{where} is not valid YAML") from None
