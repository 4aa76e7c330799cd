"""Runs `flask ...` as its own process against a test app's database, as an operator would."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def flask_env(app, **settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GHURFA_", "REGISTRY_"))}
    env.update({
        "FLASK_APP": "app:create_app()",
        "GHURFA_ENV": "test",
        "GHURFA_INSTANCE_DIR": app.instance_path,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "LOG_FORMAT": "text",
        "PYTHONPATH": str(ROOT),
    })
    env.update(settings)
    return env


def flask_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", *args]


def run_flask(app, *args: str, timeout: float = 120, **settings: str) -> subprocess.CompletedProcess:
    return subprocess.run(flask_command(*args), cwd=ROOT, env=flask_env(app, **settings), capture_output=True,
                          text=True, timeout=timeout)


def start_flask(app, *args: str, **settings: str) -> subprocess.Popen:
    return subprocess.Popen(flask_command(*args), cwd=ROOT, env=flask_env(app, **settings),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
