"""`flask doctor`: one line per finding, exit 1 when something would not work, no secret printed."""
from __future__ import annotations

from tests.integration.operations.flask_process import run_flask
from tests.integration.operations.servers import free_port


def test_doctor_passes_a_working_configuration_and_names_what_is_off(app):
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "ok    database: reachable" in result.output
    assert "ok    migrations: at head" in result.output
    assert "ok    fonts:" in result.output
    assert "warn  payments: the sandbox payment page is in use" in result.output
    assert app.config["SECRET_KEY"] not in result.output


def test_doctor_fails_missing_gateway_keys_and_bad_idp_metadata_one_line_each(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAYMENT_GATEWAY", "cybersource")
    monkeypatch.setitem(app.config, "CYBERSOURCE_ACCESS_KEY", "present-access-key")
    monkeypatch.setitem(app.config, "SAML_IDP_METADATA", "<not metadata")
    monkeypatch.setitem(app.config, "SECRET_KEY", "short")
    result = app.test_cli_runner().invoke(args=["doctor", "--quiet"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "FAIL  payments: missing CYBERSOURCE_PROFILE_ID, CYBERSOURCE_SECRET_KEY" in lines
    assert any(line.startswith("FAIL  saml: ") for line in lines)
    assert "FAIL  secrets: SECRET_KEY is shorter than 32 characters" in lines
    assert not any(line.startswith("ok ") for line in lines)
    assert "present-access-key" not in result.output
    assert lines[-1].startswith("3 failed")


def test_doctor_says_when_the_database_and_redis_cannot_be_reached(app):
    closed = free_port()
    result = run_flask(app, "doctor", "--quiet",
                       DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:{closed}/ghurfa",
                       REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    assert result.returncode == 1
    assert "FAIL  database: unreachable (OperationalError)" in result.stdout
    assert "FAIL  redis: unreachable (ConnectionError)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
