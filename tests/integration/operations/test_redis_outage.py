"""Redis (the shared rate-limit storage) stops and starts under a running worker: logins and
certificate checks go on, limited in the worker's memory with a warning logged, and the
shared storage is used again by itself once Redis is back."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.integration.operations.flask_process import ROOT


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("GHURFA_TEST_DB") == "postgresql",
                    reason="the limiter does not depend on the database: run once, in the first pass")
def test_the_rate_limiter_fails_open_to_an_in_memory_limit_while_redis_is_down(app, tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.operations.redis_outage_worker",
         app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=180, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    # Redis up: the shared limit (3 a minute per address) holds, kept in Redis.
    assert seen["up"] == [302, 302, 302, 429]
    assert seen["keys_up"] > 0
    # Redis down: no 500; the in-memory fallback (5 a minute per address) still refuses a flood.
    assert seen["down"] == [302] * 5 + [429, 429]
    assert seen["verify_down"] == 200
    assert seen["readyz_down"] == 503
    assert any("falling back to in-memory storage" in line for line in seen["warnings"]), seen["warnings"]
    # Redis back: the limiter writes to it again without a restart.
    assert seen["recovered_keys"] > 0 and 500 not in seen["recovered"]
    assert seen["readyz_up"] == 200
