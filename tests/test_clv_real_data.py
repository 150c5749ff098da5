"""The backtest on UCI Online Retail (2010-12-01 … 2011-12-09), loaded straight into the canonical table.

The file is put into ``order_lines`` by one DuckDB statement (the path is a bound parameter), so the test
measures the CLV part, not the upload step: cancellations are the ``C`` invoices, guests have no CustomerID.
"""

from __future__ import annotations

import pytest

from insights import clv
from insights.workspace import Workspace

LOAD = """
insert into order_lines (line_id, source_file, source_row, order_id, customer_id, ordered_at, product_id,
                         quantity, unit_price, revenue, country, is_cancellation, is_guest)
select row_number() over () as line_id, 'uci', row_number() over () + 1, InvoiceNo,
       nullif(regexp_replace(CustomerID, '\\.0$', ''), ''), InvoiceDate, StockCode,
       Quantity, UnitPrice, Quantity * UnitPrice, Country,
       starts_with(InvoiceNo, 'C'), CustomerID is null or CustomerID = ''
from read_csv(?, header = true, all_varchar = false,
              types = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'CustomerID': 'VARCHAR',
                       'Quantity': 'DECIMAL(18,4)', 'UnitPrice': 'DECIMAL(18,4)', 'InvoiceDate': 'TIMESTAMP'})
"""


@pytest.fixture(scope="module")
def retail(shared_data):
    path = shared_data / "uci_online_retail" / "online_retail.csv.gz"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    ws = Workspace.in_memory()
    ws.con.execute(LOAD, [str(path)])
    ws.build_marts()
    yield ws
    ws.close()


def test_uci_backtest(retail):
    ready = clv.readiness(retail)
    assert ready.status == "ready" and ready.customers > 4000
    bt = clv.backtest(retail)                       # default holdout: a quarter of the history
    assert bt.calibration_end.isoformat() == "2011-09-09" and bt.holdout_end.isoformat() == "2011-12-09"
    assert bt.actual_repeat_orders > 3000
    # the model should be within a third of what happened on the owner's own history
    assert abs(bt.error_pct) < 33, bt.sentences
    assert bt.by_week["actual"].sum() == bt.actual_repeat_orders
