"""Scheduled jobs run once across two `wuyebot serve` on one PostgreSQL (docs/architecture.md: "Each runs
once per fire time across processes").

Both instances run their APScheduler tick (every 2 s here instead of 30, tests/production/cluster.py).
The crontab jobs (fee reminders, the daily summary, the weekly report, pruning) are configured to have
fired a minute before the cluster starts, so both instances make the run up at their first tick, at
the same moment; the every-tick jobs (SLA escalation, return visits) get work seeded while both tick.
Then `wuyebot jobs run-due` runs twice at once beside them. Judged by what reached the fake WeChat API
and by the outbox and ``job_runs``: every push once.
"""

from __future__ import annotations

import asyncio
import collections
import os
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from tests.production.cluster import REPO, Cluster, local_now, running_cluster

pytestmark = pytest.mark.timeout(180)

CRON_JOBS = ("fee_reminders", "daily_summary", "weekly_report", "prune")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    fired = local_now() - timedelta(minutes=1)
    minute = f"{fired.minute} {fired.hour} * * *"
    schedule = {"fee_reminders": minute, "daily_summary": minute, "weekly_report": minute, "prune": minute}
    with running_cluster(Path(tmp_path_factory.mktemp("jobs")), config={"schedule": schedule}) as running:
        yield running
        running.assert_clean_stop()


def cluster_fired(cluster: Cluster) -> datetime:
    """The fire time the crontab jobs were configured with (a minute before the cluster started)."""
    import yaml

    minute, hour, *_rest = yaml.safe_load(cluster.config_path.read_text(encoding="utf-8"))["schedule"]["prune"].split()
    return local_now().replace(hour=int(hour), minute=int(minute), second=0, microsecond=0)


def duplicates(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    return {pair: count for pair, count in collections.Counter(pairs).items() if count > 1}


async def outbox_pairs(cluster: Cluster) -> list[tuple[str, str]]:
    rows = await cluster.fetch("SELECT recipient, coalesce(payload->>'text', payload::text) AS text FROM outbox")
    return [(row["recipient"], row["text"]) for row in rows]


async def run_due_twice_at_once(cluster: Cluster, now: str) -> list[tuple[int, str]]:
    env = {**cluster.settings_env(), "PYTHONPATH": str(REPO)}
    env.pop("WUYEBOT_PORT", None)

    async def one() -> tuple[int, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "jobs", "run-due", "--now", now, cwd=REPO, env={**os.environ, **env},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await asyncio.wait_for(process.communicate(), 90)
        return int(process.returncode or 0), output.decode(errors="replace")

    return list(await asyncio.gather(one(), one()))


async def test_c_scheduled_jobs_run_once_across_both_instances(cluster: Cluster, http: aiohttp.ClientSession) -> None:
    fake = cluster.fake

    # The crontab jobs both instances made up at their first tick: one run each, one push each.
    async def cron_ran() -> bool:
        rows = await cluster.fetch("SELECT name FROM job_runs")
        return set(CRON_JOBS) <= {row["name"] for row in rows}
    await cluster.until(cron_ran, 30, "the crontab jobs running")
    runs = await cluster.fetch("SELECT name, count(*) AS n FROM job_runs GROUP BY name")
    assert {row["name"]: row["n"] for row in runs} == dict.fromkeys(CRON_JOBS, 1)

    # Work for the every-tick jobs, which both instances run every 2 s: an emergency overdue by an hour
    # and a half (escalated to the supervisor, then the manager) and a return visit due.
    emergency = await cluster.wechat.say(http, "owner-yang", "我家厨房燃气泄漏了，好大的味道")
    assert "工单号" in emergency.text, emergency
    ticket = (await cluster.fetch("SELECT id, number FROM tickets WHERE openid = 'owner-yang'"))[0]
    await cluster.execute("UPDATE ticket_deadlines SET starts_at = now() - interval '3 hours', "
                          "due_at = now() - interval '2 hours' WHERE ticket_id = $1", ticket["id"])
    await cluster.execute("INSERT INTO return_visits (ticket_id, openid, due_at, status) "
                          "VALUES ($1, 'owner-yang', now() - interval '1 hour', 'scheduled')", ticket["id"])

    async def every_tick_jobs_ran() -> bool:
        kinds = {row["kind"] for row in await cluster.fetch("SELECT kind FROM outbox WHERE status = 'sent'")}
        return {"fee_reminder", "summary", "escalation", "return_visit"} <= kinds
    await cluster.until(every_tick_jobs_ran, 30, "fee reminders, summaries, escalations and the return visit sent")
    await asyncio.sleep(6)  # three more ticks of each instance

    ticking = {name: instance.log_path.read_text(errors="replace").count("<locals>.tick")
               for name, instance in cluster.instances.items()}
    assert all(count >= 3 for count in ticking.values()), ticking  # both schedulers ran all along

    # `wuyebot jobs run-due --now` twice at the same moment, at tomorrow's fire time of the crontab jobs:
    # the two processes race for fresh fire times (the serving instances, on today's clock, do not).
    tomorrow = cluster_fired(cluster) + timedelta(days=1, minutes=5)  # past the visit reminder's day too
    results = await run_due_twice_at_once(cluster, tomorrow.isoformat())
    assert [code for code, _output in results] == [0, 0], results
    runs = await cluster.fetch("SELECT name, count(*) AS n FROM job_runs GROUP BY name")
    assert {row["name"]: row["n"] for row in runs} == dict.fromkeys(CRON_JOBS, 2), "today's and tomorrow's, once"
    summaries = await cluster.fetch("SELECT recipient, count(*) AS n FROM outbox WHERE idempotency_key LIKE $1 "
                                    "GROUP BY recipient", f"daily:{tomorrow:%Y-%m-%d}:%")
    assert summaries and all(row["n"] == 1 for row in summaries), summaries
    reminders_of_visit = await cluster.fetch("SELECT status FROM outbox WHERE idempotency_key LIKE 'visit-reminder:%'")
    assert [row["status"] for row in reminders_of_visit] == ["sent"]  # the visit's reminder, due a day later

    by_kind = {row["kind"]: row["n"] for row in await cluster.fetch(
        "SELECT kind, count(*) AS n FROM outbox GROUP BY kind")}
    assert by_kind.get("fee_reminder", 0) > 10 and by_kind.get("summary", 0) >= 2, by_kind
    visits = await cluster.fetch("SELECT idempotency_key FROM outbox WHERE kind = 'return_visit' ORDER BY id")
    visit = await visit_id(cluster)
    assert [row["idempotency_key"] for row in visits] == [f"visit:{visit}", f"visit-reminder:{visit}"]
    escalations = await cluster.fetch("SELECT idempotency_key FROM outbox WHERE kind = 'escalation' "
                                      "AND idempotency_key LIKE $1", f"%{ticket['number']}%")
    assert escalations, "the overdue emergency was escalated"
    reminders = await cluster.fetch("SELECT home_id, month, count(*) AS n FROM fee_reminders GROUP BY home_id, month")
    assert reminders and all(row["n"] == 1 for row in reminders)

    assert duplicates(await outbox_pairs(cluster)) == {}
    assert duplicates(fake.texts()) == {}, "a push reached WeChat twice"
    sent = await cluster.fetch("SELECT recipient, payload->>'text' AS text FROM outbox "
                               "WHERE status = 'sent' AND channel = 'customer_service'")
    assert {(row["recipient"], row["text"]) for row in sent} <= set(fake.texts())


async def visit_id(cluster: Cluster) -> int:
    return int((await cluster.fetch("SELECT id FROM return_visits WHERE openid = 'owner-yang'"))[0]["id"])
