"""The package layout keeps its promises: no import circles between modules, and
services never reach for the request."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "spendsense"


def _module_name(path):
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path, known):
    """Modules of the package this file imports, at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("spendsense"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("spendsense"))
    return found & known


def _graph():
    files = {_module_name(path): path for path in ROOT.rglob("*.py")}
    return {name: _imports(path, set(files)) - {name} for name, path in files.items()}


def _cycle_from(graph, start):
    stack, seen = [(start, [start])], set()
    while stack:
        node, trail = stack.pop()
        for nxt in graph.get(node, ()):
            if nxt == start:
                return trail
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*trail, nxt]))
    return None


def test_services_have_no_import_circles():
    graph = _graph()
    # A package's __init__ importing its own modules (blueprints registering routes)
    # is how Flask blueprints are built; circles through it are not design circles.
    graph = {name: {target for target in targets if not name.startswith(target + ".")}
             for name, targets in graph.items()}
    circles = {name: trail for name in graph if name.startswith("spendsense.services")
               and (trail := _cycle_from(graph, name))}
    assert circles == {}


def test_services_never_touch_the_request():
    offenders = []
    for path in (ROOT / "services").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                names = {alias.name for alias in node.names}
                if names & {"request", "session", "flash", "render_template", "g"}:
                    offenders.append((path.name, sorted(names)))
    assert offenders == []
