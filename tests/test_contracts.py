"""The architecture and the code's hygiene, held in the test run: import contracts, types, lint.

Each tool reads its configuration from pyproject.toml; a failure prints the tool's own report.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize(("tool", "command"), [
    ("lint-imports", ("lint-imports",)),
    ("mypy", (sys.executable, "-m", "mypy")),
    ("ruff", (sys.executable, "-m", "ruff", "check", "--quiet")),
])
def test_the_tool_finds_nothing(tool: str, command: tuple[str, ...]) -> None:
    if tool == "lint-imports" and shutil.which("lint-imports") is None:
        pytest.fail("lint-imports is not installed: pip install -e '.[test]'")
    result = run(*command)
    assert result.returncode == 0, f"{tool} found problems:\n{result.stdout}{result.stderr}"
