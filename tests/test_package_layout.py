"""The package shows its pipeline: one-way imports, no cycles, MkDocs only in its adapter, and no topic of its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "litatlas"
STAGES = ("model", "load", "site", "publish", "contrib")
# Which stages each stage may import: data flows model -> load -> site -> publish; contributor tools stand beside.
ALLOWED = {
    "model": {"model"},
    "load": {"model", "load"},
    "site": {"model", "load", "site"},
    "publish": {"model", "load", "site", "publish"},
    "contrib": {"model", "load", "contrib"},
}
TOPIC = re.compile(r"msc|cancer|tumou?r|payload|mesenchymal|stromal", re.IGNORECASE)
# Pagefind's --service protocol names a message's body "payload": its wire format, spelled once.
PROTOCOL_KEY = ("publish/pagefind.py", '_BODY = "payload"')


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found |= {n for n in names if n in modules and n != name}
    return found


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {
        name: {m for m in _imports(name, path, modules) if modules[m].name != "__init__.py"} for name, path in modules.items()
    }
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            assert state.get(nxt) != 1, "import cycle: " + " -> ".join([*trail, node, nxt])
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_stages_import_one_way() -> None:
    modules = _modules()
    for name, path in modules.items():
        parts = name.split(".")
        stage = parts[1] if len(parts) > 1 and parts[1] in STAGES else None
        if stage is None:
            continue
        for target in _imports(name, path, modules):
            target_parts = target.split(".")
            if len(target_parts) > 1 and target_parts[1] in STAGES:
                assert target_parts[1] in ALLOWED[stage], f"{name} imports {target}"


def test_page_builders_use_the_shared_context_not_each_other() -> None:
    modules = _modules()
    for name, path in modules.items():
        if not name.startswith("litatlas.site.pages.") or path.name == "__init__.py":
            continue
        for target in _imports(name, path, modules):
            assert not target.startswith("litatlas.site.pages."), f"{name} imports {target}"
            assert target != "litatlas.site.build", f"{name} imports the module that calls it"


def test_only_the_adapter_imports_mkdocs() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        uses = [
            node
            for node in ast.walk(tree)
            if (isinstance(node, ast.Import) and any(a.name.split(".")[0] == "mkdocs" for a in node.names))
            or (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "mkdocs")
        ]
        if path.relative_to(PACKAGE).as_posix() != "publish/mkdocs_plugin.py":
            assert not uses, f"{path} imports MkDocs"


def test_the_generator_names_no_topic() -> None:
    """grep -rniE "msc|cancer|tumou?r|payload|mesenchymal|stromal" over the package (code, templates, assets, theme)."""
    hits = []
    for path in PACKAGE.rglob("*"):
        if not path.is_file() or path.suffix == ".pyc":
            continue
        rel = path.relative_to(PACKAGE).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TOPIC.search(line) and (rel, line.strip()) != PROTOCOL_KEY:
                hits.append(f"{rel}:{number}: {line.strip()}")
    assert hits == []


def test_one_error_base_class_for_what_users_must_fix() -> None:
    from litatlas.contrib.commands import ContribError
    from litatlas.contrib.fetching import FetchFailed
    from litatlas.contrib.importing import ImportFailed
    from litatlas.load.project import ProjectNotFound
    from litatlas.model.errors import LitatlasError
    from litatlas.publish.disk import UnsafeOutput
    from litatlas.publish.pagefind import PagefindError

    for error in (ContribError, FetchFailed, ImportFailed, ProjectNotFound, UnsafeOutput, PagefindError):
        assert issubclass(error, LitatlasError), error
