"""A file loaded into the wrong workspace is flagged by the health report (issue 12): a 2010–11 file in a
2023–24 shop, or a file of strangers far from the shop's dates — and next month's export is not."""

import datetime as dt

from insights.ingest import health_report
from insights.ingest.prepare import ingest_files


def _orders(path, prefix, start: dt.date, days: int, customers: int, customer_prefix=None):
    rows = ["Order ID,Order Date,Customer ID,Product,Quantity,Unit Price"]
    for i in range(days):
        rows.append(f"{prefix}{i},{start + dt.timedelta(days=i)},{customer_prefix or prefix}C{i % customers},Mug,1,9.5")
    path.write_text("\n".join(rows) + "\n")
    return path


def _items(ws):
    return {i.key: i for i in health_report(ws)}


def test_another_shops_file_is_flagged(tmp_workspace, tmp_path):
    ingest_files(tmp_workspace, [_orders(tmp_path / "shop.csv", "A", dt.date(2023, 7, 1), 365, 60)])
    assert _items(tmp_workspace)["date_range"].severity == "ok"
    ingest_files(tmp_workspace, [_orders(tmp_path / "retail.csv", "B", dt.date(2010, 12, 1), 300, 50)])
    items = _items(tmp_workspace)
    assert items["date_range"].severity == "warning" and "two shops" in items["date_range"].meaning
    foreign = items["foreign_file"]
    assert foreign.title == "“retail.csv” looks like another shop's"
    assert "0 of its 50 customers were known" in foreign.value and "new workspace" in foreign.action


def test_next_months_export_is_not_flagged(tmp_workspace, tmp_path):
    ingest_files(tmp_workspace, [_orders(tmp_path / "h1.csv", "A", dt.date(2024, 1, 1), 180, 60)])
    ingest_files(tmp_workspace, [_orders(tmp_path / "h2.csv", "B", dt.date(2024, 7, 1), 60, 60, customer_prefix="A")])
    items = _items(tmp_workspace)
    assert items["date_range"].severity == "ok" and "foreign_file" not in items


def test_strangers_close_in_time_are_flagged_only_with_a_gap(tmp_workspace, tmp_path):
    # new customers right after the shop's last order: a growing shop, not another shop
    ingest_files(tmp_workspace, [_orders(tmp_path / "h1.csv", "A", dt.date(2024, 1, 1), 180, 60)])
    ingest_files(tmp_workspace, [_orders(tmp_path / "h2.csv", "B", dt.date(2024, 6, 29), 60, 40)])
    assert "foreign_file" not in _items(tmp_workspace)
