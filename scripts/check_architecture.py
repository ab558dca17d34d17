"""Checks of reformlib's architecture that import-linter's contracts do not cover.

Run by ``make lint`` (after ``lint-imports``, which holds the layers of pyproject.toml):

1. each package's (and each top-level module's) opening docstring has a ``May import:``
   paragraph, and every import of another part of reformlib made by its modules is one the
   paragraph names (as ``:mod:`reformlib....```; "every other part of reformlib" allows all);
2. no import cycle between modules;
3. no private name (``_name``, or a ``_module``) is imported from another module;
4. no module finds another at run time through ``importlib`` (only the package's lazy
   facade, ``reformlib/__init__.py``, reads its static table that way).

Prints one line per problem and exits 1 when there is any.
"""
from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reformlib"
FACADE = PACKAGE / "__init__.py"
LAZY_ALIAS = "deprecated alias only"  # comment that marks a lazy 0.1 alias import
_MOD = re.compile(r":mod:`~?(reformlib(?:\.\w+)*)`")


def parts() -> dict[str, Path]:
    """Each part of reformlib whose docstring declares its imports: package or top-level module."""
    out = {}
    for p in sorted(PACKAGE.iterdir()):
        if p.is_dir() and (p / "__init__.py").exists():
            out[f"reformlib.{p.name}"] = p / "__init__.py"
        elif p.suffix == ".py" and p.name not in ("__init__.py", "__main__.py"):
            out[f"reformlib.{p.stem}"] = p
    return out


def declared(path: Path) -> set[str] | None:
    """The reformlib modules a docstring's ``May import:`` paragraph allows ({"reformlib"}: all),
    or None when the docstring has no such paragraph."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    at = doc.find("May import:")
    if at < 0:
        return None
    paragraph = doc[at:].split("\n\n")[0]
    if "every other part of reformlib" in paragraph:
        return {"reformlib"}
    return set(_MOD.findall(paragraph))


def _within(module: str, prefixes: set[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    names = list(rel.parts)
    return ".".join(names[:-1] if names[-1] == "__init__" else names)


def _imports(path: Path) -> Iterator[tuple[int, str, str | None, bool]]:
    """(line, module, imported name or None, lazy-alias?) of every reformlib import in a file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for node in ast.walk(ast.parse("\n".join(lines))):
        lazy = isinstance(node, ast.ImportFrom | ast.Import) and LAZY_ALIAS in lines[node.lineno - 1]
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("reformlib"):
            for alias in node.names:
                yield node.lineno, node.module, alias.name, lazy
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("reformlib"):
                    yield node.lineno, alias.name, None, lazy


def layer_problems() -> list[str]:
    problems = []
    for part, init in parts().items():
        allowed = declared(init)
        if allowed is None:
            problems.append(f"{init.relative_to(ROOT)}: opening docstring has no 'May import:' paragraph")
            continue
        files = [init] if init.name != "__init__.py" else sorted(init.parent.rglob("*.py"))
        for f in files:
            for line, module, name, lazy in _imports(f):
                target = f"{module}.{name}" if name and not _within(module, {part}) else module
                if lazy or _within(module, {part}) or _within(module, allowed) or _within(target, allowed):
                    continue
                problems.append(f"{f.relative_to(ROOT)}:{line}: imports {target}, which the 'May import' "
                                f"paragraph of {init.relative_to(ROOT)} does not allow")
    return problems


def private_problems() -> list[str]:
    problems: list[str] = []
    seen: set[tuple[Path, int]] = set()
    for f in sorted(PACKAGE.rglob("*.py")):
        own = _module_name(f)
        for line, module, name, _ in _imports(f):
            private = [p for p in module.split(".") if p.startswith("_") and not p.startswith("__")]
            if name and name.startswith("_") and not name.startswith("__"):
                private.append(name)
            if private and module != own and (f, line) not in seen:
                seen.add((f, line))
                problems.append(f"{f.relative_to(ROOT)}:{line}: imports the private name(s) {private} from {module}")
    return problems


def importlib_problems() -> list[str]:
    problems = []
    for f in sorted(PACKAGE.rglob("*.py")):
        if f == FACADE:
            continue
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("import_module", "__import__"):
                problems.append(f"{f.relative_to(ROOT)}:{node.lineno}: finds a module at run time ({node.attr})")
            elif isinstance(node, ast.Name) and node.id == "__import__":
                problems.append(f"{f.relative_to(ROOT)}:{node.lineno}: finds a module at run time (__import__)")
    return problems


def cycle_problems() -> list[str]:
    graph = grimp.build_graph("reformlib", cache_dir=None)
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        edges[module] = set()
        for imported in graph.find_modules_directly_imported_by(module):
            details = graph.get_import_details(importer=module, imported=imported)
            if details and all(LAZY_ALIAS in d["line_contents"] for d in details):
                continue
            # a package's __init__ importing its own submodules is how a package is built
            if imported.startswith(module + "."):
                continue
            edges[module].add(imported)
    return [f"import cycle: {' -> '.join(c)}" for c in _cycles(edges)]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    problems = layer_problems() + private_problems() + importlib_problems() + cycle_problems()
    for p in problems:
        print(p)
    print(f"architecture: {len(problems)} problem(s) in {len(list(PACKAGE.rglob('*.py')))} modules")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
