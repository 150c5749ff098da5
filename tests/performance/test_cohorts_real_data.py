"""UCI Online Retail: the monthly cohort retention matrix equals an independent pandas reference, cell by cell.

Two routes into a workspace are checked:

- *canonical*: the raw CSV put straight into ``order_lines`` with the documented meaning of each column
  (InvoiceNo → order id, CustomerID without ``.0`` → customer, an invoice starting with C is a cancellation).
  This tests the marts and the cohort SQL on real data independently of the upload step.
- *ingest*: the file loaded by ``insights.ingest.ingest_files`` as a shop owner would (skipped while the
  upload step is not importable).

The reference is computed with pandas on the raw CSV with the same definitions: customer present, an order
is an invoice that is not wholly cancelled, its time is the earliest time of its non-cancelled lines, a
customer's cohort is the month of their first order, and the customer is active in a month with an order.
"""

from __future__ import annotations

import functools

import pandas as pd
import pytest

from insights.performance import cohorts

CSV = "uci_online_retail/online_retail.csv.gz"

_LOAD_SQL = """
insert into order_lines (line_id, source_file, source_row, order_id, customer_id, source_customer_id,
                         ordered_at, product_id, product_name, quantity, unit_price, revenue, currency,
                         country, is_cancellation, is_return, is_non_product, is_guest)
select
    row_number() over ()                                            as line_id,
    'online_retail'                                                 as source_file,
    row_number() over () + 1                                        as source_row,
    InvoiceNo,
    regexp_replace(CustomerID, '\\.0$', '')                         as customer_id,
    CustomerID,
    InvoiceDate,
    StockCode,
    Description,
    Quantity,
    UnitPrice,
    Quantity * UnitPrice,
    'GBP',
    Country,
    starts_with(InvoiceNo, 'C'),
    false,
    false,
    CustomerID is null
from read_csv($path, header = true,
              types = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'CustomerID': 'VARCHAR',
                       'Quantity': 'DECIMAL(18,4)', 'UnitPrice': 'DECIMAL(18,4)', 'InvoiceDate': 'TIMESTAMP'})
"""


@functools.lru_cache(maxsize=1)
def raw_frame(path: str) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str},
                     parse_dates=["InvoiceDate"])
    df["revenue"] = df["Quantity"] * df["UnitPrice"]
    df["is_cancellation"] = df["InvoiceNo"].str.startswith("C")
    df["customer"] = df["CustomerID"].str.replace(r"\.0$", "", regex=True)
    return df


def reference_invoices(df: pd.DataFrame) -> pd.DataFrame:
    """One row per invoice: customer, time, revenue, and whether it is an order (not wholly cancelled)."""
    df = df.assign(kept_time=df["InvoiceDate"].where(~df["is_cancellation"]))
    inv = df.groupby("InvoiceNo", sort=False).agg(
        customer=("customer", "first"), any_time=("InvoiceDate", "min"), kept_time=("kept_time", "min"),
        revenue=("revenue", "sum"), all_cancelled=("is_cancellation", "all"))
    inv["time"] = inv["kept_time"].fillna(inv["any_time"])
    inv["is_order"] = ~inv["all_cancelled"]
    inv["month"] = inv["time"].dt.to_period("M")
    return inv


def reference_retention(df: pd.DataFrame) -> pd.DataFrame:
    """Long frame: cohort (month), period_index, customers, active_customers — pandas only."""
    inv = reference_invoices(df)
    orders = inv[inv["is_order"] & inv["customer"].notna()]
    first = orders.groupby("customer")["month"].min().rename("cohort")
    active = orders[["customer", "month"]].drop_duplicates().join(first, on="customer")
    active["period_index"] = (active["month"] - active["cohort"]).map(lambda d: d.n)
    cells = active.groupby(["cohort", "period_index"]).size().rename("active_customers").reset_index()
    sizes = first.value_counts().rename("customers")
    cells = cells.join(sizes, on="cohort")
    cells["cohort"] = cells["cohort"].dt.to_timestamp()
    return cells


@functools.lru_cache(maxsize=1)
def canonical_workspace(path: str):
    """A workspace holding the raw CSV as canonical order lines, marts built (once per test session)."""
    from insights.core.workspace import Workspace
    ws = Workspace.in_memory("online retail (canonical)")
    with ws.transaction() as con:
        con.execute(_LOAD_SQL, {"path": path})
    ws.build_marts()
    return ws


def ingested_workspace(path: str, folder):
    from insights.ingest import ingest_files
    from insights.core.workspace import Workspace
    ws = Workspace.create_at(folder, "Online Retail")
    ingest_files(ws, [path])
    return ws


@pytest.fixture(scope="module")
def csv_path(shared_data):
    path = shared_data / CSV
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return str(path)


def _compare(ws, df):
    ours = cohorts.cohort_table(ws, "month", include_average=False)
    ref = reference_retention(df)
    merged = ours.merge(ref, on=["cohort", "period_index"], how="left", suffixes=("", "_ref"))
    # every cell pandas saw an active customer in is in our grid, and no more
    assert len(ours.merge(ref, on=["cohort", "period_index"])) == len(ref)
    merged["active_customers_ref"] = merged["active_customers_ref"].fillna(0).astype(int)
    assert (merged["active_customers"] == merged["active_customers_ref"]).all(), \
        merged.loc[merged["active_customers"] != merged["active_customers_ref"]].head()
    sizes = merged.dropna(subset=["customers_ref"])
    assert (sizes["customers"] == sizes["customers_ref"]).all()
    ref_retention = merged["active_customers_ref"] / merged["customers"]
    assert (merged["retention"] - ref_retention).abs().max() < 1e-12
    return ours


def test_canonical_monthly_retention_matches_pandas(csv_path):
    ws = canonical_workspace(csv_path)
    ours = _compare(ws, raw_frame(csv_path))
    assert ours["cohort"].nunique() == 13                   # Dec 2010 … Dec 2011
    assert ours["customers"].groupby(ours["cohort"]).first().sum() == 4339  # customers with an order
    dec = ours[ours["cohort"] == "2010-12-01"].set_index("period_index")
    assert dec.loc[0, "retention"] == 1.0 and 0.3 < dec.loc[1, "retention"] < 0.45


def test_ingested_monthly_retention_matches_pandas(csv_path, tmp_path_factory):
    ws = ingested_workspace(csv_path, tmp_path_factory.mktemp("or") / "ws")
    try:
        _compare(ws, raw_frame(csv_path))
    finally:
        ws.close()
