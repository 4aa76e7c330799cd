"""The layers keep their roads: no import cycle, views reach adapters only through services,
models import no service and no running app, the domain imports no framework."""
from __future__ import annotations

import ast

from tests.unit.structure.import_graph import cycles, import_graph, project_modules

GRAPH = import_graph()


def _edges(source_prefix: str, target_prefix: str) -> list[str]:
    return sorted(
        f"{module} imports {target} (line {line})"
        for module, targets in GRAPH.items()
        if module == source_prefix or module.startswith(source_prefix + ".")
        for target, line in targets.items()
        if target == target_prefix or target.startswith(target_prefix + ".")
    )


def test_the_graph_sees_imports_inside_functions_too():
    # views/admin/records.py imports the outbox service inside an action.
    assert "app.services.notifications.outbox" in GRAPH["views.admin.records"]
    assert len(GRAPH) > 150


def test_no_import_cycle_between_modules_of_app_views_jobs_and_models():
    assert cycles(GRAPH) == []


def test_views_import_no_adapter():
    assert _edges("views", "app.adapters") == []


def test_a_cycle_is_found():
    assert cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c"]]


def test_models_import_no_service_and_no_running_app():
    assert _edges("models", "app.services") == []
    assert _edges("models", "app.adapters") == []
    modules = project_modules()
    for name, path in modules.items():
        if name.startswith("models"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                     for alias in node.names}
            assert "current_app" not in names, name


def test_the_domain_imports_no_framework_and_nothing_outside_itself():
    outside = [f"{module} imports {target}" for module, targets in GRAPH.items()
               if module.startswith("app.domain") for target in targets if not target.startswith("app.domain")]
    assert outside == []
    for name, path in project_modules().items():
        if name.startswith("app.domain"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            roots = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names}
            roots |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                      if isinstance(node, ast.ImportFrom) and not node.level}
            assert not roots & {"flask", "flask_babel", "flask_appbuilder", "sqlalchemy"}, name
