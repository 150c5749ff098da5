"""A workspace's tables out to Parquet and back: the sample shop survives the round trip cell for cell."""

from __future__ import annotations

import json

import duckdb
import pytest

from insights.cli import main
from insights.core.workspace import Workspace, mart_names
from insights.scale.parquet import MANIFEST, ParquetFolderError, canonical_tables, export_parquet, \
    import_parquet


def _types(relation) -> dict[str, str]:
    return {name: str(kind) for name, kind in zip(relation.columns, relation.types)}


def _differences(first, second) -> dict[str, tuple[int, int]]:
    """Rows of each Parquet file of ``first`` missing from ``second``'s file of the same name, and back."""
    con = duckdb.connect()
    found = {}
    for path in sorted(first.glob("*.parquet")):
        a, b = con.read_parquet(str(path)), con.read_parquet(str(second / path.name))
        assert a.columns == b.columns and a.types == b.types, path.name
        count = lambda rel: rel.aggregate("count(*)").fetchall()[0][0]   # noqa: E731
        if count(a.except_(b)) or count(b.except_(a)) or count(a) != count(b):
            found[path.stem] = (count(a.except_(b)), count(b.except_(a)))
    return found


def test_sample_shop_round_trips_through_parquet(sample_workspace, tmp_path):
    sample_workspace.set_setting("revenue_shipping", "include")
    exported = export_parquet(sample_workspace, tmp_path / "out")
    assert set(exported.rows) == set(canonical_tables()) | set(mart_names())
    assert exported.rows["order_lines"] == sample_workspace.row_counts()["order_lines"] > 20_000
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    assert manifest["tables"] == exported.rows and manifest["columns"]["order_lines"]["row_hash"] == "UUID"
    assert _types(duckdb.connect().read_parquet(str(tmp_path / "out" / "order_lines.parquet")))[
        "row_hash"] == "VARCHAR"           # Spark reads neither UUID nor JSON from Parquet: they go as text

    copy = Workspace.create_at(tmp_path / "copy")
    try:
        imported = import_parquet(copy, tmp_path / "out")
        assert imported.rows == {t: exported.rows[t] for t in canonical_tables()}
        assert copy.setting("revenue_shipping") == "include"
        assert _types(copy.con.table("order_lines"))["row_hash"] == "UUID"
        export_parquet(copy, tmp_path / "again")
    finally:
        copy.close()
    assert _differences(tmp_path / "out", tmp_path / "again") == {}


def test_import_refuses_a_folder_without_order_lines_or_a_workspace_with_data(sample_workspace, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ParquetFolderError, match="no order_lines.parquet"):
        import_parquet(sample_workspace, tmp_path / "empty")
    export_parquet(sample_workspace, tmp_path / "out", marts=False)
    with pytest.raises(ParquetFolderError, match="already holds data"):
        import_parquet(sample_workspace, tmp_path / "out")


def test_a_warehouse_extract_may_leave_out_optional_columns_but_not_required_ones(tmp_path):
    folder = tmp_path / "extract"
    folder.mkdir()
    con = duckdb.connect()
    con.sql("select 'A1' as order_id, 'c1' as customer_id, timestamp '2026-01-05 10:00' as ordered_at, "
            "2.0::decimal(18,4) as quantity, 5.0::decimal(18,4) as unit_price, 10.0::decimal(18,4) as revenue"
            ).write_parquet(str(folder / "order_lines.parquet"))
    ws = Workspace.create_at(tmp_path / "ws")
    try:
        import_parquet(ws, folder)
        assert ws.con.table("orders").project("order_id, customer_id, net_revenue").fetchall() == [
            ("A1", "c1", 10)]
    finally:
        ws.close()
    con.sql("select 'A1' as order_id").write_parquet(str(folder / "order_lines.parquet"))
    ws = Workspace.create_at(tmp_path / "ws2")
    try:
        with pytest.raises(ParquetFolderError, match="order_lines.parquet: cannot be read into the order_lines"):
            import_parquet(ws, folder)
        assert not ws.has_data()
    finally:
        ws.close()


def test_commands_import_and_export(tmp_path, capsys):
    folder = tmp_path / "extract"
    folder.mkdir()
    duckdb.connect().sql(
        "select 'A1' as order_id, timestamp '2026-01-05 10:00' as ordered_at, 1.0::decimal(18,4) as quantity, "
        "5.0::decimal(18,4) as unit_price, 5.0::decimal(18,4) as revenue").write_parquet(
        str(folder / "order_lines.parquet"))
    assert main(["import-parquet", "--workspace", str(tmp_path / "new"), "--from", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == {"order_lines": 1}
    with pytest.raises(SystemExit, match="already holds data"):
        main(["import-parquet", "--workspace", str(tmp_path / "new"), "--from", str(folder)])
    assert main(["export-parquet", "--workspace", str(tmp_path / "new"), "--out", str(tmp_path / "out"),
                 "--no-marts"]) == 0
    # the line and the rate in use for its month (reporting_rates: 1, no currency named)
    assert f"Wrote {len(canonical_tables())} tables (2 rows)" in capsys.readouterr().out
    assert not (tmp_path / "out" / "orders.parquet").exists()
