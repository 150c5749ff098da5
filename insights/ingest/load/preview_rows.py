"""What a load would leave behind, read inside its own transaction before it is committed or rolled back: each
file's report (as the loader wrote it to ``files``) and its first rows as they were parsed, rejected or set
aside. Used by :mod:`insights.ingest.preview`; the only SQL it runs is fixed text with bound values."""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd

from insights.ingest.load.report import FileReport
from insights.ingest.load.rules import TABLE_FOR_KIND
from insights.ingest.mapping.fields import FIELD_LABELS

# the canonical column a mapped field ends up in, where it is not the field's own name
STORED_AS = {"customer_id": "source_customer_id", "line_total": "revenue", "first_name": "name",
             "last_name": "name", "churn": "churned", "feedback_kind": "kind", "customer_ref": None}
# a catalog's fields stored under other names (products.name, products.price)
STORED_AS_IN = {"catalog": {"product_name": "name", "unit_price": "price"}}
MONEY = {"unit_price", "revenue", "price", "unit_cost"}
_FIRST_ROWS = {  # fixed text per canonical table (the table name is one of four constants, never user text)
    table: f'select * from "{table}" where source_file = $file_id order by source_row limit $rows'
    for table in TABLE_FOR_KIND.values()}


def file_ids(con) -> set[str]:
    """The files the workspace holds (before a load: to tell the load's own files apart afterwards)."""
    return {row[0] for row in con.execute("select file_id from files").fetchall()}


def batch_report(con, plan, known: set[str]) -> FileReport:
    """The report the load wrote for ``plan`` (a file of this load, not among ``known``); a file loaded before
    gets the report of a file whose rows are all set aside, as the loader does."""
    rows = con.execute("select file_id, report from files where sha256 = ?", [plan.sha256]).fetchall()
    new = [r for r in rows if r[0] not in known]
    if new:
        data = json.loads(new[0][1])
        fields = FileReport.__dataclass_fields__
        report = FileReport(**{k: v for k, v in data.items() if k in fields})
        for key, value in data.items():
            if key.startswith("revenue_"):
                setattr(report, key, Decimal(str(value)))
        return report
    ragged = len(getattr(plan.raw, "rejected", None) or [])
    report = FileReport(path=plan.path, name=plan.name, kind=plan.kind, role=plan.role,
                        rows_read=plan.raw.data.num_rows + ragged, already_loaded=True,
                        file_id=rows[0][0] if rows else None)
    report.rows_set_aside = report.rows_read
    report.set_aside_by_reason = {"the same file was already loaded": report.rows_read}
    return report


def first_rows(con, plan, report: FileReport, limit: int = 10) -> pd.DataFrame:
    """The file's first ``limit`` rows as the load would keep them: ``Row`` (as a spreadsheet shows it),
    ``Outcome`` (will load / rejected: why / set aside: why), then one column per mapped field, in the owner's
    words, holding the parsed value (dates as timestamps, money and quantities as numbers, yes/no as booleans;
    empty for rows that are not loaded)."""
    columns = _columns(plan)
    if report.already_loaded or not report.file_id or plan.role == "orders":
        return pd.DataFrame(columns=["Row", "Outcome", *columns.values()])
    params = {"file_id": report.file_id, "rows": limit}
    loaded = con.execute(_FIRST_ROWS[TABLE_FOR_KIND[plan.kind]], params).df()
    rejected = con.execute("""select source_row, column_name, value, reason from rejects
                              where file_id = $file_id order by source_row limit $rows""", params).fetchall()
    aside = con.execute("""select source_row, reason from set_aside
                           where file_id = $file_id order by source_row limit $rows""", params).fetchall()
    rows: dict[int, dict] = {}
    for record in loaded.to_dict("records"):
        row = {"Row": int(record["source_row"]), "Outcome": "will load"}
        for column, label in columns.items():
            row[label] = _plain(record.get(column), column in MONEY)
        rows[row["Row"]] = row
    for source_row, column, value, reason in rejected:
        shown = f" ({column} {value!r})" if column and value not in (None, "") else ""
        rows.setdefault(int(source_row), {"Row": int(source_row), "Outcome": f"rejected: {reason}{shown}"})
    for source_row, reason in aside:
        rows.setdefault(int(source_row), {"Row": int(source_row), "Outcome": f"set aside: {reason}"})
    ordered = [rows[r] for r in sorted(rows)[:limit]]
    return pd.DataFrame(ordered, columns=["Row", "Outcome", *columns.values()])


def _columns(plan) -> dict[str, str]:
    """Canonical column -> label, for the fields the plan maps (revenue too for order lines)."""
    out: dict[str, str] = {}
    for fld, idx in plan.mapping.items():
        if idx is None:
            continue
        column = STORED_AS_IN.get(plan.kind, {}).get(fld, STORED_AS.get(fld, fld))
        if column and column not in out:
            out[column] = "Full name" if column == "name" and plan.kind == "customers" else FIELD_LABELS.get(fld, fld)
    if plan.kind == "transactions":
        out["revenue"] = "Revenue"
    return out


def _plain(value, money: bool):
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, Decimal):
        return float(round(value, 2)) if money else float(value)
    return value
