"""Every file a person opens in a spreadsheet is written by core.spreadsheet.write_table: a static walk over the
app and the package finds no other writer, and the cohort page's download is written safely."""

import ast
import io
from pathlib import Path

import pandas as pd

from insights.core.spreadsheet import write_table
from insights.performance.cohorts import cohort_cells_for_download

ROOT = Path(__file__).resolve().parents[2]
WRITERS = {"to_csv", "to_excel", "to_clipboard", "writer", "DictWriter", "Workbook"}


def _writer_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in WRITERS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}()")
    return found


def test_no_spreadsheet_writer_outside_the_safe_one():
    files = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "insights").rglob("*.py"))]
    offenders = [hit for f in files if f.name != "spreadsheet.py" or f.parent.name != "core"
                 for hit in _writer_calls(f)]
    assert offenders == []


def test_the_walk_finds_a_planted_writer(tmp_path):
    planted = ROOT / "tests" / "core" / "_planted_writer_probe.py"
    planted.write_text("import pandas as pd\npd.DataFrame().to_csv('x.csv')\n")
    try:
        assert _writer_calls(planted) == ["tests/core/_planted_writer_probe.py:2 to_csv()"]
    finally:
        planted.unlink()


def test_cohort_download_neutralises_split_values():
    cells = pd.DataFrame({"cohort": pd.to_datetime(["2024-01-01", "2024-02-01"]),
                          "split_value": ['=HYPERLINK("http://x","y")', "@SUM(A1)"],
                          "period_index": [0, 1], "value": [10.0, -2.0]})
    text = write_table(cohort_cells_for_download(cells), "csv").decode("utf-8-sig")
    rows = pd.read_csv(io.StringIO(text), dtype=str)
    assert rows["split_value"].tolist() == ["'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)"]
    assert rows["value"].tolist() == ["10.0", "-2.0"]          # numbers stay numbers
