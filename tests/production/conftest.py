"""Fixtures of the production tests: two `wuyebot serve` on one PostgreSQL (tests/production/cluster.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.production.cluster import Cluster, running_cluster


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two instances, the proxy and the fake WeChat API, shared by the tests of one module (each test
    uses accounts of its own). Stopped, and the database dropped, when the module ends or fails."""
    with running_cluster(Path(tmp_path_factory.mktemp("cluster"))) as running:
        yield running
        running.assert_clean_stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield session
