"""Promises about the code's layout that a reviewer would otherwise check by hand.

The house is built by capability (see docs/ARCHITECTURE.md): a room per capability inside ``insights/``, on
floors. A module imports its own room, ``core`` and rooms on lower floors; rooms on the same floor never import
each other. The import graph (function-local imports included) has no cycle, no private name crosses a
module boundary, no import hides inside a function or a ``try``, and SQL text lives in ``.sql`` files (only the
connection helpers, the workspace, the score store and the loader write statements of their own).
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "insights"

# Each room's floor: a room may import rooms on strictly lower floors (and itself).
FLOORS = {
    "core": 0,
    "models": 1, "ingest": 1, "scale": 1,
    "customers": 2, "performance": 2, "voice": 2, "funnel": 2,
    "experiments": 2,
    "products": 2,
    "acquisition": 2,
    "privacy": 3,
    "predictions": 3, "second_purchase": 3,
    "charts": 4, "feed": 4,
    "commands": 5, "ui": 5, "cli": 6, "__main__": 7,
}
TOP_LEVEL = {"insights"}   # the package's own __init__ (a docstring)
MAX_LINES = 400

# Files that may hold SQL statements in Python strings: the connection helpers, the workspace (schema, marts),
# the store of model outputs and the loader.
SQL_ALLOWED = ("insights/core/db.py", "insights/core/workspace.py", "insights/core/scores.py",
               "insights/ingest/load/")
SQL_STATEMENT = re.compile(r"\bselect\b[\s\S]+?\bfrom\b|\binsert\s+into\b|\bcreate\s+(or\s+replace\s+)?"
                           r"(temp\s+|temporary\s+)?(table|view|macro)\b|\bdelete\s+from\b|\bdrop\s+(table|view)\b"
                           r"|\bupdate\s+\w+\s+set\b", re.I)



def _no_offenders(rule: str, offenders: list[tuple[str, str]]) -> None:
    """Fail with every offender of ``rule``, one per line (where, what)."""
    assert offenders == [], f"{rule}:\n" + "\n".join(f"{where}: {what}" for where, what in offenders)


def _python_files(folder):
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@lru_cache(maxsize=1)
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in _python_files("insights")}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


class _Import:
    def __init__(self, importer: str, target: str, name: str | None, line: int, local: bool, guarded: bool):
        self.importer, self.target, self.name, self.line = importer, target, name, line
        self.local, self.guarded = local, guarded

    def where(self) -> str:
        return f"{_modules()[self.importer].relative_to(ROOT)}:{self.line}"

    def file(self) -> str:
        return str(_modules()[self.importer].relative_to(ROOT))


def _absolute(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if _modules()[importer].name != "__init__.py":
        base = base[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@lru_cache(maxsize=1)
def _imports() -> list[_Import]:
    """Every import of an ``insights`` module by an ``insights`` module, with where it sits."""
    modules = _modules()
    found = []
    for importer, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node, local=False, guarded=False):
            for child in ast.iter_child_nodes(node):
                child_local = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                child_guarded = guarded or isinstance(child, ast.Try)
                if isinstance(child, ast.Import):
                    for alias in child.names:
                        if alias.name.split(".")[0] == "insights":
                            found.append(_Import(importer, alias.name, None, child.lineno, local, guarded))
                elif isinstance(child, ast.ImportFrom):
                    base = _absolute(importer, child)
                    if base.split(".")[0] != "insights":
                        continue
                    for alias in child.names:
                        full = f"{base}.{alias.name}"
                        if full in modules:
                            found.append(_Import(importer, full, None, child.lineno, local, guarded))
                        else:
                            found.append(_Import(importer, base, alias.name, child.lineno, local, guarded))
                visit(child, child_local, child_guarded)

        visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in _modules()}
    for imp in _imports():
        if imp.target in graph and imp.target != imp.importer:
            graph[imp.importer].add(imp.target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan), i.e. the import cycles.

    A package's ``__init__`` that re-exports its own modules is not a cycle with them: a module importing
    its parent package is left out of the graph here."""
    edges = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph.items()}
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(frozenset(component))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return out


def test_the_guard_sees_every_kind_of_import():
    """The graph must include function-local and relative imports, or the other checks prove nothing."""
    modules = _modules()
    assert "insights.core.db" in modules and len(modules) > 30
    kinds = {(imp.local, imp.guarded) for imp in _imports()}
    assert (False, False) in kinds


def test_no_import_cycles():
    _no_offenders("cycles", [(" ~ ".join(sorted(c)), "import cycle") for c in _cycles(_graph())])


def test_every_room_has_a_floor():
    rooms = {_room(m) for m in _modules()} - TOP_LEVEL
    assert rooms - set(FLOORS) == set(), "a new room needs a floor in FLOORS (and a row in docs/ARCHITECTURE.md)"


def test_imports_go_down_the_floors():
    """A module imports its own room and rooms on lower floors; sibling rooms don't import each other."""
    offenders = []
    for imp in _imports():
        mine, theirs = _room(imp.importer), _room(imp.target)
        if mine == theirs or theirs in TOP_LEVEL:
            continue
        if FLOORS.get(theirs, 99) >= FLOORS.get(mine, -1):
            offenders.append((imp.where(), f"{mine} (floor {FLOORS.get(mine)}) imports {imp.target} "
                                            f"({theirs}, floor {FLOORS.get(theirs)})"))
    _no_offenders("floors", offenders)


def test_no_import_hides_in_a_function_or_a_try():
    """Imports between our modules sit at the top of the file: a local or guarded one hides a design problem."""
    offenders = [(imp.where(), f"{imp.target}{'.' + imp.name if imp.name else ''}"
                  + (" (inside a function)" if imp.local else "") + (" (inside try)" if imp.guarded else ""))
                 for imp in _imports() if imp.local or imp.guarded]
    _no_offenders("local imports", offenders)


def test_no_private_name_crosses_a_module():
    offenders = [(imp.where(), f"{imp.target}.{imp.name}") for imp in _imports()
                 if imp.name and imp.name.startswith("_") and not imp.name.startswith("__")
                 and imp.target != imp.importer]
    offenders += [(imp.where(), imp.target) for imp in _imports()
                  if imp.name is None and imp.target.rsplit(".", 1)[-1].startswith("_")
                  and imp.target.rsplit(".", 1)[0] != imp.importer.rsplit(".", 1)[0]
                  and not imp.importer.startswith(imp.target.rsplit(".", 1)[0])]
    _no_offenders("private names", offenders)


def _string_constants(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            yield ast.Constant(value=text, lineno=node.lineno)


def _docstrings(tree) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def test_sql_lives_in_sql_files():
    offenders = []
    for path in _python_files("insights"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(SQL_ALLOWED):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in _string_constants(tree):
            if id(node) not in docs and SQL_STATEMENT.search(node.value):
                offenders.append((f"{rel}:{node.lineno}", repr(node.value.strip()[:60])))
    _no_offenders("sql in python", offenders)


def test_sql_files_state_their_grain():
    missing = [(str(p.relative_to(ROOT)), "no '-- grain:' first line") for p in sorted((PACKAGE / "sql").rglob("*.sql"))
               if not p.read_text(encoding="utf-8").lstrip().lower().startswith("-- grain:")]
    _no_offenders("sql grain", missing)


def test_modules_stay_small():
    _no_offenders("long modules", [(str(p.relative_to(ROOT)), f"over {MAX_LINES} lines: cut it along its own sections")
                           for p in _python_files("insights")
                           if len(p.read_text(encoding="utf-8").splitlines()) > MAX_LINES])


def test_analytics_never_imports_charts():
    offenders = [(imp.where(), imp.target) for imp in _imports()
                 if _room(imp.target) == "charts" and FLOORS.get(_room(imp.importer), 99) < FLOORS["charts"]]
    _no_offenders("analytics imports charts", offenders)


def test_pages_live_in_app_pages():
    """Streamlit treats a ``pages/`` folder as a legacy multipage app; ours is ``app_pages/`` under st.navigation."""
    assert not (ROOT / "pages").exists()
    assert sorted(p.name for p in (ROOT / "app_pages").glob("*.py"))
    assert "PagesManager" not in (PACKAGE / "ui" / "session.py").read_text(encoding="utf-8")


def test_cycle_finder_finds_a_planted_cycle_and_nothing_else():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [frozenset({"a", "b", "c"})]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_sql_pattern_tells_sql_from_prose():
    assert SQL_STATEMENT.search("select customer_id from orders")
    assert SQL_STATEMENT.search("create or replace table x as select 1")
    assert SQL_STATEMENT.search("delete from churn_runs")
    assert not SQL_STATEMENT.search("Select a segment to see its customers.")
    assert not SQL_STATEMENT.search("pick the file to load")


def test_streamlit_is_imported_only_in_the_ui_floor():
    offenders = []
    for path in _python_files("insights"):
        if "ui" in path.relative_to(PACKAGE).parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def _page_files():
    return _python_files("app_pages") + [ROOT / "app.py"]


def test_no_module_level_duckdb_connection():
    pattern = re.compile(r"\bduckdb\.(sql|query|execute|table|read_csv|read_parquet|from_df)\(")
    offenders = [str(p.relative_to(ROOT)) for p in _python_files("insights") + _python_files("bench") + _page_files()
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_unsafe_html():
    offenders = [str(p.relative_to(ROOT)) for p in _python_files("insights") + _page_files()
                 if "unsafe_allow_html=True" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_no_shared_cache_of_user_data():
    """st.cache_data/st.cache_resource are shared by every session: user data goes through session.memo."""
    offenders = [str(p.relative_to(ROOT)) for p in _python_files("insights") + _page_files()
                 if re.search(r"st\.cache_(data|resource)", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_pages_are_thin():
    """Pages hold no SQL: that belongs one floor down."""
    offenders = [str(p.relative_to(ROOT)) for p in _page_files() if SQL_STATEMENT.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
