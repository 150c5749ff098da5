"""Bad values get a reason, never a silent number (issue 10).

Every file of ``tests/corpus/bad_values.py`` ends in a correct load: each value that cannot be right is rejected
with its own reason (row, column, the value as written), everything else is loaded, and the row and money
identities hold. The file report lists them in ``warnings``; the health report names them; an amount that
cannot be read is reported with its text and left out of the money read (it cannot be added up).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from insights.cli import main
from tests.app_pages.helpers import open_upload_page
from insights.ingest import health_report, ingest_files, rejects_frame
from tests.corpus.bad_values import BUILDERS, make_bad_values


NPS, STARS = "NPS score outside 0–10", "star rating outside 1–5"
CSAT = "satisfaction score outside the file's 1–5 scale"
ZERO, NEGATIVE = "quantity is zero (no sale)", "negative unit price on a sale (not a cancellation, return or adjustment)"
FAR_ORDER, FAR_EVENT = "order date far outside the file's other dates", "event time far outside the file's other dates"

# name -> (kind, rows read, rows loaded, rejected by reason, the rows rejected, money (read, loaded) or None)
EXPECTED = {
    "nps_out_of_range.csv": ("feedback", 7, 4, {NPS: 2, "score is not a number": 1}, [5, 6, 8], None),
    "stars_out_of_range.csv": ("feedback", 5, 3, {STARS: 2}, [4, 5], None),
    "csat_1_to_5_with_a_7.csv": ("feedback", 24, 23, {CSAT: 1}, [22], None),
    # the Refunded line with a negative amount is the refund itself (−7.65 off revenue), not a sale to zero
    "negative_prices.csv": ("transactions", 7, 5, {ZERO: 1, NEGATIVE: 1}, [3, 7],
                            (Decimal("-1.13"), Decimal("5.65"))),
    "far_dates.csv": ("transactions", 27, 24, {FAR_ORDER: 3}, [26, 27, 28], (Decimal("300"), Decimal("240"))),
    "unreadable_amounts.csv": ("transactions", 5, 2, {"unit price is not an amount": 2, "quantity is not a number": 1},
                               [3, 4, 5], (Decimal("23.98"), Decimal("23.98"))),
    "negative_and_zero.xlsx": ("transactions", 4, 2, {ZERO: 1, NEGATIVE: 1}, [3, 4], (Decimal("6.5"), Decimal("18.5"))),
    "events_far_dates.csv": ("events", 24, 22, {FAR_EVENT: 2}, [24, 25], None),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    assert set(EXPECTED) == set(BUILDERS), "every bad-value file needs its expected fate"
    return make_bad_values(tmp_path_factory.mktemp("bad_values"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_value_file_loads_with_every_bad_value_rejected_for_its_reason(files, tmp_workspace, name):
    kind, read, loaded, reasons, rejected_rows, money = EXPECTED[name]
    f = ingest_files(tmp_workspace, [files[name]]).files[0]
    assert (f.kind, f.rows_read, f.rows_loaded, f.rows_set_aside) == (kind, read, loaded, 0)
    assert f.rejected_by_reason == reasons
    assert f.rows_read == f.rows_loaded + f.rows_rejected + f.rows_set_aside
    assert f.revenue_read == (f.revenue_loaded + f.revenue_rejected + f.revenue_set_aside
                              + f.revenue_excluded_by_status)
    if money is not None:
        assert (f.revenue_read, f.revenue_loaded) == money
    rejects = rejects_frame(tmp_workspace)
    assert sorted(rejects["row"]) == rejected_rows
    assert rejects["value"].notna().all() and rejects["column"].notna().all()
    # the owner is told in words, one warning per problem
    assert f.warnings and all(isinstance(w, str) for w in f.warnings)
    for reason in set(reasons) - {"score is not a number", "unit price is not an amount", "quantity is not a number"}:
        assert any(reason in w for w in f.warnings), (reason, f.warnings)


def test_negative_prices_of_cancellations_refunds_and_discounts_still_load(files, tmp_workspace):
    ingest_files(tmp_workspace, [files["negative_prices.csv"]])
    rows = tmp_workspace.con.execute("""select source_row, is_cancellation, is_return, is_non_product, revenue
                                        from order_lines order by source_row""").fetchall()
    assert [r[0] for r in rows] == [2, 4, 5, 6, 8]
    # C invoice, refund (its negative amount is the money given back), discount
    assert rows[1][1] and rows[2][2] and rows[3][3] and rows[2][4] == Decimal("-7.65")


def test_far_dates_do_not_stretch_the_data(files, tmp_workspace):
    ingest_files(tmp_workspace, [files["far_dates.csv"]])
    first, last = tmp_workspace.con.execute("select min(ordered_at)::date::varchar, max(ordered_at)::date::varchar "
                                            "from order_lines").fetchone()
    assert first.startswith("2024") and last.startswith("2024")


def test_unreadable_amounts_are_reported_with_their_text_and_not_summed(files, tmp_path, capsys):
    # 3 of 5 rows rejected: the load asks first (exit 3, nothing loaded) and goes ahead with --yes
    assert main(["ingest", str(files["unreadable_amounts.csv"]), "--workspace", str(tmp_path / "ws"), "--json"]) == 3
    capsys.readouterr()
    assert main(["ingest", str(files["unreadable_amounts.csv"]), "--workspace", str(tmp_path / "ws"), "--json",
                 "--yes"]) == 0
    f = json.loads(capsys.readouterr().out)["files"][0]
    assert f["rows_amount_unreadable"] == 3
    assert f["amounts_unreadable"] == [{"row": 3, "column": "Unit Price", "text": "n/a"},
                                       {"row": 4, "column": "Unit Price", "text": "12.5.0"},
                                       {"row": 5, "column": "Quantity", "text": "two"}]
    money = [w for w in f["warnings"] if "cannot be read" in w]
    assert len(money) == 1 and "3 rows" in money[0] and "“n/a”" in money[0] and "cannot be added up" in money[0]
    assert f["revenue_read"] == 23.98 == f["revenue_loaded"]        # only the money that could be read


def test_health_report_names_the_bad_values(files, tmp_workspace):
    ingest_files(tmp_workspace, [files["negative_prices.csv"], files["far_dates.csv"],
                                 files["unreadable_amounts.csv"]])
    items = {i.key: i for i in health_report(tmp_workspace)}
    bad = items["bad_values"]
    assert bad.severity == "warning" and bad.value.startswith("5 rows rejected")
    assert f"3 {FAR_ORDER}" in bad.value and f"1 {ZERO}" in bad.value and f"1 {NEGATIVE}" in bad.value
    assert items["unreadable_amounts"].value == "3 rows"


def test_a_one_to_five_scale_is_read_from_the_values_when_the_header_does_not_say(tmp_path, tmp_workspace):
    """A plain "score" column of 1–5 answers with one 9: the 9 does not turn the file into NPS, it is rejected."""
    lines = ["Date,Score,Comment"] + [f"2024-01-{1 + i:02d},{1 + i % 5},c{i}" for i in range(24)] + ["2024-01-30,9,x"]
    path = tmp_path / "scores.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    f = ingest_files(tmp_workspace, [path]).files[0]
    assert f.kind == "feedback" and f.rejected_by_reason == {STARS: 1} and f.rows_loaded == 24
    kinds = tmp_workspace.con.execute("select distinct kind from feedback").fetchall()
    assert kinds == [("review",)]


def test_upload_page_shows_each_files_warnings(files, tmp_path, monkeypatch):
    at, ws = open_upload_page(tmp_path, monkeypatch)
    at.file_uploader[0].set_value([("negative_prices.csv", files["negative_prices.csv"].read_bytes(), "text/csv")]).run()
    # 2 of 7 rows would be rejected: the page asks first, and the owner confirms
    next(b for b in at.button if b.label.startswith("Confirm and load")).click().run()
    assert not at.exception
    warned = " ".join(w.value for w in at.warning).replace("\\", "")    # as shown: markdown escapes removed
    assert "**negative_prices.csv**" in warned
    assert "1 row rejected: quantity is zero" in warned and "“-3.39”" in warned
    assert any("Values that cannot be right" in m.value for m in at.markdown)
