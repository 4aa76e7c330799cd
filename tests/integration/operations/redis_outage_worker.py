"""A web worker whose Redis (the rate-limit storage) stops and starts: its own process, app and
private redis-server, so the shared limiter of the test process is left alone.

Usage: python -m tests.integration.operations.redis_outage_worker DATABASE_URI INSTANCE_DIR
Prints what it saw as one JSON object.
"""
from __future__ import annotations

import json
import logging
import sys
import time


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}")


def main(database_uri: str, instance_dir: str) -> dict:
    import redis

    from app import create_app
    from config import TestConfig
    from tests.conftest import csrf_for
    from tests.integration.operations.servers import PrivateRedis

    server = PrivateRedis(f"{instance_dir}/redis")
    server.start()
    warnings = Collect()
    logging.getLogger().addHandler(warnings)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_uri, INSTANCE_DIR=instance_dir,
                     OUTBOX_DIR=f"{instance_dir}/outbox", RATELIMIT_STORAGE_URI=server.url, REDIS_URL=server.url,
                     RATELIMIT_LOGIN_PER_ADDRESS="3 per minute", RATELIMIT_LOGIN_PER_ACCOUNT="100 per minute",
                     RATELIMIT_IN_MEMORY_FALLBACK="5 per minute")
    client = app.test_client()
    token = csrf_for(client, app)

    def logins(address: str, count: int) -> list[int]:
        return [client.post("/login/", data={"username": f"nobody{i}@example.om", "password": "not a password",
                                              "csrf_token": token},
                            environ_base={"REMOTE_ADDR": address}).status_code for i in range(count)]

    def keys() -> int:
        return len(list(redis.Redis.from_url(server.url).scan_iter()))

    seen: dict = {"up": logins("192.0.2.1", 4), "keys_up": keys()}
    server.stop()
    try:
        seen["down"] = logins("192.0.2.2", 7)
        seen["verify_down"] = client.get("/verify/", environ_base={"REMOTE_ADDR": "192.0.2.3"}).status_code
        seen["readyz_down"] = client.get("/readyz").status_code
        seen["warnings"] = list(warnings.lines)
    finally:
        server.start()
    # Back: the limiter tries its storage again as requests come, and uses it once it answers.
    recovered = []
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and not keys():
        time.sleep(1.1)
        recovered.extend(logins("192.0.2.4", 1))
    seen["recovered_keys"] = keys()
    seen["recovered"] = recovered
    seen["readyz_up"] = client.get("/readyz").status_code
    server.stop()
    return seen


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
