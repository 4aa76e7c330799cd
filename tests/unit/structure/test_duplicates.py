"""No block of six or more lines stands twice in app/, views/, jobs/ and models/.

Runs the `duplicates` command over the Python files of the four packages. A pair it
reports fails the test unless it is listed below with why it is not logic written twice:
declarations that read alike by nature (typed refusals naming their message, model
columns, view attributes). Templates and migrations are not read.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("app", "views", "jobs", "models")
ROW = re.compile(r"^D\d+ (\S+?):\d+-\d+ ~ (\S+?):\d+-\d+")

# Pairs of files (sorted) whose shared lines are declarations, with what they declare.
ACCEPTED = {
    ("app/domain/errors.py", "app/domain/errors.py"): "refusal classes, each a message_id",
    ("app/domain/errors.py", "app/services/membership/refusals.py"): "refusal classes, each a message_id",
    ("app/services/membership/refusals.py", "app/services/membership/refusals.py"): "refusal classes",
    ("app/services/certificates/lifecycle.py", "app/services/refunds/requests.py"): "refusal classes",
    ("app/services/accounts/registration.py", "app/services/notifications/message_templates.py"): "refusal classes",
    ("app/services/counter/settlement.py", "app/services/notifications/message_templates.py"): "refusal classes",
    ("app/services/notifications/message_templates.py", "app/services/notifications/template_sandbox.py"):
        "refusal classes",
    ("app/services/notifications/message_templates.py", "app/services/refunds/requests.py"): "refusal classes",
    ("app/services/accounts/stepup.py", "app/services/membership/refusals.py"): "refusal classes",
    ("app/domain/errors.py", "app/services/exports/errors.py"): "refusal classes",
    ("views/admin/chamber.py", "views/admin/chamber.py"): "ModelView attributes",
    ("views/admin/companies.py", "views/admin/companies.py"): "ModelView attributes",
    ("views/api/resources.py", "views/api/resources.py"): "REST API attributes",
    ("app/services/exports/catalogue.py", "views/api/resources.py"): "the same list of models imported",
    ("app/services/exports/catalogue.py", "app/services/exports/catalogue.py"): "export column declarations",
    ("models/company.py", "models/order.py"): "model column declarations",
    ("models/company.py", "models/registry_sync.py"): "model column declarations",
    ("models/account.py", "models/verification.py"): "model column declarations",
    ("models/fees.py", "models/order.py"): "table constraints and columns",
    ("app/adapters/mail.py", "app/adapters/sms.py"): "the same names imported from the delivery module",
    ("app/adapters/captcha.py", "app/adapters/delivery.py"): "exception classes",
    ("app/adapters/delivery.py", "app/adapters/delivery.py"): "exception classes",
    ("app/adapters/payments/base.py", "app/adapters/payments/base.py"): "dataclass fields",
    ("app/certificates/snapshot.py", "app/services/counter/settlement.py"): "dataclass fields",
    ("app/domain/message_catalogue.py", "app/domain/message_catalogue.py"): "sample values in each language",
    ("app/services/certificates/lifecycle.py", "app/services/refunds/requests.py"): "refusal classes",
    ("app/services/accounts/registration.py", "app/services/notifications/message_templates.py"): "refusal classes",
    ("app/services/counter/settlement.py", "app/services/notifications/message_templates.py"): "refusal classes",
    ("app/services/notifications/message_templates.py", "app/services/notifications/template_sandbox.py"):
        "refusal classes",
    ("app/services/notifications/message_templates.py", "app/services/refunds/requests.py"): "refusal classes",
    ("app/services/certificates/lifecycle.py", "app/services/settings/emblem.py"): "refusal classes",
    ("app/services/refunds/requests.py", "app/services/settings/emblem.py"): "refusal classes",
    ("app/services/counter/settlement.py", "app/services/notifications/template_sandbox.py"): "refusal classes",
    ("app/services/counter/visits.py", "app/services/notifications/message_templates.py"): "refusal classes",
    ("app/services/counter/visits.py", "app/services/notifications/template_sandbox.py"): "refusal classes",
    ("app/services/counter/visits.py", "app/services/settings/policies.py"): "refusal classes",
    ("app/services/notifications/template_sandbox.py", "app/services/settings/policies.py"): "refusal classes",
    ("views/admin/chamber_settings.py", "views/admin/jobs.py"): "a page's attributes and route decorators",
    ("views/admin/chamber_settings.py", "views/admin/message_texts.py"): "a page's attributes and route decorators",
    ("views/admin/jobs.py", "views/admin/message_texts.py"): "a page's attributes and route decorators",
    ("app/services/membership/quotes.py", "app/services/notifications/outbox.py"): "dataclass fields",
    ("app/saml/dev_idp/metadata.py", "app/saml/settings.py"): "two endpoint dataclasses, one per side of SAML",
    ("app/adapters/sms.py", "app/adapters/sms.py"): "a constructor storing its settings",
    ("app/adapters/payments/sandbox.py", "app/adapters/payments/secure_acceptance.py"):
        "the two gateways' reply fields, read the same way by design of the interface",
    ("views/auditor/reports.py", "views/auditor/reports.py"): "one exposed route per report",
    ("views/portal/accounts.py", "views/portal/accounts.py"): "one exposed route per account page",
    ("views/portal/dashboard.py", "views/selfservice/home.py"): "view class declarations",
    ("views/selfservice/certificates.py", "views/selfservice/receipts.py"): "view class declarations",
    ("views/selfservice/grade_change.py", "views/selfservice/replacement.py"): "wizard class declarations",
    ("views/selfservice/renewal.py", "views/selfservice/wizard.py"): "a wizard step's route and checked subject",
    ("app/adapters/mail.py", "app/services/counter/visits.py"): "dataclass fields of a contact",
    ("app/adapters/payments/base.py", "app/adapters/payments/refunds.py"): "dataclass fields of a request",
    ("app/services/certificates/lifecycle.py", "views/admin/table_cache.py"): "installing session or engine listeners",
    ("app/services/records/history.py", "app/services/records/history.py"):
        "the company page's and the member page's lists, each its own query",
    ("views/admin/certificate_actions.py", "views/admin/refunds.py"): "an exposed route finding its record or 404",
    ("views/admin/counter.py", "views/admin/counter.py"): "exposed routes: decorators and permission names",
    ("views/admin/counter.py", "views/admin/refunds.py"): "exposed routes: decorators and permission names",
    ("views/admin/counter.py", "views/admin/reminders.py"): "exposed routes: decorators and permission names",
    ("views/admin/history.py", "views/admin/history.py"): "the company page's and member page's routes",
    ("views/admin/members.py", "views/admin/refunds.py"): "ModelView attributes",
    ("views/admin/records.py", "views/admin/records.py"): "ModelView attributes",
    ("views/admin/records.py", "views/admin/refunds.py"): "ModelView attributes",
    ("views/admin/refunds.py", "views/admin/refunds.py"): "the approve and reject routes: decorators and form check",
    ("views/admin/refunds.py", "views/admin/reminders.py"): "exposed routes: decorators and permission names",
    ("app/domain/labels.py", "app/domain/labels.py"): "label families, each a code and its msgid",
    ("views/admin/chamber.py", "views/admin/vouchers.py"): "ModelView titles and attributes",
    ("views/admin/refunds.py", "views/admin/vouchers.py"): "ModelView column labels",
    ("app/adapters/mail.py", "app/adapters/payments/base.py"): "frozen dataclass fields",
    ("app/domain/quotes.py", "app/domain/vouchers.py"): "enum members and dataclass fields",
    ("app/domain/quotes.py", "app/operations/doctor.py"): "frozen dataclass fields",
    ("app/services/audit/trail.py", "app/services/counter/visits.py"): "dataclass fields with defaults",
}


def _pairs(tree: Path) -> set[tuple[str, str]]:
    result = subprocess.run(["duplicates", "--repo", str(tree), "--most", "200", "--seconds", "120"],
                            capture_output=True, text=True, timeout=300, check=True)
    assert "incomplete:" not in result.stdout, result.stdout
    pairs = set()
    for line in result.stdout.splitlines():
        match = ROW.match(line)
        if match:
            pairs.add(tuple(sorted(match.groups())))
    return pairs


@pytest.mark.skipif(shutil.which("duplicates") is None, reason="the `duplicates` command is not installed here")
def test_no_block_of_six_lines_is_written_twice(tmp_path):
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            target = tmp_path / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    found = _pairs(tmp_path)
    assert sorted(found - set(ACCEPTED)) == []
    # A pair that no longer repeats is taken off the list, so the list stays a true account.
    assert sorted(set(ACCEPTED) - found) == []
