"""Scenario tests: the demo-estate template built once per session, and the suite's figures printed.

By default the whole suite runs as one test (``test_the_suite``), which judges it against its
floor and prints, at the end of any pytest run, the line CI shows:
``scenarios=N passed=M success_rate=0.xx turns_per_task=x.x``. ``pytest --scenarios`` runs each
scenario as a test of its own, to see one failure in full.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.scenarios.harness import build_template

SUMMARY: list[str] = []  # filled by test_the_suite, printed at the end of the run


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in SUMMARY:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def scenario_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo estate of `wuyebot serve --demo` in a SQLite file; each scenario runs on a copy."""
    return asyncio.run(build_template(tmp_path_factory.mktemp("scenario-template")))
