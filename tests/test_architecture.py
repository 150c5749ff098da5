"""Promises about the code's layout that a reviewer would otherwise check by hand."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _python_files(folder):
    return [p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts]


def test_streamlit_is_imported_only_in_the_ui_floor():
    offenders = []
    for path in _python_files("insights"):
        if "ui" in path.relative_to(ROOT / "insights").parts[:1]:
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


def test_no_module_level_duckdb_connection():
    pattern = re.compile(r"\bduckdb\.(sql|query|execute|table|read_csv|read_parquet|from_df)\(")
    offenders = [str(p.relative_to(ROOT)) for folder in ("insights", "pages", "bench")
                 for p in _python_files(folder) if pattern.search(p.read_text(encoding="utf-8"))]
    offenders += [f for f in ("app.py",) if pattern.search((ROOT / f).read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_unsafe_html():
    offenders = [str(p.relative_to(ROOT)) for folder in ("insights", "pages")
                 for p in _python_files(folder) if "unsafe_allow_html=True" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_no_shared_cache_of_user_data():
    """st.cache_data/st.cache_resource are shared by every session: user data goes through session.memo."""
    offenders = [str(p.relative_to(ROOT)) for folder in ("insights", "pages")
                 for p in _python_files(folder)
                 if re.search(r"st\.cache_(data|resource)", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_pages_are_thin():
    """Pages hold no SQL: that belongs one floor down."""
    sql = re.compile(r"\b(select\s+.+\s+from|insert\s+into|create\s+table)\b", re.I)
    offenders = [str(p.relative_to(ROOT)) for p in _python_files("pages") if sql.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
