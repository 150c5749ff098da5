"""Product catalogs (the ``catalog`` kind, issue 23 "Margin"): each layout of tests/ingest/vendor_exports/ (see
COLUMNS.md) loads as a catalog with every row loaded, rejected or set aside with its reason; costs reconcile to
the cent against pandas reading the file by the vendor's documented columns; variants keep their own codes; a
product repeated across files takes the last load's values; order lines lacking names or categories get them
from the catalog in the marts (order_lines itself is not rewritten)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from insights.core.workspace import Workspace
from insights.ingest import ingest_files, prepare_file
from insights.ingest.errors import IngestError
from insights.ingest.load.batch import load_prepared
from insights.ingest.load.health import health_report
from insights.performance.kpis.movers import largest_movers
from insights.products.lines import kept_lines

CORPUS = Path(__file__).parent / "vendor_exports"


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(CORPUS / name, dtype=str, keep_default_na=False)


def _cents(values) -> Decimal:
    return sum((Decimal(v) for v in values if v not in ("", None)), Decimal(0))


def _load(*names, ws=None):
    ws = ws or Workspace.in_memory("catalog")
    report = ingest_files(ws, [CORPUS / n if isinstance(n, str) else n for n in names])
    return ws, report


def _products(ws) -> pd.DataFrame:
    return ws.con.execute("select * from products order by product_row_id").df()


@pytest.mark.parametrize("name", ["shopify_products.csv", "woocommerce_products.csv", "plain_catalog_sheet.csv",
                                  "category_margins.csv"])
def test_each_catalog_layout_is_taken_for_a_catalog(name):
    plan = prepare_file(CORPUS / name)
    assert plan.kind == "catalog" and plan.kind_confidence >= 0.9


def test_shopify_products_one_row_per_variant_image_rows_set_aside():
    raw = _csv("shopify_products.csv")
    ws, report = _load("shopify_products.csv")
    f = report.files[0]
    image_rows = raw[(raw["Variant SKU"] == "") & (raw["Variant Price"] == "") & (raw["Option1 Value"] == "")]
    assert (f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_set_aside) == (13, 11, 0, 2) == (
        len(raw), len(raw) - len(image_rows), 0, len(image_rows))
    assert all("only another image" in r for r in f.set_aside_by_reason)
    products = _products(ws)
    # costs and prices to the cent, against the file's own columns
    cost, price = ws.con.execute("select sum(unit_cost), sum(price) from products").fetchone()
    assert cost == _cents(raw["Cost per item"]) == Decimal("80.19")
    assert price == _cents(raw["Variant Price"])
    by_id = products.set_index("product_id")
    # variants: their own SKU, the product's title with the option value, the first row's category
    assert by_id.loc["KR-ESP-1000", "name"] == "Espresso Blend - 1kg"
    assert by_id.loc["KR-ESP-1000", "category"] == "Coffee"
    assert Decimal(str(by_id.loc["KR-ESP-1000", "unit_cost"])) == Decimal("14.20")
    assert by_id.loc["KR-MUG-02", "name"] == "Stoneware Mug - Charcoal"
    assert by_id.loc["KR-DEC-250", "name"] == "Decaf Colombia"          # "Default Title" is no option
    assert by_id.loc["KR-GRD-01", "category"] == "Coffee Grinders"      # a taxonomy path: its last step
    assert by_id.loc["KR-TEA-100", "category"] == "Tea"                 # no Product Category: the Type
    assert pd.isna(by_id.loc["KR-TEA-100", "unit_cost"])
    # variants without a SKU are known by their handle and option value
    assert {"gift-card/€25", "gift-card/€50"} <= set(by_id.index)
    assert f.catalog == {"products": 11, "categories": 0, "with_cost": 8, "repeated_in_file": 0, "replaced": 0}


def test_woocommerce_products_variations_take_their_parents_category():
    raw = _csv("woocommerce_products.csv")
    ws, report = _load("woocommerce_products.csv")
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded) == (len(raw), len(raw)) == (9, 9)
    products = _products(ws).set_index("product_id")
    cost = ws.con.execute("select sum(unit_cost) from products").fetchone()[0]
    assert cost == _cents(raw["Meta: _wc_cog_cost"]) == Decimal("51.35")
    assert products.loc["TL-POT-08", "category"] == products.loc["TL-POT-12", "category"] == "Kannen"
    assert products.loc["TL-ROOIBOS-100", "category"] == "Kräutertee"      # first of "Tee > Kräutertee, Angebote"
    assert Decimal(str(products.loc["TL-POT-12", "price"])) == Decimal("34.00")
    assert products.loc["109", "name"] == "Probierset Grüntee"              # no SKU: its ID


def test_plain_sheet_every_row_accounted_for_and_the_last_row_of_a_product_counts():
    ws, report = _load("plain_catalog_sheet.csv")
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_set_aside) == (9, 6, 2, 1)
    assert f.rejected_by_reason == {"a product name without a product code": 1,
                                    "unit cost is not an amount of zero or more": 1}
    assert f.set_aside_by_reason == {"exact duplicate of an earlier row": 1}
    rejects = ws.con.execute("select source_row, column_name, value from rejects order by 1").fetchall()
    assert rejects == [(8, "SKU", None), (9, "Unit cost", "-2.00")]
    assert f.catalog["repeated_in_file"] == 1 and any("MM-FERN-4" in n for n in f.notes)
    fern = ws.con.execute("select unit_cost from product_catalog where product_id = 'MM-FERN-4'").fetchone()[0]
    assert fern == Decimal("4.10")


def test_a_product_in_a_later_file_replaces_the_earlier_one_and_is_reported(tmp_path):
    ws, _ = _load("plain_catalog_sheet.csv")
    later = tmp_path / "costs_2025.csv"
    later.write_text("SKU,Product,Category,Unit cost\nMM-MON-6,Monstera Deliciosa 6in,Houseplants,9.05\n"
                     "MM-NEW-1,Snake Plant 4in,Houseplants,2.75\n")
    _, report = _load(later, ws=ws)
    f = report.files[0]
    assert f.catalog["replaced"] == 1 and f.catalog["products"] == 2
    assert any("already" in n and "plain_catalog_sheet.csv" in n for n in f.notes)
    costs = dict(ws.con.execute("select product_id, unit_cost from product_catalog").fetchall())
    assert costs["MM-MON-6"] == Decimal("9.05") and costs["MM-SOIL-5"] == Decimal("4.60")


def test_a_catalog_forced_to_be_order_lines_is_refused_in_words():
    plan = prepare_file(CORPUS / "plain_catalog_sheet.csv", kind="transactions")
    plan.set_mapping("unit_price", None)
    with pytest.raises(IngestError) as err:
        load_prepared(Workspace.in_memory("forced"), [plan])
    assert "product catalog" in str(err.value) and "--kind catalog" in str(err.value)


def test_order_lines_without_names_or_categories_take_the_catalogs(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("Order ID,Order Date,Customer ID,SKU,Quantity,Unit price\n"
                      "A1,2024-03-01,C1,MM-MON-6,1,24.00\nA1,2024-03-01,C1,MM-POT-10,2,9.50\n"
                      "A2,2024-03-05,C2,MM-SOIL-5,1,12.00\nA3,2024-03-09,C3,UNKNOWN-1,1,5.00\n")
    ws, _ = _load(orders, "plain_catalog_sheet.csv")
    # order_lines keep what the file said; the marts name and categorise through the catalog
    assert ws.con.execute("select count(*) from order_lines where category is not null").fetchone()[0] == 0
    named = dict(ws.con.execute("""select l.product_id, lp.category from order_lines l
                                   left join line_products lp using (line_id)""").fetchall())
    assert named == {"MM-MON-6": "Houseplants", "MM-POT-10": "Pots & Planters", "MM-SOIL-5": "Soil & Care",
                     "UNKNOWN-1": None}
    first = dict(ws.con.execute("select customer_id, first_category from customers").fetchall())
    assert first == {"C1": "Houseplants", "C2": "Soil & Care", "C3": None}
    by_category = dict(ws.con.execute("select category, sum(net_revenue) from kpi_category_day group by 1").fetchall())
    assert by_category == {"Houseplants": Decimal("24.00"), "Pots & Planters": Decimal("19.00"),
                           "Soil & Care": Decimal("12.00"), "(none)": Decimal("5.00")}
    item = next(i for i in health_report(ws) if i.key == "catalog")
    # 55.00 of 60.00 product revenue is costed
    assert item.value == ("5 products, 4 with a unit cost; 3 of 4 order lines found in it; 92% of product revenue "
                          "has a known cost")


OLIST = ["olist_orders_dataset.csv", "olist_order_items_dataset.csv", "olist_customers_dataset.csv",
         "olist_order_reviews_dataset.csv", "olist_products_dataset.csv", "product_category_name_translation.csv"]


@pytest.fixture(scope="module")
def olist(request):
    folder = request.getfixturevalue("shared_data") / "olist_brazilian_ecommerce" / "sample_15k_orders"
    ws = Workspace.in_memory("olist-catalog")
    report = ingest_files(ws, [folder / n for n in OLIST])
    yield folder, ws, report
    ws.close()


def test_olist_products_and_their_translation_load_as_a_catalog(olist):
    folder, ws, report = olist
    products = pd.read_csv(folder / "olist_products_dataset.csv", dtype=str)
    names = pd.read_csv(folder / "product_category_name_translation.csv", dtype=str)
    files = {f.name: f for f in report.files}
    assert files["olist_products_dataset.csv"].kind == files["product_category_name_translation.csv"].kind == "catalog"
    assert files["olist_products_dataset.csv"].rows_loaded == len(products)
    assert files["product_category_name_translation.csv"].catalog["categories"] == len(names)
    # every product with a translated category shows the English name
    english = dict(zip(names["product_category_name"], names["product_category_name_english"]))
    expected = products["product_category_name"].map(english).dropna()
    shown = ws.con.execute("select count(*) from product_catalog where category in (select unnest(?))",
                           [sorted(set(english.values()))]).fetchone()[0]
    assert shown == len(expected)


def test_olist_categories_reach_the_kpi_bridge_products_and_customers(olist):
    folder, ws, _ = olist
    items = pd.read_csv(folder / "olist_order_items_dataset.csv", dtype=str)
    products = pd.read_csv(folder / "olist_products_dataset.csv", dtype=str)
    names = pd.read_csv(folder / "product_category_name_translation.csv", dtype=str)
    english = dict(zip(names["product_category_name"], names["product_category_name_english"]))
    orders = pd.read_csv(folder / "olist_orders_dataset.csv", dtype=str)
    kept = orders.loc[orders["order_status"] != "canceled", "order_id"]   # a cancelled order's lines count zero
    lines = items[items["order_id"].isin(kept)].merge(products[["product_id", "product_category_name"]],
                                                      on="product_id", how="left")
    lines["category"] = lines["product_category_name"].map(english).fillna(lines["product_category_name"])
    top = (lines.assign(price=lines["price"].map(Decimal)).groupby("category")["price"].sum()
           .sort_values(ascending=False))
    stored = dict(ws.con.execute("select category, sum(net_revenue) from kpi_category_day group by 1").fetchall())
    assert stored[top.index[0]] == top.iloc[0]  # the biggest category's revenue, to the cent
    movers = largest_movers(ws, (dt.date(2017, 1, 1), dt.date(2017, 7, 1)), (dt.date(2017, 7, 1), dt.date(2018, 1, 1)))
    assert set(movers.loc[movers["dimension"] == "category", "value"]) <= set(english.values()) | {"(none)"}
    assert len(movers[movers["dimension"] == "category"]) == 5
    kept = kept_lines(ws)       # what the Products page's baskets, gateways and recommendations read
    assert kept["category"].notna().mean() > 0.98 and set(kept["category"]) & set(english.values())
    filled = ws.con.execute("select count(first_category) * 1.0 / count(*) from customers where orders > 0").fetchone()[0]
    assert filled > 0.95


def test_shopify_products_in_the_2024_layout_load_as_the_older_layout():
    """Shopify's product export since 2024 writes "URL handle", "SKU", "Price", "Option1 value" and "Product
    category" (vendor_exports/shopify_products_2024.csv: the same products as shopify_products.csv)."""
    plan = prepare_file(CORPUS / "shopify_products_2024.csv")
    assert plan.kind == "catalog" and plan.kind_confidence >= 0.9
    assert plan.mapping_by_header()["product_id"] == "SKU" and plan.mapping_by_header()["category"] == "Product category"
    old_ws, old = _load("shopify_products.csv")
    new_ws, new = _load("shopify_products_2024.csv")
    f = new.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_set_aside) == (13, 11, 0, 2)
    assert f.catalog == old.files[0].catalog
    columns = "product_id, name, category, unit_cost, price"
    assert new_ws.con.execute(f"select {columns} from product_catalog order by 1").fetchall() == \
        old_ws.con.execute(f"select {columns} from product_catalog order by 1").fetchall()
