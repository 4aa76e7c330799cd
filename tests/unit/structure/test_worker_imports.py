"""A web worker starts without the libraries only some requests need: PDF rendering and signing, SAML and
migrations are imported when first used (about 45 MB a worker that never prints or signs does not hold)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from onelogin.saml2.constants import OneLogin_Saml2_Constants

from app.extensions import MIGRATIONS_DIR
from app.operations.health import migration_heads
from app.saml.settings import SECURITY

ROOT = Path(__file__).resolve().parents[3]
LOADED_WHEN_USED = ("xhtml2pdf", "reportlab", "pypdf", "pyhanko", "qrcode", "onelogin", "xmlsec", "lxml",
                    "flask_migrate", "alembic", "mako")

PROBE = """
import sys, tempfile
from app import create_app
from config import TestConfig
instance = tempfile.mkdtemp()
app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite:///" + instance + "/probe.db", INSTANCE_DIR=instance, DEV_IDP_ENABLED=False,
                 SAML_ENABLED=True, SAML_IDP_METADATA="<md:EntityDescriptor/>")
from app.extensions import db, metadata
with app.app_context():
    metadata.create_all(db.engine)  # the schema without the migrations: they are what must not be imported
    app.appbuilder.sm.ensure_roles()
client = app.test_client()
for path in ("/login/", "/verify/", "/healthz"):
    assert client.get(path).status_code == 200, path
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_a_worker_serves_its_first_page_without_the_pdf_saml_and_migration_libraries():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = set(result.stdout.split())
    assert "flask_appbuilder" in loaded  # the probe saw the app's modules
    assert loaded.isdisjoint(LOADED_WHEN_USED), sorted(loaded & set(LOADED_WHEN_USED))


def test_migration_heads_are_read_as_alembic_reads_them():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert migration_heads(str(MIGRATIONS_DIR)) == frozenset(ScriptDirectory.from_config(config).get_heads())


def test_the_saml_algorithms_are_python3_saml_constants():
    assert SECURITY["signatureAlgorithm"] == OneLogin_Saml2_Constants.RSA_SHA256
    assert SECURITY["digestAlgorithm"] == OneLogin_Saml2_Constants.SHA256
