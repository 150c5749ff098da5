"""The backtest on UCI Online Retail (2010-12-01 … 2011-12-09), loaded straight into the canonical table.

The file is put into ``order_lines`` by one DuckDB statement (the path is a bound parameter), so the test
measures the CLV part, not the upload step: cancellations are the ``C`` invoices, guests have no CustomerID.
"""

from __future__ import annotations

import pytest

from insights.predictions import clv
from insights.core.workspace import Workspace

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


@pytest.mark.parametrize("cutoff", ["2011-06-30", "2011-08-21", "2011-09-30", "2011-12-09"])
def test_bgnbd_fits_online_retail_at_any_cutoff(retail, cutoff):
    """On this file BFGS drives BG/NBD's dropout parameter a towards 0 until the likelihood is NaN; the
    bounded retry must give a usable model (the churn page's baseline needs one at its cutoff)."""
    import datetime as dt

    import numpy as np

    from insights.models.bgnbd import BetaGeoModel
    day = dt.date.fromisoformat(cutoff)
    alive = clv.probability_alive_as_of(retail, day)
    assert len(alive) > 2000 and alive["p_alive"].between(0, 1).all()
    model = BetaGeoModel(penalizer=0.001).fit(clv.customer_summary(retail, calibration_end=day))
    assert model.bounded_fit_                           # the free fit fails here: the retry is what is tested
    assert all(np.isfinite(v) and v > 0 for v in model.params_.values())


def test_online_retail_is_reported_as_not_described_by_the_model(retail):
    """On UCI Online Retail the fit's dropout is ~0 (every customer "probably still active"): the model says it
    does not describe the shop, with the numbers that decide, and gives nobody a value."""
    result = clv.run_clv(retail, with_backtest=False, save=False)
    assert result.fitted and not result.applies and result.scores is None
    numbers = result.applicability.numbers
    assert numbers["customers"] == 4339 and numbers["mean_dropout"] < 0.005
    assert "almost never stop buying" in result.reason
