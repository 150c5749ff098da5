"""Signs that a workspace holds two shops' data: a long stretch without any order between two bursts of
orders, or files of the latest load whose dates lie far from the rest and whose customers are nobody the
workspace knew. A file loaded into the wrong workspace is told apart from next month's export, which
continues the dates and brings back known customers.

The owner is asked, in the health report, whether the file belongs to another shop; the Upload page's "Undo
the last load" takes it back out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from insights.core.db import first_row

GAP_DAYS = 365              # no order at all for a year between two periods with orders
MIN_CUSTOMERS = 30          # customer overlap is judged only when both sides know this many customers
STRANGER_GAP_DAYS = 90      # ... and when the file's dates lie at least this far from the rest


@dataclass(frozen=True)
class ForeignFile:
    name: str
    first_at: str
    last_at: str
    days_away: int              # days between the file's dates and the rest of the workspace's (0: they touch)
    customers: int
    known_customers: int        # of them, customers who also appear in the workspace's other files


def order_gap(con) -> tuple[int, str, str] | None:
    """The longest stretch without orders when it is over :data:`GAP_DAYS`: (days, last day before, first day
    after)."""
    row = first_row(con.execute("""
        with days as (select distinct ordered_at::date as d from order_lines),
             gaps as (select d, lag(d) over (order by d) as before from days)
        select datediff('day', before, d), before, d from gaps where before is not null
        order by 1 desc limit 1"""))
    if row and row[0] > GAP_DAYS:
        return int(row[0]), row[1].isoformat(), row[2].isoformat()
    return None


def unlike_the_rest(con) -> list[ForeignFile]:
    """Order files of the latest load whose dates lie over :data:`GAP_DAYS` away from the other files' dates, or
    whose customers (at least :data:`MIN_CUSTOMERS`) include none of the others' (at least as many) while their
    dates lie over :data:`STRANGER_GAP_DAYS` away (new customers right after the last order are growth)."""
    row = first_row(con.execute("select value from workspace_meta where key = 'last_load'"))
    if not row:
        return []
    files = [f for f in json.loads(row[0])["files"] if f.get("kind") == "transactions"]
    found = []
    for f in files:
        stats = first_row(con.execute("""
            with mine as (select ordered_at, customer_id from order_lines where source_file = $id),
                 rest as (select ordered_at, customer_id from order_lines where source_file <> $id),
                 known as (select customer_id from rest where customer_id is not null
                           union select customer_id from customer_records where customer_id is not null)
            select (select min(ordered_at) from mine), (select max(ordered_at) from mine),
                   (select min(ordered_at) from rest), (select max(ordered_at) from rest),
                   (select count(distinct customer_id) from mine),
                   (select count(distinct customer_id) from mine where customer_id in (select customer_id from known)),
                   (select count(*) from known)""", {"id": f["file_id"]}))
        first, last, rest_first, rest_last, customers, known, rest_customers = stats
        if first is None or rest_first is None:
            continue
        away = max((first - rest_last).days, (rest_first - last).days, 0)
        strangers = customers >= MIN_CUSTOMERS and rest_customers >= MIN_CUSTOMERS and known == 0
        if away > GAP_DAYS or (strangers and away > STRANGER_GAP_DAYS):
            found.append(ForeignFile(f["name"], first.date().isoformat(), last.date().isoformat(), away,
                                     customers, known))
    return found
