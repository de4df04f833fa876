"""Nothing but the workflow engine's one transition service assigns a status (STYLE.md, rule 3).

The source of kyodo/ is parsed, not imported: every `x.status = …`, `setattr(x, "status",
…)`, and `status=` / `defaults={"status": …}` passed to a write (create, update, a model's
constructor, …) must sit inside a function on the allow-list below. A new app's transition
service is added here deliberately, in the same commit that adds the service.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "kyodo"

ALLOWED: dict[str, set[str]] = {
    # The workflow engine's one transition service.
    "kyodo/core/workflow.py": {"transition"},
    # The outbox's own bookkeeping of a mail's delivery (pending → sending → sent / failed),
    # not a domain workflow: claimed by conditional UPDATEs so two workers never send one twice.
    "kyodo/core/events.py": {"notify", "deliver_due", "_deliver_one", "resend"},
    # A document bundle's build progress (queued → building → ready / failed), set by the
    # background task that builds it: job bookkeeping like the outbox's, not a workflow.
    "kyodo/documents/services.py": {"bundle_build"},
    # Demo data only: puts a few applications straight into "submitted" for the demo.
    "kyodo/portal/management/commands/seed_demo.py": {"_groups"},
}
WRITE_METHODS = {
    "create",
    "update",
    "update_or_create",
    "get_or_create",
    "bulk_create",
    "bulk_update",
}


def _workflow_model_names() -> set[str]:
    return {
        model.__name__
        for model in apps.get_models()
        if any(f.name == "status" for f in model._meta.get_fields())
    }


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _writes_status(node: ast.AST, models: set[str]) -> bool:
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and part.attr == "status":
                    return True
    if isinstance(node, ast.Call):
        name = _callee(node)
        if (
            name == "setattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "status"
        ):
            return True
        if name in WRITE_METHODS or name in models:
            for keyword in node.keywords:
                if keyword.arg == "status":
                    return True
                if keyword.arg == "defaults" and isinstance(keyword.value, ast.Dict):
                    keys = [k.value for k in keyword.value.keys if isinstance(k, ast.Constant)]
                    if "status" in keys:
                        return True
    return False


def _visit(
    node: ast.AST, function: str, path: str, models: set[str], found: list[tuple[str, str, int]]
) -> None:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        function = node.name
    if _writes_status(node, models):
        found.append((path, function, getattr(node, "lineno", 0)))
    for child in ast.iter_child_nodes(node):
        _visit(child, function, path, models, found)


def _status_writes() -> list[tuple[str, str, int]]:
    models = _workflow_model_names()
    found: list[tuple[str, str, int]] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
        _visit(tree, "<module>", relative, models, found)
    return found


def test_it_finds_status_writes_only_in_the_transition_services() -> None:
    offenders = [
        f"{path}:{line} in {function}()"
        for path, function, line in _status_writes()
        if function not in ALLOWED.get(path, set())
    ]
    assert offenders == [], "status assigned outside a transition service:\n" + "\n".join(offenders)


def test_it_keeps_the_allow_list_honest() -> None:
    """Every allowed function exists and does write a status: no stale entries."""
    writers = {(path, function) for path, function, _line in _status_writes()}
    for path, functions in ALLOWED.items():
        for function in functions:
            assert (path, function) in writers, f"{path}:{function} no longer writes a status"


def test_it_would_catch_the_usual_ways_of_assigning_a_status() -> None:
    models = {"RegistrationApplication"}
    for snippet in [
        "application.status = 'approved'",
        "self.status: str = 'approved'",
        "setattr(application, 'status', 'approved')",
        "RegistrationApplication.objects.filter(pk=1).update(status='approved')",
        "RegistrationApplication.objects.create(group=g, status='approved')",
        "RegistrationApplication(group=g, status='approved')",
        "X.objects.update_or_create(pk=1, defaults={'status': 'approved'})",
    ]:
        tree = ast.parse(snippet)
        assert any(_writes_status(node, models) for node in ast.walk(tree)), snippet
    for snippet in [
        "RegistrationApplication.objects.filter(status='approved')",
        "application.status == 'approved'",
        "render(request, 'x.html', context, status=403)",
    ]:
        tree = ast.parse(snippet)
        assert not any(_writes_status(node, models) for node in ast.walk(tree)), snippet
