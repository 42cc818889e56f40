"""Run the conversation scenarios outside pytest and print what CI shows.

    python -m tests.scenarios.report                  # all of them
    python -m tests.scenarios.report --filter repair  # those whose id contains "repair"

Per file: passed/total, the task success rate (the outcomes hold: tickets, pushes and the `end:`
checks, whatever the wording and the questions asked), the mean number of owner turns per task,
then each failure with its explanation. Then a table of the files and, last, one line:
``scenarios=N passed=M success_rate=0.xx turns_per_task=x.x``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

from tests.scenarios.harness import Result, Scenario, build_template, load_scenarios, run_scenario, summarize


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.scenarios.report", description=__doc__.splitlines()[0])
    parser.add_argument("--filter", metavar="TEXT", help="only the scenarios whose id contains TEXT")
    parser.add_argument("--quiet", action="store_true", help="the tables only, no failure explanations")
    args = parser.parse_args(argv)
    logging.getLogger().addHandler(logging.NullHandler())  # the service's log stays out of the report
    scenarios = load_scenarios(contains=args.filter)
    if not scenarios:
        print(f"no scenario id contains {args.filter!r}")
        print("scenarios=0 passed=0 success_rate=0.00 turns_per_task=0.0")
        return 1
    began = time.perf_counter()
    results = asyncio.run(_run_all(scenarios))
    _print(results, quiet=args.quiet, seconds=time.perf_counter() - began)
    return 0


async def _run_all(scenarios: list[Scenario]) -> list[Result]:
    progress = sys.stderr.isatty()
    with tempfile.TemporaryDirectory(prefix="wuyebot-scenarios-") as folder:
        template = await build_template(Path(folder))
        results = []
        for scenario in scenarios:
            result = await run_scenario(scenario, template)
            results.append(result)
            if progress:
                print("." if result.passed else "F", end="", file=sys.stderr, flush=True)
        if progress:
            print(file=sys.stderr)
    return results


def _print(results: list[Result], *, quiet: bool, seconds: float) -> None:
    files: dict[str, list[Result]] = {}
    for result in results:
        files.setdefault(result.scenario.file, []).append(result)
    for file, group in files.items():
        figures = summarize(group)
        print(f"== {file}: {figures['passed']}/{figures['scenarios']} passed, task success "
              f"{figures['success_rate']:.2f}, {figures['turns_per_task']:.1f} turns/task")
        if quiet:
            continue
        for result in group:
            if result.passed:
                continue
            task = "task ok" if result.task_success else "task failed"
            print(f"  ✗ [{task}, {result.seconds:.1f}s] " + result.explain().replace("\n", "\n    "))
        print()
    width = max(len(file) for file in files)
    print(f"{'file':<{width}}  passed   success  turns/task")
    for file, group in files.items():
        figures = summarize(group)
        count = f"{figures['passed']}/{figures['scenarios']}"
        print(f"{file:<{width}}  {count:>7}  {figures['success_rate']:>7.2f}  {figures['turns_per_task']:>10.1f}")
    slow = max(results, key=lambda result: result.seconds)
    print(f"ran in {seconds:.0f} s (slowest: {slow.scenario.id} {slow.seconds:.1f} s)")
    figures = summarize(results)
    print(f"scenarios={figures['scenarios']} passed={figures['passed']} success_rate={figures['success_rate']:.2f} "
          f"turns_per_task={figures['turns_per_task']:.1f}")


if __name__ == "__main__":
    sys.exit(main())
