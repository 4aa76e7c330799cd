"""The deployment files agree with the code: every setting in the example environment, the
units restart and read it, nginx sends what PROXY_FIX_HOPS=1 trusts, compose starts it all."""
from __future__ import annotations

import configparser
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _settings_in_config() -> set[str]:
    source = (ROOT / "config.py").read_text()
    return set(re.findall(r'_env(?:_bool|_int|_list)?\("([A-Z0-9_]+)"', source))


def test_the_example_environment_lists_every_setting():
    example = (DEPLOY / "ghurfa.env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    missing = _settings_in_config() - listed
    assert not missing, f"not in deploy/ghurfa.env.example: {sorted(missing)}"
    assert {"GHURFA_INSTANCE_DIR", "PROMETHEUS_MULTIPROC_DIR"} <= listed


def test_the_systemd_units_restart_and_read_the_environment_file():
    for name, start in (("ghurfa-web.service", "gunicorn --config"), ("ghurfa-scheduler.service", "flask jobs scheduler")):
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.optionxform = str
        unit.read(DEPLOY / name)
        service = unit["Service"]
        assert service["Restart"] == "always"
        assert service["EnvironmentFile"] == "/etc/ghurfa/ghurfa.env"
        assert start in service["ExecStart"]
        assert service["LimitNOFILE"] and service["MemoryMax"]
        assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_nginx_site_terminates_tls_and_forwards_what_proxy_fix_trusts():
    site = (DEPLOY / "nginx-ghurfa.conf").read_text()
    for needed in ("listen 443 ssl", "Strict-Transport-Security", "X-Forwarded-For", "X-Forwarded-Proto",
                   "X-Forwarded-Host", "X-Forwarded-Port", "X-Request-Id $request_id", "client_max_body_size",
                   "proxy_read_timeout 300s", "location = /metrics"):
        assert needed in site, needed
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    assert '"GUNICORN_TIMEOUT", "300"' in gunicorn  # the same as nginx's read timeout


def test_compose_starts_the_database_redis_web_scheduler_and_a_mail_catcher():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "scheduler", "mail"} <= set(services)
    assert services["scheduler"]["command"] == ["flask", "jobs", "scheduler"]
    assert services["web"]["environment"]["MAIL_SERVER"] == "mail"
