"""The conversation scenarios (tests/scenarios/data/*.yaml, format in data/FORMAT.md).

    pytest -q tests/scenarios                          # the suite against its floor and ratchet
    pytest -q tests/scenarios --scenarios -k repair    # some scenarios, each a test of its own
    python -m tests.scenarios.report                   # all of them, as a table with every failure

The suite passes when its task success rate is at least ``SUCCESS_FLOOR`` and every scenario
listed in ``passing.txt`` still passes (a ratchet: a scenario that passed once must keep passing).
Add the ids of newly passing scenarios to ``passing.txt`` (the test prints them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenarios.conftest import SUMMARY
from tests.scenarios.harness import Scenario, load_scenarios, run_scenario, summarize

SCENARIOS = load_scenarios()
PASSING = Path(__file__).with_name("passing.txt")
SUCCESS_FLOOR = 0.90


def expected_passing() -> set[str]:
    lines = PASSING.read_text(encoding="utf-8").splitlines() if PASSING.exists() else []
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


async def test_the_suite(scenario_template: Path) -> None:
    results = [await run_scenario(scenario, scenario_template) for scenario in SCENARIOS]
    figures = summarize(results)
    SUMMARY.append(f"scenarios={figures['scenarios']} passed={figures['passed']} "
                   f"success_rate={figures['success_rate']:.2f} turns_per_task={figures['turns_per_task']:.1f}")
    passed = {result.scenario.id for result in results if result.passed}
    regressed = sorted(expected_passing() - passed)
    newly = sorted(passed - expected_passing())
    if newly:
        SUMMARY.append(f"newly passing (add to tests/scenarios/passing.txt): {' '.join(newly)}")
    failures = [result.explain() for result in results if result.scenario.id in regressed]
    assert not regressed, "scenarios that passed before fail now:\n\n" + "\n\n".join(failures)
    assert figures["success_rate"] >= SUCCESS_FLOOR, f"task success {figures['success_rate']:.2f} < {SUCCESS_FLOOR}"


@pytest.mark.scenario
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.id for scenario in SCENARIOS])
async def test_scenario(scenario: Scenario, scenario_template: Path) -> None:
    result = await run_scenario(scenario, scenario_template)
    if not result.passed:
        pytest.fail(result.explain(), pytrace=False)
