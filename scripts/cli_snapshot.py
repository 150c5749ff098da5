"""Record or compare the ``--json`` output of every CLI command, to prove a refactor changed no behaviour.

    python scripts/cli_snapshot.py record  OUT_DIR [--shared ../shared/data]
    python scripts/cli_snapshot.py compare OUT_DIR_A OUT_DIR_B

``record`` loads the bundled sample shop (and UCI Online Retail, when ``--shared`` holds it) into fresh
workspaces and runs ``ingest``, ``kpis``, ``segments`` (rfm and lifecycle), ``cohorts``, ``clv``, ``churn`` and
``export`` (CSV and XLSX, the XLSX read back as cells), each as its own process, writing one JSON file per
command. ``compare`` reports every difference between two recordings, ignoring what legitimately changes
between runs: timings, file ids, absolute paths, load timestamps.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOAT_TOLERANCE = 1e-6
VOLATILE_KEYS = re.compile(r"(seconds|elapsed|duration|_ms$|^file_id$|loaded_at|^path$|^workspace_path$|sha256|"
                           r"computed_at|fitted_at|created_at)", re.I)


def _run(args: list[str], out: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "insights", *args], cwd=ROOT, capture_output=True, text=True)
    out.write_text(json.dumps({"args": args, "returncode": proc.returncode,
                               "stdout": _parse(proc.stdout), "stderr_tail": proc.stderr.strip().splitlines()[-3:]},
                              indent=1, sort_keys=True, ensure_ascii=False))


def _parse(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _export(ws: str, name: str, out_dir: Path, tag: str) -> None:
    rows = {}
    for ext in ("csv", "xlsx"):
        target = out_dir / f"{tag}_export.{ext}"
        proc = subprocess.run([sys.executable, "-m", "insights", "export", "segment", name, "--workspace", ws,
                               "--out", str(target)], cwd=ROOT, capture_output=True, text=True)
        if ext == "xlsx" and target.exists():
            import openpyxl
            wb = openpyxl.load_workbook(target, read_only=True)
            cells = [[c for c in row] for row in wb.active.iter_rows(values_only=True)]
            content = [[str(c) for c in row] for row in cells]
        else:
            content = target.read_text(encoding="utf-8-sig") if target.exists() else None
        rows[ext] = {"returncode": proc.returncode, "stdout": proc.stdout, "content": content}
        target.unlink(missing_ok=True)
    (out_dir / f"{tag}_export.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False, default=str))


def record_shop(tag: str, files: list[str], out_dir: Path, work: Path, segment: str) -> None:
    ws = str(work / tag)
    _run(["ingest", *files, "--workspace", ws, "--json"], out_dir / f"{tag}_ingest.json")
    _run(["kpis", "--workspace", ws, "--json"], out_dir / f"{tag}_kpis.json")
    _run(["kpis", "--workspace", ws, "--period", "week", "--json"], out_dir / f"{tag}_kpis_week.json")
    _run(["segments", "--workspace", ws, "--json"], out_dir / f"{tag}_segments.json")
    _run(["segments", "--workspace", ws, "--by", "lifecycle", "--json"], out_dir / f"{tag}_lifecycle.json")
    _run(["cohorts", "--workspace", ws, "--json"], out_dir / f"{tag}_cohorts.json")
    _run(["cohorts", "--workspace", ws, "--split", "channel", "--average", "--json"], out_dir / f"{tag}_cohorts_split.json")
    _run(["clv", "--workspace", ws, "--json"], out_dir / f"{tag}_clv.json")
    _run(["churn", "--workspace", ws, "--json"], out_dir / f"{tag}_churn.json")
    _run(["feed", "--workspace", ws, "--json"], out_dir / f"{tag}_feed.json")
    _run(["second-purchase", "--workspace", ws, "--json"], out_dir / f"{tag}_second_purchase.json")
    _export(ws, segment, out_dir, tag)


def record(out_dir: Path, shared: Path | None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="cli-snapshot-"))
    try:
        sample = [str(ROOT / "sample_data" / f) for f in ("customers.csv", "orders.csv", "web_events.csv",
                                                            "feedback.csv")]
        record_shop("sample", sample, out_dir, work, "At Risk")
        retail = shared / "uci_online_retail" / "online_retail.csv.gz" if shared else None
        if retail and retail.exists():
            csv = work / "online_retail.csv"
            with gzip.open(retail, "rb") as src, open(csv, "wb") as dst:
                shutil.copyfileobj(src, dst)
            record_shop("retail", [str(csv)], out_dir, work, "At Risk")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _scrub(obj, key=""):
    if isinstance(obj, dict):
        return {k: ("<volatile>" if VOLATILE_KEYS.search(k) else _scrub(v, k)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_scrub(v) for v in obj]
    if isinstance(obj, str):
        obj = re.sub(r"\S*/sample_data/", "<repo>/sample_data/", obj)
        return re.sub(r"/tmp/cli-snapshot-[^/\s\"]+", "<tmp>", re.sub(r"\S+/(\w+_export\.(csv|xlsx))", r"<out>/\1", obj))
    return obj


def _diff(a, b, path="") -> list[str]:
    if type(a) is not type(b):
        return [f"{path}: {a!r} != {b!r}"[:400]]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}/{k}: only in {'B' if k not in a else 'A'}")
            else:
                out += _diff(a[k], b[k], f"{path}/{k}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _diff(x, y, f"{path}[{i}]")]
    if isinstance(a, float) and math.isclose(a, b, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE):
        return []   # model fits (L-BFGS) differ in the ninth digit from run to run
    return [] if a == b else [f"{path}: {a!r} != {b!r}"[:400]]


def compare(dir_a: Path, dir_b: Path) -> int:
    names = sorted({p.name for p in dir_a.glob("*.json")} | {p.name for p in dir_b.glob("*.json")})
    problems = 0
    for name in names:
        a, b = dir_a / name, dir_b / name
        if not (a.exists() and b.exists()):
            print(f"{name}: only in {'A' if a.exists() else 'B'}")
            problems += 1
            continue
        diffs = _diff(_scrub(json.loads(a.read_text())), _scrub(json.loads(b.read_text())))
        print(f"{name}: {'identical' if not diffs else f'{len(diffs)} differences'}")
        for d in diffs[:20]:
            print("   ", d)
        problems += bool(diffs)
    print(f"{len(names)} outputs compared, {problems} differ")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("out", type=Path)
    r.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.cmd == "record":
        record(args.out, args.shared if args.shared and args.shared.exists() else None)
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    raise SystemExit(main())
