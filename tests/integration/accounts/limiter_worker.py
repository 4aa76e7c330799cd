"""One "web worker" for the Redis rate-limit test: its own process and app, posting logins from one address.

Usage: python -m tests.integration.accounts.limiter_worker DATABASE_URI INSTANCE_DIR KEY_PREFIX COUNT
Prints the HTTP statuses of the COUNT login attempts as a JSON list.
"""
from __future__ import annotations

import json
import sys

REDIS_URI = "redis://127.0.0.1:6379/15"


def main(database_uri: str, instance_dir: str, key_prefix: str, count: int) -> list[int]:
    from app import create_app
    from config import TestConfig
    from tests.conftest import csrf_for

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_uri, INSTANCE_DIR=instance_dir,
                     OUTBOX_DIR=f"{instance_dir}/outbox", RATELIMIT_STORAGE_URI=REDIS_URI,
                     RATELIMIT_KEY_PREFIX=key_prefix)
    client = app.test_client()
    token = csrf_for(client, app)
    address = {"REMOTE_ADDR": "192.0.2.77"}
    return [client.post("/login/", data={"username": f"nobody{i}@example.om", "password": "not a password",
                                          "csrf_token": token}, environ_base=address).status_code
            for i in range(count)]


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))))
