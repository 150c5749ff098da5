"""Labels written one way: channels, statuses, devices and categories grouped case- and separator-insensitively,
countries by their ISO code (DE, DEU, Germany, Deutschland); ids and free text never touched."""

import pyarrow as pa

from insights.customers.segment_builder import field_values
from insights.ingest import ingest_files
from insights.ingest.values.labels import LabelBook, country_code, country_name, label_key

CHANNELS = ("Paid Social", "Organic Search", "Email", "Referral", "Marketplace", "Direct")
COUNTRIES = ("DE", "Germany", "Deutschland", "DEU", "UK", "GB", "United Kingdom", "gb")


def _spellings(channel: str) -> list[str]:
    snake = channel.lower().replace(" ", "_")
    return [channel, snake, channel.upper().replace(" ", "-"), "  " + channel.lower().replace(" ", "   ")]


def _orders(tmp_path, name="orders.csv", start=0):
    rows = []
    for i, (channel, spelling) in enumerate((c, s) for c in CHANNELS for s in _spellings(c)):
        n = start + i
        rows.append(f"O{n},C{n},2024-02-{1 + n % 27:02d},SKU_{n % 3},Mug_Blue {n % 2},home_decor,1,9.50,"
                    f"{spelling},{COUNTRIES[n % len(COUNTRIES)]},{'Paid' if n % 2 else 'paid'}")
    path = tmp_path / name
    path.write_text("order_id,customer_id,order_date,sku,product,category,quantity,price,channel,country,status\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_mixed_spellings_make_six_channels_not_twenty_four(tmp_workspace, tmp_path):
    report = ingest_files(tmp_workspace, [_orders(tmp_path)])
    assert report.files[0].rows_loaded == 24
    con = tmp_workspace.con
    channels = dict(con.execute("select channel, count(*) from order_lines group by 1").fetchall())
    assert channels == {c: 4 for c in CHANNELS}          # shown as written for people, not paid_social
    assert {r[0] for r in con.execute("select distinct channel from orders").fetchall()} == set(CHANNELS)
    assert sorted(field_values(tmp_workspace, "channel")) == sorted(CHANNELS)   # the segment builder's choices
    assert con.execute("select list(distinct status) from order_lines").fetchall()[0][0] == ["Paid"]
    assert con.execute("select list(distinct category) from order_lines").fetchall()[0][0] == ["home_decor"]
    # ids and free text are never normalised
    assert sorted(r[0] for r in con.execute("select distinct product_id from order_lines").fetchall()) == [
        "SKU_0", "SKU_1", "SKU_2"]
    assert sorted(r[0] for r in con.execute("select distinct product_name from order_lines").fetchall()) == [
        "Mug_Blue 0", "Mug_Blue 1"]


def test_countries_written_any_way_are_one_country(tmp_workspace, tmp_path):
    ingest_files(tmp_workspace, [_orders(tmp_path)])
    countries = dict(tmp_workspace.con.execute("select country, count(*) from order_lines group by 1").fetchall())
    assert countries == {"Germany": 12, "United Kingdom": 12}
    assert sorted(field_values(tmp_workspace, "country")) == ["Germany", "United Kingdom"]


def test_a_later_upload_keeps_the_spelling_the_workspace_shows(tmp_workspace, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("order_id,customer_id,order_date,quantity,price,channel,country\n"
                     "A1,C1,2024-01-05,1,5.00,paid_social,deutschland\n", encoding="utf-8")
    ingest_files(tmp_workspace, [first])
    ingest_files(tmp_workspace, [_orders(tmp_path)])
    con = tmp_workspace.con
    shown = {r[0] for r in con.execute("select distinct channel from order_lines").fetchall()}
    assert "paid_social" in shown and "Paid Social" not in shown and len(shown) == 6


def test_label_keys_and_countries():
    assert label_key(" Paid__Social ") == label_key("paid-social") == label_key("PAID   SOCIAL") == "paid social"
    assert label_key("e-mail") != label_key("email")
    assert {country_code(c) for c in ("DE", "DEU", "Germany", "Deutschland", "germany ")} == {"DE"}
    assert {country_code(c) for c in ("UK", "GB", "United Kingdom", "Great Britain")} == {"GB"}
    assert country_code("EIRE") == "IE" and country_code("USA") == country_code("United States") == "US"
    assert country_code("Channel Islands") is None and country_code("276") is None
    assert country_name("KR") == "South Korea" and country_name("DE") == "Germany"


def test_label_book_learns_once_and_renames_nothing_it_already_shows():
    book = LabelBook(lambda: [("channel", "e-mail newsletter", 3), ("channel", "E-Mail Newsletter", 5)])
    out = book.normalise("channel", pa.array(["E_MAIL newsletter", None, "Affiliate", "affiliate"]))
    assert out.to_pylist() == ["E-Mail Newsletter", None, "Affiliate", "Affiliate"]
