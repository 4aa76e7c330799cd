"""Serves the portal for the browser tests in a process of its own: its app, database and rate
limiter share nothing with the apps the other tests build in the test process.

    python -m tests.e2e.serve PORT INSTANCE_DIR    # prints "ready" once the port answers
"""
from __future__ import annotations

import sys


def main(port: int, instance: str) -> None:
    from werkzeug.serving import make_server

    from app import create_app
    from app.extensions import db
    from app.services.setup.bootstrap import prepare_database
    from config import TestConfig

    base_url = f"http://127.0.0.1:{port}"
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance}/ghurfa.db",
        INSTANCE_DIR=instance,
        OUTBOX_DIR=f"{instance}/outbox",
        PUBLIC_BASE_URL=base_url,
        TESTING=False,  # a real server: errors are pages, not exceptions in the test
        DEV_IDP_ENABLED=True,
        PAYMENT_GATEWAY="sandbox",
    )
    with app.app_context():
        prepare_database(demo=True)
        db.session.remove()
    server = make_server("127.0.0.1", port, app, threaded=True)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
