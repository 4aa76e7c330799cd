"""With RATELIMIT_STORAGE_URI on Redis, a login limit holds across separate worker processes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.integration.accounts.limiter_worker import REDIS_URI

ROOT = Path(__file__).resolve().parents[3]


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URI} ({error}): the shared rate-limit storage is not tested")
    return client


def run_worker(app, tmp_path, prefix: str, count: int) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.accounts.limiter_worker", app.config["SQLALCHEMY_DATABASE_URI"],
         str(tmp_path), prefix, str(count)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_the_login_limit_is_shared_by_two_worker_processes_through_redis(app, tmp_path):
    redis_client = redis_or_skip()
    prefix = f"ghurfa-test-{uuid.uuid4().hex}"
    try:
        assert run_worker(app, tmp_path, prefix, 10) == [302] * 10
        # A second process, with its own memory, sees the ten attempts the first one made.
        assert run_worker(app, tmp_path, prefix, 1) == [429]
        assert any(redis_client.scan_iter(match=f"*{prefix}*"))
    finally:
        for key in redis_client.scan_iter(match=f"*{prefix}*"):
            redis_client.delete(key)
