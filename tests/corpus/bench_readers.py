"""Timings of the reading and value-parsing layer (not a test; prints figures).

    .venv/bin/python tests/corpus/bench_readers.py [rows]

Builds, in a temporary folder, a 1M-row 8-column CSV and a 100k-row 10-column XLSX, then times
``read_table`` on each and the ``values`` parsers on 1M-value columns.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from insights.ingest import values as V
from insights.ingest.readers import read_table


def _csv(path: Path, n: int) -> None:
    rng = np.random.default_rng(1)
    ids = rng.integers(10000, 99999, n)
    days = rng.integers(0, 700, n)
    dates = (np.datetime64("2023-01-01") + days).astype(str)
    prices = rng.integers(100, 99999, n) / 100
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n")
        lines = [f"{536365 + i // 4},{85123 + i % 50}A,WHITE HANGING HEART T-LIGHT HOLDER,{i % 7 + 1},"
                 f"{dates[i]} 08:26,{prices[i]:.2f},{ids[i]},United Kingdom\n" for i in range(n)]
        fh.writelines(lines)


def _xlsx(path: Path, n: int) -> None:
    import datetime
    import openpyxl
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Orders")
    ws.append([f"col{j}" for j in range(10)])
    base = datetime.datetime(2024, 1, 1)
    for i in range(n):
        ws.append([i, f"SKU{i % 97}", i * 0.25, base + datetime.timedelta(minutes=i), "text value", 17850 + i % 300,
                   i % 5, "GB", 12.5, "x"])
    wb.save(path)


def _time(label: str, fn, repeat: int = 3) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {best:7.3f} s (best of {repeat})")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, xlsx_path = Path(tmp, "orders.csv"), Path(tmp, "orders.xlsx")
        _csv(csv_path, n)
        _xlsx(xlsx_path, 100_000)
        print(f"CSV {n:,} rows x 8 columns, {csv_path.stat().st_size / 1e6:.1f} MB; "
              f"XLSX 100,000 x 10, {xlsx_path.stat().st_size / 1e6:.1f} MB")
        _time(f"read_table CSV {n:,} x 8", lambda: read_table(csv_path))
        cp = Path(tmp, "orders-cp1252.csv")
        cp.write_bytes(csv_path.read_bytes().replace(b"WHITE", "WHITÉ".encode("cp1252")))
        _time(f"read_table CSV {n:,} x 8 (Windows-1252)", lambda: read_table(cp))
        _time("read_table XLSX 100,000 x 10", lambda: read_table(xlsx_path))
        raw = read_table(csv_path)
        dates, prices, ids = raw.data.column(4), raw.data.column(5), raw.data.column(6)
        fmt = V.detect_date_format(dates)
        _time(f"parse_dates {n:,} ('2023-05-01 08:26')", lambda: V.parse_dates(dates, fmt))
        nf = V.detect_number_format(prices)
        _time(f"parse_numbers {n:,} ('123.45')", lambda: V.parse_numbers(prices, nf))
        euro = pa.array([f"€{i % 1000},{i % 100:02d}" if i % 3 else f"1.{i % 1000:03d},{i % 100:02d} €"
                         for i in range(n)])
        nf2 = V.NumberFormat(decimal=",", thousands=".")
        _time(f"parse_numbers {n:,} ('1.234,56 €')", lambda: V.parse_numbers(euro, nf2))
        dmy = pa.array([f"{i % 28 + 1:02d}/{i % 12 + 1:02d}/20{i % 30:02d}" for i in range(n)])
        fmt2 = V.detect_date_format(dmy)
        _time(f"parse_dates {n:,} ('31/12/2024')", lambda: V.parse_dates(dmy, fmt2))
        _time(f"parse_ids {n:,}", lambda: V.parse_ids(ids))
        yes = pa.array(["yes", "No", "opted in", "", "1"] * (n // 5))
        _time(f"parse_booleans {n:,}", lambda: V.parse_booleans(yes))


if __name__ == "__main__":
    main()
