"""Ingest benchmark: seconds from a file to a loaded workspace with its health report, peak memory, ratio to pandas.

    .venv/bin/python bench/ingest.py                  # Online Retail CSV and XLSX, 1M-row CSV and Parquet,
                                                      # 100k-row XLSX
    .venv/bin/python bench/ingest.py --only online_retail_xlsx   # one case
    .venv/bin/python bench/ingest.py --lines 200000   # smaller synthetic files
    .venv/bin/python bench/ingest.py --runs 5         # median and best of 5 runs per case (default 3)
    .venv/bin/python bench/ingest.py --against 75fb7ff   # this tree and that commit side by side, runs alternating
    .venv/bin/python bench/ingest.py --against-tree /work/base   # the same against a tree already checked out

Each case runs in its own subprocess (and the synthetic files are written by another), so that its peak
memory (``VmHWM``: the process's peak resident set, Python and libraries included) is its own. "ingest" is
``prepare_file`` + ``load_prepared`` (which includes identity resolution and rebuilding every mart) +
``health_report`` into a fresh workspace folder on disk. The
baseline is pandas reading the same file alone, in a process of its own so that its peak memory is its own too
(``read_csv``; ``read_parquet`` for Parquet; ``read_excel(engine="calamine")`` for XLSX); the table shows both
times and both peaks side by side, and their ratios. Targets on a 2-core machine: Online Retail ≤ 3 s, 1M-row
CSV ≤ 4 s, 100k-row XLSX ≤ 1.5 s. Synthetic files come from ``bench/synthetic.py`` (Online-Retail layout);
``Online Retail.xlsx`` (UCI's workbook, 541,909 rows, 229 MB of XML) is written once from the shared CSV by
``bench/retail_workbook.py`` into ``$XDG_CACHE_HOME/clueboard-bench`` (``~/.cache/clueboard-bench``), never
into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"online_retail_csv": 3.0, "synthetic_csv": 4.0, "synthetic_xlsx": 1.5}


def _measure(path: str, baseline: str) -> dict:
    """Runs inside the per-case subprocess."""
    from insights.core.workspace import Workspace
    from insights.ingest import health_report, load_prepared, prepare_file

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        ws = Workspace.create("bench", root=tmp)
        plan = prepare_file(path, ws=ws)
        prepared = time.perf_counter()
        report = load_prepared(ws, [plan])
        loaded = time.perf_counter()
        health_report(ws)
        done = time.perf_counter()
        f = report.files[0]
        from bench.memory import peak_rss_mb
        peak_mb = peak_rss_mb()
        floors = _floors(ws, path, baseline, tmp)
        ws.close()
    return {"rows": f.rows_read, "loaded": f.rows_loaded, "set_aside": f.rows_set_aside,
            "rejected": f.rows_rejected, "read_s": prepared - start, "load_s": loaded - prepared,
            "health_s": done - loaded, "total_s": done - start, "peak_mb": peak_mb, **floors}


def _measure_pandas(path: str, baseline: str) -> dict:
    """Runs inside its own subprocess: pandas reading the file alone, its time and this process's peak."""
    import pandas as pd

    from bench.memory import peak_rss_mb
    t = time.perf_counter()
    if baseline == "csv":
        frame = pd.read_csv(path)
    elif baseline == "parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_excel(path, engine="calamine")
    return {"pandas_s": time.perf_counter() - t, "pandas_peak_mb": peak_rss_mb(), "pandas_rows": len(frame)}


def _floors(ws, path: str, baseline: str, tmp: str) -> dict:
    """What parts of the load cost on their own, measured after it on the same machine (not in its total):

    * ``reader_s`` — the file's parser alone, every cell as text as the reader asks for it (pyarrow's CSV
      reader; fastexcel for XLSX; pyarrow's Parquet reader);
    * ``write_s`` — writing the loaded ``order_lines`` rows, exactly as stored, into a new table of a new
      workspace file and committing: DuckDB's own storage cost for those rows;
    * ``marts_s`` — rebuilding every mart from the loaded rows and committing.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from insights.core.db import connect_file
    t = time.perf_counter()
    if baseline == "csv":
        with open(path, "rb") as fh:
            names = fh.readline().decode("utf-8").strip().split(",")
        pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}))
    elif baseline == "parquet":
        pq.read_table(path)
    else:
        import fastexcel
        reader = fastexcel.read_excel(Path(path).read_bytes())
        reader.load_sheet(reader.sheet_names[0], header_row=None, dtypes="string").to_arrow()
    reader_s = time.perf_counter() - t
    other = connect_file(Path(tmp) / "floor.duckdb")
    lines = ws.con.sql("select * from order_lines").to_arrow_table()
    other.register("_lines", lines)
    t = time.perf_counter()
    other.execute("begin")
    other.execute("create table order_lines as select * from _lines")
    other.execute("commit")
    write_s = time.perf_counter() - t
    other.close()
    t = time.perf_counter()
    ws.build_marts()
    marts_s = time.perf_counter() - t
    return {"reader_s": reader_s, "write_s": write_s, "marts_s": marts_s}


def _generate(folder: Path, lines: int, xlsx_lines: int) -> None:
    """Runs in its own subprocess, so that the measuring processes are not forked from a big parent."""
    from bench.synthetic import order_lines, write
    table = order_lines(lines, max(lines // 10, 100))
    write(table, folder / f"orders_{lines}.csv")
    write(table, folder / f"orders_{lines}.parquet")
    small = order_lines(xlsx_lines, max(xlsx_lines // 10, 100))
    _write_xlsx(small, folder / f"orders_{xlsx_lines}.xlsx")


def _run_case(path: Path, baseline: str, tree: Path = ROOT, pandas: bool = True) -> dict:
    """One run of a case: Clueboard in one fresh process, then (``pandas``) pandas alone in another."""
    result = {}
    for flag in ("--measure", "--measure-pandas") if pandas else ("--measure",):
        os.sync()   # the previous run's workspace is not still being written back while this one commits
        out = subprocess.run([sys.executable, str(tree / "bench" / "ingest.py"), flag, str(path),
                              "--baseline", baseline], capture_output=True, text=True, check=False, cwd=tree)
        if out.returncode:
            raise SystemExit(f"case {path.name} failed:\n{out.stderr[-3000:]}")
        result.update(json.loads(out.stdout.strip().splitlines()[-1]))
    return result


def retail_workbook(csv: Path) -> Path:
    """``Online Retail.xlsx`` written from UCI's CSV once into the user's cache folder (outside the repository),
    named after the CSV's size and time so that a changed CSV is written again."""
    from bench.retail_workbook import write_online_retail_xlsx
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "clueboard-bench"
    stat = csv.stat()
    path = cache / f"{stat.st_size}-{int(stat.st_mtime)}" / "Online Retail.xlsx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        write_online_retail_xlsx(partial, csv)
        partial.replace(path)
    return path


def _write_xlsx(table, path: Path) -> None:
    from openpyxl import Workbook
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Orders")
    sheet.append(table.column_names)
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    for row in zip(*columns):
        sheet.append(list(row))
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="rows of the synthetic CSV/Parquet")
    parser.add_argument("--xlsx-lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="runs per case (timings on a small VM swing ±20%%)")
    parser.add_argument("--against", metavar="REV",
                        help="also measure git revision REV (checked out in a temporary worktree), alternating runs "
                             "with this tree, and print each case's before/now ratio")
    parser.add_argument("--against-tree", metavar="PATH", type=Path,
                        help="like --against, with a tree already checked out (no temporary worktree)")
    parser.add_argument("--only", metavar="CASE", action="append",
                        help="run only this case (online_retail_csv, online_retail_xlsx, synthetic_csv, "
                             "synthetic_parquet, synthetic_xlsx); may be repeated")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--measure-pandas", help=argparse.SUPPRESS)
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", default="csv", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(args.measure, args.baseline)))
        return
    if args.measure_pandas:
        print(json.dumps(_measure_pandas(args.measure_pandas, args.baseline)))
        return
    if args.generate:
        _generate(Path(args.generate), args.lines, args.xlsx_lines)
        return

    cases = []
    retail = ROOT.parent / "shared" / "data" / "uci_online_retail" / "online_retail.csv.gz"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if retail.exists():
            import gzip
            import shutil
            plain = tmp / "online_retail.csv"
            with gzip.open(retail, "rb") as src, open(plain, "wb") as dst:
                shutil.copyfileobj(src, dst)
            cases.append(("online_retail_csv", plain, "csv"))
            if not args.only or "online_retail_xlsx" in args.only:
                cases.append(("online_retail_xlsx", retail_workbook(retail), "excel"))
        synthetic = ("synthetic_csv", "synthetic_parquet", "synthetic_xlsx")
        if not args.only or set(args.only) & set(synthetic):
            subprocess.run([sys.executable, __file__, "--generate", str(tmp), "--lines", str(args.lines),
                            "--xlsx-lines", str(args.xlsx_lines)], check=True)
            cases.append(("synthetic_csv", tmp / f"orders_{args.lines}.csv", "csv"))
            cases.append(("synthetic_parquet", tmp / f"orders_{args.lines}.parquet", "parquet"))
            cases.append(("synthetic_xlsx", tmp / f"orders_{args.xlsx_lines}.xlsx", "excel"))
        cases = [c for c in cases if not args.only or c[0] in args.only]
        # the input files just written must not be flushed to disk while a case commits its workspace
        os.sync()
        if args.against or args.against_tree:
            _side_by_side(cases, args.against, args.runs, tmp, args.against_tree)
            return
        print(f"{args.runs} run(s) per case, each in a fresh process; the row with the median total is shown, "
              "with the best total beside it")
        print(f"{'case':<20}{'rows':>10}{'read s':>8}{'load s':>8}{'health s':>9}{'total s':>9}{'best s':>8}"
              f"{'target':>8}{'pandas s':>10}{'ratio':>7}{'read ratio':>11}{'peak MB':>9}{'pandas MB':>10}{'ratio':>7}"
              f"   floors: {'parser':>6}{'write':>7}{'marts':>7}{'sum':>6}")
        for name, path, baseline in cases:
            runs = sorted((_run_case(path, baseline) for _ in range(args.runs)), key=lambda r: r["total_s"])
            r, best = runs[len(runs) // 2], runs[0]
            target = TARGETS.get(name)
            print(f"{name:<20}{r['rows']:>10,}{r['read_s']:>8.2f}{r['load_s']:>8.2f}{r['health_s']:>9.2f}"
                  f"{r['total_s']:>9.2f}{best['total_s']:>8.2f}{(f'{target:.1f}' if target else '-'):>8}"
                  f"{r['pandas_s']:>10.2f}{r['total_s'] / r['pandas_s']:>7.2f}{r['read_s'] / r['pandas_s']:>11.2f}"
                  f"{r['peak_mb']:>9.0f}{r['pandas_peak_mb']:>10.0f}{r['peak_mb'] / r['pandas_peak_mb']:>7.2f}"
                  f"           {r['reader_s']:>6.2f}{r['write_s']:>7.2f}{r['marts_s']:>7.2f}"
                  f"{r['reader_s'] + r['write_s'] + r['marts_s']:>6.2f}")
        print("ratio = Clueboard / pandas (time: Clueboard's total, a loaded workspace with its health report, against "
              "pandas reading the file alone; read ratio: Clueboard's reading alone (prepare_file: the file read, "
              "its kind, columns and values decided) against pandas; peak: each process's own peak resident "
              "memory). "
              "floors (measured after each run, not in its total): parser = the file's parser alone (all cells as "
              "text); write = DuckDB writing the stored order_lines rows into a new workspace file and committing; "
              "marts = rebuilding every mart and committing. Their sum is what a load costs before any checking, "
              "hashing, identity matching or health report.")


def _side_by_side(cases, rev: str | None, runs: int, tmp: Path, tree: Path | None = None) -> None:
    """Each case measured ``runs`` times in this tree and in revision ``rev`` (or the checked-out ``tree``), the
    two alternating, so that both see the same machine (a small VM's speed drifts by 15 % within an hour)."""
    import statistics
    other = tree or tmp / "against"
    rev = rev or tree.name
    if tree is None:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(other), rev], check=True)
    try:
        print(f"{'case':<20}{rev + ' s':>14}{'now s':>9}{'before/now':>12}   (median totals of {runs} alternating runs)")
        for name, path, baseline in cases:
            before, now = [], []
            for _ in range(runs):
                before.append(_run_case(path, baseline, other, pandas=False)["total_s"])
                now.append(_run_case(path, baseline, pandas=False)["total_s"])
            b, n = statistics.median(before), statistics.median(now)
            print(f"{name:<20}{b:>14.2f}{n:>9.2f}{b / n:>11.2f}x")
    finally:
        if tree is None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], check=False)


if __name__ == "__main__":
    main()
