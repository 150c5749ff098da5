"""Funnel benchmark: the web funnel on 10 million events, against a plain pandas path.

    .venv/bin/python bench/funnel.py                          # 10M events, about 3.3M sessions
    .venv/bin/python bench/funnel.py --events 1000000

The events are generated inside DuckDB (no Python loop): sessions of 1–6 page views, a third adding to cart,
three quarters of those checking out, two thirds of those buying; 40 % of sessions by one of 200,000 known
customers (who have orders, so new vs returning is told apart), the rest anonymous; devices, channels, product
pages. Each phase then runs in its own subprocess so that its peak memory (``VmHWM``) is its own:

- ``funnel``: ``insights.funnel.funnel`` — every step in order within the 7-day window, per session, with the
  breakdowns by device, channel, country and new vs returning (Holm). Target (2 cores): ≤ 3 s.
- ``pandas``: the same step counts the plain way: the events read into pandas (timed apart), then per step the
  first time each session reached it after the previous step, by merges and group-bys.

The step counts of the two paths must agree; the script says so.
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

import pandas as pd  # noqa: E402

from bench.memory import peak_rss_mb  # noqa: E402
from insights.core.workspace import DB_FILE, Workspace  # noqa: E402

TARGET_SECONDS = 3.0
CUSTOMERS = 200_000

# Every random draw is a hash of the session number and a salt, so a run is reproducible without a seed.
EVENTS_SQL = """
insert into events (event_id, source_file, source_row, customer_id, session_id, event_at, event_type, event_name,
                    page, channel, device)
with sessions as (
    select s,
           cast(hash(s, 'views') % 6 as bigint) + 1                                           as views,
           hash(s, 'cart') % 100 < 33                                            as carts,
           hash(s, 'checkout') % 100 < 75                                        as checks,
           hash(s, 'buy') % 100 < 67                                             as buys,
           case when hash(s, 'known') % 100 < 40 then 'c' || (hash(s, 'who') % $customers) end as customer_id,
           timestamp '2025-01-01' + to_seconds(cast(hash(s, 'when') % (365 * 86400) as bigint)) as started_at,
           ['mobile', 'mobile', 'mobile', 'desktop', 'desktop', 'tablet'][cast(hash(s, 'device') % 6 as bigint) + 1] as device,
           ['Organic Search', 'Paid Social', 'Email', 'Referral', 'Direct'][cast(hash(s, 'channel') % 5 as bigint) + 1] as channel
    from range($sessions) t(s)
),
steps as (
    select s, customer_id, started_at, device, channel, k,
           case when k <= views then 'view'
                when k = views + 1 then 'cart'
                when k = views + 2 then 'checkout'
                else 'purchase' end                                             as event_type
    from sessions, range(1, 10) r(k)
    where k <= views + (case when not carts then 0 when not checks then 1 when not buys then 2 else 3 end)
)
select row_number() over () as event_id, 'bench', row_number() over (), customer_id, 's' || s,
       started_at + to_seconds(k * 40), event_type, event_type,
       case when event_type = 'view' then '/p/sku-' || (hash(s, k) % 5000) else '/' || event_type end,
       channel, device
from steps
"""

ORDERS_SQL = """
insert into order_lines (line_id, source_file, source_row, order_id, customer_id, ordered_at, quantity, unit_price,
                         revenue, is_cancellation, is_return, is_non_product, is_guest, country)
select c, 'bench', c, 'o' || c, 'c' || c, timestamp '2024-06-01' + to_seconds(cast(hash(c, 'first') % (400 * 86400) as bigint)),
       1, 20, 20, false, false, false, false, ['DE', 'AT', 'NL', 'FR'][cast(hash(c, 'country') % 4 as bigint) + 1]
from range($customers) t(c)
"""


def build(folder: str, events: int) -> int:
    ws = Workspace.create_at(Path(folder))
    ws.con.execute(ORDERS_SQL, {"customers": CUSTOMERS})
    ws.con.execute(EVENTS_SQL, {"sessions": max(1, events * 100 // 424), "customers": CUSTOMERS})
    ws.build_marts()
    n = ws.con.execute("select count(*) from events").fetchone()[0]
    ws.close()
    return int(n)


def pandas_funnel(events: pd.DataFrame, window_days: float = 7.0) -> list[int]:
    """Sessions reaching view → cart → checkout → purchase, each step at or after the previous one, within the
    window of the first: the plain pandas way."""
    reach = events[events["event_type"] == "view"].groupby("session_id", sort=False)["event_at"].min()
    first = reach.rename("first")
    counts = [len(reach)]
    for kind in ("cart", "checkout", "purchase"):
        step = events.loc[events["event_type"] == kind, ["session_id", "event_at"]]
        step = step.merge(reach.rename("previous"), left_on="session_id", right_index=True)
        step = step.merge(first, left_on="session_id", right_index=True)
        ok = (step["event_at"] >= step["previous"]) & (step["event_at"] <= step["first"]
                                                        + pd.Timedelta(days=window_days))
        reach = step[ok].groupby("session_id", sort=False)["event_at"].min()
        counts.append(len(reach))
    return counts


def phase(folder: str, name: str) -> dict:
    from insights.funnel import funnel

    ws = Workspace.open(Path(folder), read_only=True)
    if name == "funnel":
        start, cpu = time.perf_counter(), time.process_time()
        result = funnel(ws)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        detail = {"steps": [s["sessions"] for s in result.steps], "groups": len(result.by)}
    else:
        start = time.perf_counter()
        events = ws.con.execute("select session_id, event_at, event_type from events").df()
        read = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        detail = {"steps": pandas_funnel(events), "read_seconds": round(read, 2)}
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    ws.close()
    # cpu: seconds of CPU over every thread; on a busy machine it says more than the wall clock
    return {"phase": name, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "peak_mb": round(peak_rss_mb()),
            **detail}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--phase", default=None)
    parser.add_argument("--folder", default=None)
    parser.add_argument("--keep", default=None, metavar="FOLDER",
                        help="build the events into FOLDER (or reuse it when it holds them) instead of a temp folder")
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.folder, args.phase)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or str(Path(tmp) / "shop")
        if not (Path(folder) / DB_FILE).exists():
            started = time.perf_counter()
            n = build(folder, args.events)
            print(f"built {n:,} events in {time.perf_counter() - started:.1f} s", flush=True)
        results = {}
        for name in ("funnel", "pandas"):
            out = subprocess.run([sys.executable, __file__, "--phase", name, "--folder", folder],
                                 capture_output=True, text=True)
            if out.returncode:
                raise SystemExit(out.stderr)
            results[name] = json.loads(out.stdout.strip().splitlines()[-1])
            verdict = "" if name != "funnel" else " (target ≤ %.0f s: %s)" % (
                TARGET_SECONDS, "met" if results[name]["seconds"] <= TARGET_SECONDS else "MISSED")
            print(json.dumps(results[name]) + verdict, flush=True)
        ours, plain = results["funnel"], results["pandas"]
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        print(f"side by side: funnel {ours['seconds']:.2f} s vs pandas {plain['seconds']:.2f} s "
              f"(+ {plain['read_seconds']:.2f} s to read the events) = {plain['seconds'] / ours['seconds']:.1f}× "
              f"({(plain['seconds'] + plain['read_seconds']) / ours['seconds']:.1f}× with the read); peak memory "
              f"{ours['peak_mb']:,} MB vs {plain['peak_mb']:,} MB; step counts "
              f"{'agree' if ours['steps'] == plain['steps'] else 'DIFFER'}: {ours['steps']}; CPU seconds "
              f"{ours['cpu_seconds']:.1f} vs {plain['cpu_seconds']:.1f}", flush=True)


if __name__ == "__main__":
    main()
