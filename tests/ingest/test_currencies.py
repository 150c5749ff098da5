"""Mixed currencies are never added together (issue 10): a Shopify orders export in EUR and a Stripe payments export
in USD (vendor_exports/stripe_unified_payments_usd.csv, Stripe's layout of COLUMNS.md §9) in one workspace.

The USD file by hand (Amount − Amount Refunded of each charge that went through; the failed charge is set aside):
January 29.00 + 45.00 + 29.00 = 103.00 USD; February 29.00 + (45.00 − 15.00) + (29.00 − 29.00) = 59.00 USD;
162.00 USD on 6 loaded lines, 6 orders. Without a rate they are left out of every money total and said; with
USD=0.92 they add 162.00 × 0.92 = 149.04 EUR; with January 0.91 and February 0.93 they add 103.00 × 0.91 +
59.00 × 0.93 = 93.73 + 54.87 = 148.60 EUR. The EUR figures themselves come from the Shopify file loaded alone.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from insights.cli import main
from insights.core import currency
from insights.core.workspace import Workspace
from insights.ingest import health_report, ingest_files
from insights.ingest.load.report import workspace_summary
from insights.performance.overview import headline_figures

CORPUS = Path(__file__).parent / "vendor_exports"
SHOPIFY = CORPUS / "shopify_orders.csv"
STRIPE_USD = CORPUS / "stripe_unified_payments_usd.csv"


def _totals(ws) -> tuple[Decimal, Decimal, Decimal]:
    """Net revenue as the overview, the orders mart and the KPI scorecard's facts add it up."""
    overview = Decimal(headline_figures(ws)["net_revenue"])
    orders, kpis = ws.con.execute("select (select sum(net_revenue) from orders), "
                                  "(select sum(net_revenue) from kpi_order_facts)").fetchall()[0]
    return overview, Decimal(orders), Decimal(kpis)


@pytest.fixture(scope="module")
def eur_alone():
    ws = Workspace.in_memory()
    ingest_files(ws, [SHOPIFY])
    yield _totals(ws)
    ws.close()


@pytest.fixture
def mixed():
    ws = Workspace.in_memory()
    report = ingest_files(ws, [SHOPIFY, STRIPE_USD])
    ws.report = report
    yield ws
    ws.close()


def test_lines_in_another_currency_without_a_rate_are_left_out_and_said(mixed, eur_alone):
    state = currency.currency_state(mixed)
    assert state.reporting == "EUR" and not state.chosen             # most lines are in EUR
    assert _totals(mixed) == eur_alone                                 # not a cent of USD added
    usd, = state.left_out
    assert (usd.currency, usd.left_out_lines, usd.left_out_orders, usd.left_out_amount) == \
        ("USD", 6, 6, Decimal("162.00"))
    assert "6 order lines in USD ($162.00, 6 orders) are left out of money totals: no rate to EUR" \
        in state.sentence()
    # the file's own report still reconciles in its own currency
    stripe = next(f for f in mixed.report.files if f.name == STRIPE_USD.name)
    assert (stripe.currency, stripe.revenue_loaded) == ("USD", Decimal("162.00"))
    summary = workspace_summary(mixed)
    assert summary["reporting_currency"] == "EUR"
    assert summary["currencies_left_out"] == [{"currency": "USD", "order_lines": 6, "orders": 6, "amount": 162.0}]
    assert {c["currency"]: c["net_revenue"] for c in summary["currencies"]}["USD"] == 162.0
    item = next(i for i in health_report(mixed) if i.key == "currencies")
    assert item.severity == "warning" and "settings --rate USD=" in item.action


def test_a_rate_converts_every_total_and_a_monthly_rate_wins_in_its_month(mixed, eur_alone):
    currency.set_rates(mixed, [currency.parse_rate("USD=0.92")])
    assert _totals(mixed) == tuple(t + Decimal("149.04") for t in eur_alone)
    assert currency.currency_state(mixed).sentence() == \
        "Money in EUR. 6 order lines in USD are converted to EUR at 0.92."
    currency.set_rates(mixed, [currency.parse_rate("USD:2024-01=0.91"), currency.parse_rate("USD:2024-02=0.93")])
    assert _totals(mixed) == tuple(t + Decimal("148.60") for t in eur_alone)
    # the lines keep their own amounts: removing the rates leaves them out again, to the cent
    currency.set_rates(mixed, [], [currency.Rate("USD", Decimal(1))] + [
        currency.parse_rate(f"USD:2024-0{m}=1") for m in (1, 2)])
    assert currency.rates(mixed) == [] and _totals(mixed) == eur_alone
    assert mixed.con.execute("select sum(source_revenue) from order_lines where currency = 'USD'").fetchall()[0][0] \
        == Decimal("162.00")


def test_the_owner_may_report_in_the_other_currency(mixed, eur_alone):
    currency.set_reporting_currency(mixed, "usd")
    currency.set_rates(mixed, [currency.parse_rate("EUR=1.09")])
    overview, orders, _ = _totals(mixed)
    assert overview == orders == Decimal("162.00") + eur_alone[1] * Decimal("1.09")
    assert headline_figures(mixed)["currency"] == "USD"
    currency.set_reporting_currency(mixed, "")                       # back to the default: EUR, nothing converted
    assert _totals(mixed) == eur_alone


def test_a_single_currency_workspace_keeps_its_amounts_to_the_cent():
    ws = Workspace.in_memory()
    ingest_files(ws, [SHOPIFY])
    assert ws.con.execute("""select count(*) filter (where revenue <> source_revenue or rate <> 1 or rate is null),
                             count(*) from order_lines""").fetchall()[0] == (0, 43)
    assert currency.currency_state(ws).sentence() == ""
    ws.close()


def test_a_workspace_from_before_keeps_its_lines_and_gets_the_new_columns(tmp_path):
    ws = Workspace.create_at(tmp_path / "old")
    ws.con.execute("alter table order_lines drop column rate")
    ws.con.execute("alter table order_lines drop column source_revenue")
    ws.con.execute("""insert into order_lines (line_id, order_id, ordered_at, quantity, unit_price, revenue, currency)
                      values (1, 'A1', '2024-01-02', 2, 12.5, 25.00, 'EUR'), (2, 'A2', '2024-01-03', 1, 9.99, 9.99, null)""")
    ws.close()
    ws = Workspace.open(tmp_path / "old")
    ws.build_marts()
    assert ws.con.execute("select sum(revenue), sum(source_revenue), min(rate), max(rate) from order_lines"
                          ).fetchall()[0] == (Decimal("34.99"), Decimal("34.99"), Decimal(1), Decimal(1))
    ws.close()


def test_rates_in_words_and_files(tmp_path):
    assert currency.parse_rate(" usd = 0,92 ") == currency.Rate("USD", Decimal("0.92"))
    assert currency.parse_rate("GBP:2024-03=1.17").month.isoformat() == "2024-03-01"
    for bad, says in (("USD", "write a rate as"), ("USD=0", "above 0"), ("USD:2024-13=1", "not a month"),
                      ("US=1", "write a rate as")):
        with pytest.raises(ValueError, match=says):
            currency.parse_rate(bad)
    good = tmp_path / "rates.csv"
    good.write_text("Currency;Month;Rate\nUSD;2024-01;0,91\nusd;;0.92\n\nGBP;2024-02-01;1.17\n", encoding="utf-8")
    assert [r.to_dict() for r in currency.read_rates_file(good)] == [
        {"currency": "USD", "rate": 0.91, "month": "2024-01"}, {"currency": "USD", "rate": 0.92, "month": None},
        {"currency": "GBP", "rate": 1.17, "month": "2024-02"}]
    bad = tmp_path / "bad.csv"
    bad.write_text("currency,rate\nUSD,0.92\nEURO,1.1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.csv, row 3, column currency: a currency is a three-letter code"):
        currency.read_rates_file(bad)
    bad.write_text("code,value\nUSD,0.92\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected a header with the columns currency and rate"):
        currency.read_rates_file(bad)


def test_command_line_rates_and_the_json_that_says_what_is_left_out(tmp_path, capsys):
    folder = str(tmp_path / "shop")
    assert main(["ingest", str(SHOPIFY), str(STRIPE_USD), "--workspace", folder, "--json"]) == 0
    loaded = json.loads(capsys.readouterr().out)["workspace"]
    assert loaded["reporting_currency"] == "EUR" and loaded["currencies_left_out"][0]["amount"] == 162.0
    assert main(["kpis", "--workspace", folder, "--json"]) == 0
    months = {r["period"]: r for r in json.loads(capsys.readouterr().out)}
    assert months["2024-01-01"]["left_out"] == [{"currency": "USD", "order_lines": 3, "amount": 103.0}]
    assert months["2024-02-01"]["left_out"] == [{"currency": "USD", "order_lines": 3, "amount": 59.0}]
    assert months["2024-03-01"]["left_out"] == [] and months["2024-03-01"]["currency"] == "EUR"
    january = months["2024-01-01"]["net_revenue"]
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,month,rate\nUSD,2024-01,0.91\n", encoding="utf-8")
    assert main(["settings", "--workspace", folder, "--rates", str(rates), "--rate", "USD=0.93", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["currency"]
    assert shown["left_out"] == [] and len(shown["rates"]) == 2
    assert main(["kpis", "--workspace", folder, "--json"]) == 0
    months = {r["period"]: r for r in json.loads(capsys.readouterr().out)}
    assert months["2024-01-01"]["net_revenue"] == pytest.approx(january + 93.73)
    assert months["2024-01-01"]["left_out"] == []
    with pytest.raises(SystemExit, match="a currency is a three-letter code"):
        main(["settings", "--workspace", folder, "--reporting-currency", "euro"])


def test_a_catalog_cost_in_another_currency_is_converted_or_said(tmp_path):
    """Orders in EUR; the catalog's cost of SKU-A in GBP (4.00), of SKU-B in EUR (12.00). Without a GBP rate the
    cost of SKU-A's line is not known, and said; with GBP=1.17 it is 2 × 4.00 × 1.17 = 9.36 EUR."""
    orders = tmp_path / "orders.csv"
    orders.write_text("Order ID,Order Date,Customer ID,SKU,Quantity,Unit price,Currency\n"
                      "O1,2024-03-01,C1,SKU-A,2,10.00,EUR\nO2,2024-03-05,C2,SKU-B,1,30.00,EUR\n", encoding="utf-8")
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("SKU,Product,Unit cost,Currency\nSKU-A,Mug,4.00,GBP\nSKU-B,Teapot,12.00,EUR\n",
                       encoding="utf-8")
    ws = Workspace.in_memory()
    report = ingest_files(ws, [orders, catalog])
    assert [f.kind for f in report.files] == ["transactions", "catalog"]
    costs = dict(ws.con.execute("select order_id, cost from line_margin").fetchall())
    assert costs == {"O1": None, "O2": Decimal("12.00")}
    state = currency.currency_state(ws)
    assert [c.to_dict() for c in state.costs_left_out] == [{"currency": "GBP", "products": 1, "order_lines": 1}]
    assert "Catalog unit costs of 1 products (1 order lines) are in GBP with no rate to EUR" in state.sentence()
    currency.set_rates(ws, [currency.parse_rate("GBP=1.17")])
    costs = dict(ws.con.execute("select order_id, cost from line_margin").fetchall())
    assert costs == {"O1": Decimal("9.36"), "O2": Decimal("12.00")}
    assert currency.currency_state(ws).sentence() == ""          # the lines are all EUR: nothing to say
    ws.close()
