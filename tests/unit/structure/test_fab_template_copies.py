"""Templates copied from Flask-AppBuilder stay in step with the installed FAB.

Each copy is listed with the FAB template it was made from and the SHA-256 of that
original when the copy was taken. When FAB is upgraded and an original changes, this
test fails: compare the new original with the copy, carry FAB's change over, then
record the new hash here.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import flask_appbuilder
import pytest

PROJECT_TEMPLATES = Path(__file__).resolve().parents[3] / "app" / "templates"
FAB_TEMPLATES = Path(flask_appbuilder.__file__).resolve().parent / "templates"

# copy in app/templates -> (original in FAB's templates, SHA-256 of the original copied)
COPIES = {
    "appbuilder/init.html": (
        "appbuilder/init.html", "63cd58ec542d996fa33839b677cbe2c089da35a0085222ad01b2bfcb8a119cb8"),
    "appbuilder/general/alert.html": (
        "appbuilder/general/alert.html", "a1d8f674dcdba29725488ee3557c0e0e7aea635f39012613c9284be38da2a31f"),
    "appbuilder/general/confirm.html": (
        "appbuilder/general/confirm.html", "b40fa102c061f75bc43de5b65b90f4858d1b5fe8d223ad49c99c0e894125c062"),
    "appbuilder/general/security/login_db.html": (
        "appbuilder/general/security/login_db.html",
        "809558f64c446bff9ba711d3009b15042549d8c666960d28567342d7cbc1e1b1"),
    "appbuilder/baselayout.html": (
        "appbuilder/baselayout.html", "105fed33362428021ec5e86fa17a25dac8fad972b567c1cb0b3fdb3af821cf07"),
    "appbuilder/footer.html": (
        "appbuilder/footer.html", "7f14fd7e7ee23dccc26006556169a92fac5f7abae73872bb33247f9ca44e377a"),
    "appbuilder/navbar_right.html": (
        "appbuilder/navbar_right.html", "0a7b39c996f2f3a1e425e9cc811c1a6c1bdc1aa34d2dc792aa10084e654bd4b8"),
    "admin/show_widget.html": (
        "appbuilder/general/widgets/show.html", "babd5b80d4e383c4a0a2a6d535f3aaf17285eb4e9d76e1bbf8f0cfe85586358a"),
    "admin/list_widget.html": (
        "appbuilder/general/widgets/list.html", "2a0fad48fe42239c756dbc963dcefa3cba1181c6d699378bc811dd081ebdb662"),
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("copy", sorted(COPIES))
def test_the_fab_original_of_each_copy_is_unchanged(copy):
    original, recorded = COPIES[copy]
    assert (PROJECT_TEMPLATES / copy).is_file(), copy
    installed = FAB_TEMPLATES / original
    assert installed.is_file(), f"the installed Flask-AppBuilder has no {original} any more (copied to {copy})"
    assert _sha256(installed) == recorded, (
        f"Flask-AppBuilder's {original} changed since app/templates/{copy} was copied from it: "
        "carry the change over to the copy, then record the new hash"
    )


def test_every_template_that_shadows_one_of_fab_is_listed():
    shadowing = sorted(
        str(path.relative_to(PROJECT_TEMPLATES))
        for path in PROJECT_TEMPLATES.rglob("*.html")
        if (FAB_TEMPLATES / path.relative_to(PROJECT_TEMPLATES)).is_file()
    )
    assert shadowing and set(shadowing) <= set(COPIES)


def test_a_changed_original_is_noticed(tmp_path):
    original = tmp_path / "list.html"
    original.write_bytes((FAB_TEMPLATES / "appbuilder/general/widgets/list.html").read_bytes() + b"\n")
    assert _sha256(original) != COPIES["admin/list_widget.html"][1]
