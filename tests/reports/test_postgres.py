"""The same figures on PostgreSQL as on SQLite, for the same October (skipped without a server)."""

from __future__ import annotations

from bot.keys import SESSIONS
from handlers.reports import compute, parse_period
from tests.reports.conftest import NOW, TZ, build_october, report_settings_from, start_estate


async def test_postgres_and_sqlite_agree(make_settings, start_service, postgres_url) -> None:  # type: ignore[no-untyped-def]
    reports = []
    for environ in ({}, {"WUYEBOT_DATABASE_URL": postgres_url}):
        service = await start_estate(start_service, report_settings_from(make_settings, **environ))
        await build_october(service)
        async with service.app[SESSIONS]() as session:
            reports.append([(await compute(session, parse_period(label, NOW, TZ), NOW, service.settings)).to_json()
                            for label in ("2026-10", "2026-W44", "2026-W45")])
    on_sqlite, on_postgres = reports
    assert on_postgres == on_sqlite
    assert on_postgres[0]["fees"]["totals"]["rate"] == "0.5769" and on_postgres[1]["totals"]["overdue"] == 2
