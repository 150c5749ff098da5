"""Sizes for docs/SCALE.md: the sample shop copied N times over (new order and customer ids each copy), exported
to Parquet, imported into a workspace, its marts built; bytes per line and peak memory at each step.

    .venv/bin/python bench/scale.py --copies 40        # ≈ 1.1M order lines, 120k customers

Each step runs in a child process of its own, so each peak (``VmHWM``) is that step's alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def _copies(source: Path, out: Path, copies: int) -> None:
    """The sample's Parquet export with order_lines, customer_records, events and feedback copied ``copies``
    times, ids suffixed with the copy number; marts left out (they are rebuilt)."""
    import duckdb
    from insights.scale.parquet import canonical_tables
    out.mkdir(parents=True)
    con = duckdb.connect()
    ids = {"order_lines": ("order_id", "customer_id", "line_id"), "customer_records": ("customer_id", "record_id"),
           "events": ("customer_id", "session_id", "event_id", "order_id"), "feedback": ("customer_id", "feedback_id",
                                                                                        "order_id")}
    for table in canonical_tables():
        relation = con.read_parquet(str(source / f"{table}.parquet"))
        if table in ids:
            columns = [f"{c} * {copies} + n" if c.endswith(("line_id", "record_id", "event_id", "feedback_id"))
                       and c in ids[table] else (f"{c} || '-' || n" if c in ids[table] else c)
                       for c in relation.columns]
            names = ", ".join(f"{expr} as {name}" for expr, name in zip(columns, relation.columns))
            copies_rel = con.sql(f"select unnest(range({copies})) as n")
            relation = relation.cross(copies_rel).project(names)
        relation.write_parquet(str(out / f"{table}.parquet"))


def _step(name: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", name, *args], capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _child(name: str, args: list[str]) -> dict:
    from memory import peak_rss_mb
    from insights.core.workspace import Workspace
    from insights.scale.parquet import export_parquet, import_parquet
    t0 = time.perf_counter()
    facts = {}
    if name == "export":
        with Workspace.open(args[0], read_only=True) as ws:
            export_parquet(ws, args[1], marts=False)
    elif name == "copies":
        _copies(Path(args[0]), Path(args[1]), int(args[2]))
    elif name == "import":
        with Workspace.create_at(args[1]) as ws:
            done = import_parquet(ws, args[0])
            facts = {"order_lines": done.rows["order_lines"],
                     "customers": ws.con.table("customers").aggregate("count(*)").fetchall()[0][0]}
    elif name == "marts":
        with Workspace.open(args[0]) as ws:
            ws.build_marts()
    return {"step": name, "seconds": round(time.perf_counter() - t0, 2), "peak_mb": round(peak_rss_mb()), **facts}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], args.child[1:])))
        return
    from insights.ingest.sample import build_sample_workspace
    with tempfile.TemporaryDirectory(prefix="clueboard-scale-") as tmp:
        tmp = Path(tmp)
        sample = build_sample_workspace(tmp / "sample")
        path = sample.path
        sample.close()
        steps = [_step("export", str(path), str(tmp / "sample_parquet")),
                 _step("copies", str(tmp / "sample_parquet"), str(tmp / "big_parquet"), str(args.copies)),
                 _step("import", str(tmp / "big_parquet"), str(tmp / "big")),
                 _step("marts", str(tmp / "big"))]
        lines = steps[2]["order_lines"]
        parquet = sum(p.stat().st_size for p in (tmp / "big_parquet").glob("*.parquet"))
        lines_parquet = (tmp / "big_parquet" / "order_lines.parquet").stat().st_size
        duck = (tmp / "big" / "clueboard.duckdb").stat().st_size
        for step in steps:
            print(json.dumps(step))
        print(json.dumps({"copies": args.copies, "order_lines": lines, "customers": steps[2]["customers"],
                          "parquet_mb": round(parquet / 1e6, 1),
                          "order_lines_parquet_bytes_per_line": round(lines_parquet / lines, 1),
                          "workspace_mb": round(duck / 1e6, 1)}))


if __name__ == "__main__":
    main()
